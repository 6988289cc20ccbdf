"""Every surface that can show a round, walked for a named, an anonymous and a private round, as
an analyst, a member of another place, a member of the round's place and staff.

The surfaces: the comparison page (its tables, its charts' figures, the distribution and the
trend, in each sort order), its exports (CSV and XLSX, results and responses), the comparison
PDF's text, and the rounds API with its filters. Each round carries text that names its place —
its place's name and code, evidence and an agreed rationale — and each person must meet the
round as the rules say: by name, by an anonymous label and nothing else, or not at all.
"""

import io
import json
from dataclasses import dataclass

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Consensus, Membership, Sharing
from reports import pdf
from reports.compare import anonymous_code, anonymous_label
from tests.reports.compare_data import closed_round, heatmap_labels, make_place, offered, xlsx_rows
from tests.reports.pages import DISTRIBUTION, figure, table

pytestmark = pytest.mark.django_db

COMPARE = reverse("reports-compare")
CSV = reverse("reports-export-csv")
XLSX = reverse("reports-export-xlsx")
PDF = reverse("reports-compare-pdf")
API = reverse("reports-api-assessments")

NAMED, ANONYMOUS, ABSENT = "named", "anonymous", "absent"
VIEWERS = ("analyst", "other member", "place member", "staff")
# How each person meets each round.
EXPECTED = {
    "named": {"analyst": NAMED, "other member": ABSENT, "place member": NAMED, "staff": NAMED},
    "anonymous": {
        "analyst": ANONYMOUS,
        "other member": ABSENT,
        "place member": NAMED,
        "staff": NAMED,
    },
    "private": {"analyst": ABSENT, "other member": ABSENT, "place member": NAMED, "staff": NAMED},
}


@dataclass
class Walked:
    """A round and every text by which it could be recognised."""

    pk: int
    name: str
    code: str
    evidence: str
    rationale: str
    sharing: str

    @property
    def label(self) -> str:
        return anonymous_label(self.pk)

    @property
    def key(self) -> int | str:
        """How an address chooses it: a round shared anonymously only by its code."""
        return anonymous_code(self.pk) if self.sharing == Sharing.ANONYMOUS else self.pk

    @property
    def telling(self) -> list[str]:
        """What names the place, besides its name: never shown with an anonymous label."""
        return [self.code, self.evidence, self.rationale, self.name.split()[0]]


def _round(place, *, sharing: str, evidence: str, rationale: str, by) -> Walked:
    # An earlier round shared alike, so the place has a trend to show (or to withhold).
    closed_round(place, "2025 Q4", {"Asha Patel": {}}, sharing=sharing)
    assessment = closed_round(
        place,
        "2026 Q2",
        {"Asha Patel": {"impact": (3, 4)}, "Dan Reilly": {"impact": (3, 4)}},
        sharing=sharing,
        consensus={"governance": (2, 3)},
        by=by,
        evidence={("Asha Patel", "impact"): evidence, ("Dan Reilly", "lesson-08"): evidence},
    )
    Consensus.objects.filter(assessment=assessment).update(rationale=rationale)
    return Walked(assessment.pk, place.name, place.code, evidence, rationale, sharing)


@pytest.fixture
def walk(place, other_place, viewer, outsider, make_person, lead):
    """Riverside shares its round by name; Northmoor (the North East) anonymously; Eastvale
    keeps its own private. Four more places of the North East share by name, so the region
    holds one anonymous round and four named ones."""
    eastvale = make_place("eastvale", "Eastvale Health and Wellbeing Board")
    eastvale_member = make_person("joe.fenn@eastvale.example.org", "Joe", "Fenn")
    Membership.objects.create(user=eastvale_member, place=eastvale, role="viewer")
    rounds = {
        "named": _round(
            place,
            sharing=Sharing.NAMED,
            evidence="Riverside's own Bankside hub evidence",
            rationale="Riverside's Bankside rationale",
            by=lead,
        ),
        "anonymous": _round(
            other_place,
            sharing=Sharing.ANONYMOUS,
            evidence="Seen at the Hexley Moor frailty hub",
            rationale="Agreed after the Hexley Moor review",
            by=outsider,
        ),
        "private": _round(
            eastvale,
            sharing=Sharing.PRIVATE,
            evidence="Eastvale's Fenwick ward audit",
            rationale="Eastvale's Fenwick rationale",
            by=None,
        ),
    }
    north_east = [
        closed_round(
            make_place(f"ne-{n}", f"North East place {n}", region=other_place.region),
            "2026 Q2",
            {"Asha Patel": {}},
        )
        for n in range(1, 5)
    ]
    members = {"named": viewer, "anonymous": outsider, "private": eastvale_member}
    others = {"named": outsider, "anonymous": viewer, "private": viewer}
    return rounds, members, others, north_east


def _person(request, walk, kind: str, who: str):
    _, members, others, _ = walk
    if who == "place member":
        return members[kind]
    if who == "other member":
        return others[kind]
    return request.getfixturevalue(who)


def _meets(text: str, walked: Walked, surface: str) -> str:
    """How a text shows the round: by name, by its anonymous label only, or not at all."""
    named, labelled = walked.name in text, walked.label in text
    assert not (named and labelled), f"{surface}: named and labelled at once"
    if named:
        return NAMED
    leaked = [t for t in walked.telling if t.lower() in text.lower()]
    assert leaked == [], f"{surface}: {leaked} shown without the place's name"
    return ANONYMOUS if labelled else ABSENT


def _csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _xlsx_text(response) -> str:
    return json.dumps(xlsx_rows(response), default=str)


def _pdf_text(response) -> str:
    if response.status_code == 400:  # nothing the reader may compare: no PDF at all
        return response.content.decode()
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def fast_pdf(monkeypatch, settings, tmp_path):
    """The real WeasyPrint lays out the text; the charts are drawn as empty vectors (their
    figures are walked on the page, from the same builders)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(pdf, "figures_to_svg", lambda figures: ["<svg></svg>"] * len(figures))


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_it_shows_each_round_on_every_surface_only_as_the_rules_say(
    client, django_app, request, walk, fast_pdf, kind, who
):
    rounds, *_ = walk
    walked, expected = rounds[kind], EXPECTED[kind][who]
    person = _person(request, walk, kind, who)
    client.force_login(person)
    chosen = {"assessment": [walked.key]}
    met = {}

    # The comparison page, in each sort order, with the place's trend asked for by code.
    for sort in ("", "impact", "_place"):
        page = django_app.get(COMPARE, {**chosen, "trend": walked.code, "sort": sort}, user=person)
        # The page repeats the reader's own address in its links: the code they typed.
        text = page.text.replace(f"trend={walked.code}", "")
        met[f"page sorted by {sort or 'choice'}"] = _meets(text, walked, "page")
        rows = " ".join(heatmap_labels(page)) if 'id="chart-overlay"' in page.text else ""
        met[f"heat map sorted by {sort or 'choice'}"] = _meets(rows, walked, "heat map")
        figures = {
            name: json.dumps(figure(page, f"{name}-data"))
            for name in ("overlay", "distribution", "trend")
            if f'id="{name}-data"' in page.text
        }
        for name, drawn in figures.items():
            shown = _meets(drawn, walked, f"{name} chart")  # and nothing telling without the name
            if name != "trend":  # the trend is drawn under a heading that names its place
                met[f"{name} chart"] = shown
        # Over time: only a place the reader sees by name, never through an anonymous round.
        assert ("trend" in figures) == (expected == NAMED)
        keys = offered(page)
        assert (walked.pk in keys or walked.key in keys) == (expected != ABSENT)
        # Its id only where its place is named: an id beside a label would tell.
        assert (walked.pk in keys) == (expected == NAMED)

    # The exports, of the round chosen and of everything the person may export.
    for query in (chosen, {}):
        for detail in ("", "responses"):
            asked = {**query, "detail": detail}
            met[f"CSV {asked}"] = _meets(_csv_text(client.get(CSV, asked)), walked, "CSV")
            met[f"XLSX {asked}"] = _meets(_xlsx_text(client.get(XLSX, asked)), walked, "XLSX")

    # The comparison PDF: its text as a reader's PDF viewer extracts it.
    met["PDF"] = _meets(_pdf_text(client.get(PDF, chosen)), walked, "PDF")

    # The rounds API, with each of its filters.
    for query in ({}, {"status": "closed"}, {"period": "2026 Q2"}):
        listed = client.get(API, query).json()["assessments"]
        met[f"API {query}"] = _meets(json.dumps(listed), walked, "API")
    by_code = client.get(API, {"place": walked.code}).json()["assessments"]
    found = _meets(json.dumps(by_code), walked, "API by place code")
    assert found == (NAMED if expected == NAMED else ABSENT)

    assert met == dict.fromkeys(met, expected)
    if expected != NAMED:
        # Evidence never reaches anyone who does not see the place's name.
        detail = _csv_text(client.get(CSV, {"detail": "responses"}))
        assert walked.evidence not in detail


@pytest.mark.parametrize(
    ("who", "expected"),
    [("analyst", ABSENT), ("place member", NAMED), ("staff", NAMED)],
)
def test_it_keeps_the_anonymous_round_out_of_its_region_among_four_named_ones(
    client, django_app, request, walk, who, expected
):
    rounds, _, _, north_east = walk
    walked = rounds["anonymous"]
    person = _person(request, walk, "anonymous", who)
    client.force_login(person)
    region = {"region": "north-east-yorkshire"}

    page = django_app.get(COMPARE, region, user=person)
    on_offer = offered(page)
    assert walked.pk in on_offer if expected == NAMED else walked.key not in on_offer
    assert _meets(page.text, walked, "candidates") == expected
    if who != "place member":  # the four named rounds are not Northmoor's to see
        assert {r.pk for r in north_east} <= set(on_offer)
    for detail in ("", "responses"):
        asked = {**region, "detail": detail}
        assert _meets(_csv_text(client.get(CSV, asked)), walked, "CSV") == expected
        assert _meets(_xlsx_text(client.get(XLSX, asked)), walked, "XLSX") == expected
    # Unfiltered, the analyst meets it anonymously: only the region's filter leaves it out.
    if who == "analyst":
        assert _meets(django_app.get(COMPARE, user=person).text, walked, "page") == ANONYMOUS


@pytest.mark.parametrize("kind", ["named", "anonymous"])
def test_it_shows_members_every_shared_place_as_a_crowd_without_names(
    django_app, request, walk, kind
):
    rounds, *_ = walk
    person = _person(request, walk, kind, "place member")
    page = django_app.get(COMPARE, {"assessment": [rounds[kind].key]}, user=person)
    # Each place's latest round shared by name and every round shared anonymously: Riverside
    # 3, Northmoor's two anonymous rounds 2 and 3, and four North East places at 2. Eastvale's
    # is private. Seven rounds: as many as the list of rounds offers an analyst.
    assert table(page, DISTRIBUTION)[1] == ["Impact", "7", "2", "2", "2", "2.5", "3"]
    [box, *_] = [t for t in figure(page, "distribution-data")["data"] if t["type"] == "box"]
    assert "y" not in box and box["q3"][0] == 2.5
    for other, walked in rounds.items():
        if other != kind:
            assert _meets(page.text, walked, f"distribution shown with {kind}") == ABSENT


def test_it_shows_members_no_place_s_level_in_a_group_smaller_than_the_minimum(
    django_app, walk, settings, viewer
):
    rounds, *_ = walk
    settings.COMPARE_MIN_GROUP = 7
    page = django_app.get(COMPARE, {"assessment": [rounds["named"].pk]}, user=viewer)
    # Six places share seven rounds: too few places.
    assert table(page, DISTRIBUTION)[1] == ["Impact", "7", "not shown: fewer than 7 places"]
    assert "Fewer than 7 places share their rounds for comparison" in page.text
    boxes = [t for t in figure(page, "distribution-data")["data"] if t["type"] == "box"]
    assert boxes == []
