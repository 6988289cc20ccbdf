"""The Nu HTML Checker (vnu.jar, pinned in tests/html_checker and installed by `make install`)
on every kind of page, as each kind of user gets it: no error, and no warning.

The pages are fetched through Django's test client and checked in one run of the checker."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from assessment.services import assessment_advance, assessment_open
from tests.assessment.scoring import items_by_key, respondent_of, score
from tests.reports.compare_data import chosen, closed_round, four_places

pytestmark = pytest.mark.django_db

VNU = Path(settings.BASE_DIR) / "tests/html_checker/node_modules/vnu-jar/build/dist/vnu.jar"


def check(pages: dict[str, str], folder: Path) -> list[str]:
    """Every message the checker gives on these pages (name → HTML), one line each."""
    for number, html in enumerate(pages.values()):
        (folder / f"{number:02d}.html").write_text(html, encoding="utf-8")
    names = dict(enumerate(pages))
    run = subprocess.run(
        [shutil.which("java") or "java", "-jar", str(VNU), "--format", "json", "--also-check-css"]
        + sorted(str(p) for p in folder.glob("*.html")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{names[int(Path(m['url']).stem)]}: {m['type']}: {m['message']} "
        f"(line {m.get('lastLine')}: {m.get('extract', '').strip()[:80]!r})"
        for m in messages
    ]


@pytest.fixture
def at_consensus(open_round, lead, respondent):
    score(respondent_of(open_round, lead))
    score(respondent_of(open_round, respondent))
    return assessment_advance(assessment=open_round)


def test_every_kind_of_page_is_valid_html(
    client, lead, respondent, analyst, staff, place, other_place, versions, at_consensus, tmp_path
):
    assert VNU.exists(), "the Nu HTML Checker is not installed: run make install"
    closed = closed_round(place, "2025 Q2", {"Asha Patel": {"impact": (1, 3)}})
    shared = four_places(place, other_place)
    item = next(iter(items_by_key(at_consensus).values()))
    version = at_consensus.framework_versions.first()
    pages: dict[str, str] = {}

    def get(name, url, user=None, status=200, data=None):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url, data or {})
        assert response.status_code == status, f"{name}: {url} answered {response.status_code}"
        pages[name] = response.content.decode()

    get("sign-in", reverse("login"))
    get("accessibility statement", reverse("accessibility"))
    get("privacy notice", reverse("privacy"))
    get("my places", reverse("home"), lead)
    get("place", reverse("assessment-place", args=[place.code]), lead)
    get("round at consensus", reverse("assessment-detail", args=[at_consensus.pk]), lead)
    get("consensus overview", reverse("assessment-consensus", args=[at_consensus.pk]), lead)
    get(
        "consensus item",
        reverse("assessment-consensus-item", args=[at_consensus.pk, item.pk]),
        lead,
    )
    get("history", reverse("assessment-history", args=[at_consensus.pk]), lead)
    get("actions", reverse("assessment-actions", args=[at_consensus.pk]), lead)
    get("report", reverse("reports-page", args=[closed.pk]), lead)
    open_again = assessment_open(
        place=place, period="2027 Q1", versions=versions, participants=[lead, respondent]
    )
    get("deadline and people", reverse("assessment-edit", args=[open_again.pk]), lead)
    get("scoring form", reverse("assessment-respond", args=[open_again.pk]), respondent)
    get("compare, nothing chosen", reverse("reports-compare"), analyst)
    rounds = [shared[k] for k in ("riverside", "northmoor", "westfield")]
    get("compare, three rounds", reverse("reports-compare"), analyst, data=chosen(*rounds))
    get("frameworks", reverse("frameworks-list"), lead)
    get(
        "framework",
        reverse("frameworks-detail", args=[version.framework.slug, version.version]),
        lead,
    )
    get("glossary", reverse("frameworks-glossary"), lead)
    get("security", reverse("mfa_index"), lead)
    get("your data", reverse("accounts-your-data"), lead)
    get("API tokens", reverse("accounts-tokens"), analyst)
    get("audit log", reverse("accounts-audit"), staff)
    get("not found", "/assessments/999999/", lead, status=404)
    get("forbidden", reverse("assessment-edit", args=[open_again.pk]), respondent, status=403)
    assert check(pages, tmp_path) == []
