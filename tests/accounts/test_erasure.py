"""Erasing a person (manage.py erase_person and the staff page): their name, address and words
go from every page, export, PDF, history and the API, while the round's report adds up as
before; someone who leads a round still under way is refused, told what to do first."""

import io
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts import audit
from accounts.models import AuditEvent, AuditKind
from assessment.models import Respondent
from assessment.services import assessment_advance
from tests.assessment.scoring import respondent_of

from .personal_data_rounds import (
    EMAIL,
    NAME,
    TRACES,
    zebedee_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_consensus(place, lead, respondent, zebedee, versions):
    return zebedee_round(place, lead, respondent, zebedee, versions)


@pytest.fixture
def closed(at_consensus, zebedee):
    """Closed, after Zebedee signed in (a session, an audit event), mistyped once (a record of
    the attempt), linked his NHSmail sign-in and set up an authenticator app."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from axes.models import AccessAttempt

    Client().force_login(zebedee)  # a browser of his own, still signed in
    audit.record(AuditKind.SIGNED_IN, person=zebedee)
    audit.record(AuditKind.SIGN_IN_FAILED, email=EMAIL)
    EmailAddress.objects.create(user=zebedee, email=EMAIL, verified=True, primary=True)
    SocialAccount.objects.create(
        user=zebedee, provider="nhsmail", uid="zq-1", extra_data={"email": EMAIL, "name": NAME}
    )
    Authenticator.objects.create(user=zebedee, type=Authenticator.Type.TOTP, data={"secret": "S"})
    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="10.0.0.1",
        user_agent="",
        http_accept="",
        path_info="/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    return assessment_advance(assessment=at_consensus)


@pytest.fixture
def no_chart_browser(monkeypatch):
    """The report PDF through WeasyPrint, without its charts: no Chromium needed, and the
    charts show no names."""
    from reports import pdf

    monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})


def _text(response) -> str:
    assert response.status_code == 200, (response.request["PATH_INFO"], response.status_code)
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheet" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8-sig")


def everything_shown(client, reader, assessment) -> dict[str, str]:
    """Every surface a reader opens on the round, by address: pages, exports, PDF, API."""
    from frameworks.models import Item

    client.force_login(reader)
    pk = assessment.pk
    impact = Item.objects.get(version__assessments=assessment, key="impact")
    compare = {"assessment": [pk], "detail": "responses"}
    urls = [
        reverse("assessment-place", args=[assessment.place.code]),
        reverse("assessment-detail", args=[pk]),
        reverse("assessment-consensus", args=[pk]),
        reverse("assessment-consensus-item", args=[pk, impact.pk]),
        reverse("assessment-history", args=[pk]),
        reverse("assessment-actions", args=[pk]),
        reverse("assessment-actions-csv", args=[pk]),
        reverse("assessment-actions-xlsx", args=[pk]),
        reverse("assessment-actions-api", args=[pk]),
        reverse("assessment-api", args=[pk]),
        reverse("reports-page", args=[pk]),
        reverse("reports-print", args=[pk]),
        reverse("reports-pdf", args=[pk]),
        reverse("reports-export-csv") + "?" + _query(compare),
        reverse("reports-export-xlsx") + "?" + _query(compare),
    ]
    return {url: _text(client.get(url)) for url in urls}


def _query(params) -> str:
    from urllib.parse import urlencode

    return urlencode(params, doseq=True)


def traces_in(shown: dict[str, str]) -> dict[str, list[str]]:
    found = {url: [t for t in TRACES if t in text] for url, text in shown.items()}
    return {url: traces for url, traces in found.items() if traces}


def traces_in_database() -> dict[str, int]:
    """Every table, every row, as text: where his name, address or words are still held."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            text = "\n".join(repr(row) for row in cursor.fetchall())
            if hits := [t for t in TRACES if t in text]:
                found[table] = hits
    return found


def report_figures(client, reader, assessment) -> list[str]:
    """What the report says of each factor's numbers: levels, medians, counts by level."""
    client.force_login(reader)
    page = client.get(reverse("reports-page", args=[assessment.pk]))
    from bs4 import BeautifulSoup

    html = BeautifulSoup(page.content, "html.parser")
    figures = [p.get_text(" ", strip=True) for p in html.select(".factor-figures")]
    counts = [t.get_text(" ", strip=True) for t in html.select("table.spread-table")]
    return figures + counts


def test_erasure_leaves_no_trace_and_the_report_adds_up(
    client, closed, lead, staff, zebedee, no_chart_browser, media
):
    # Staff changed him in the admin once: its log names him.
    LogEntry.objects.log_actions(
        user_id=staff.pk, queryset=[zebedee], action_flag=CHANGE, change_message="Changed email."
    )
    before = {who.email: everything_shown(client, who, closed) for who in (lead, staff)}
    # He is there to be found before: the search would see him.
    assert NAME in before[lead.email][reverse("reports-page", args=[closed.pk])]
    assert "ZQ-EVIDENCE" in before[lead.email][reverse("reports-pdf", args=[closed.pk])]
    assert EMAIL in before[lead.email][reverse("assessment-place", args=[closed.place.code])]
    figures = report_figures(client, lead, closed)
    held = set(traces_in_database())
    assert {"auth_user", "django_admin_log", "assessment_historicalresponse"} <= held
    assert {"accounts_auditevent", "assessment_historicalconsensus"} <= held
    assert {"account_emailaddress", "socialaccount_socialaccount", "axes_accessattempt"} <= held

    out = io.StringIO()
    call_command("erase_person", EMAIL, stdout=out)

    said = out.getvalue()
    assert f"{EMAIL} was erased." in said
    assert "The evidence they wrote on 25 answers" in said
    assert "Their scores (25 answers in 1 round), as 'A former participant'" in said
    assert "1 second factor (an app, a passkey or recovery codes)" in said
    assert "1 link to a sign-in provider" in said and "1 sign-in session" in said
    for who in (lead, staff):
        assert traces_in(everything_shown(client, who, closed)) == {}, who.email
    assert traces_in_database() == {}
    assert report_figures(client, lead, closed) == figures
    shown = everything_shown(client, lead, closed)
    assert "A former participant" in shown[reverse("assessment-detail", args=[closed.pk])]


def test_the_erased_account_cannot_sign_in_and_keeps_only_its_number(client, closed, zebedee):
    call_command("erase_person", EMAIL, stdout=io.StringIO())

    zebedee.refresh_from_db()
    assert (zebedee.username, zebedee.email, zebedee.get_full_name()) == (
        f"erased-{zebedee.pk}",
        "",
        "A former participant",
    )
    assert not zebedee.is_active and not zebedee.has_usable_password()
    page = client.post(
        reverse("login"), {"login": EMAIL, "password": "correct-horse-battery-staple"}
    )
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert Respondent.objects.get(user=zebedee).name == "A former participant"


def test_the_audit_log_keeps_the_erasure_without_the_person(closed, zebedee, staff, client):
    client.force_login(staff)
    page = client.post(reverse("accounts-erase"), {"email": EMAIL, "confirm": "erase"})

    assert page.status_code == 200
    assert "Person erased" in page.text
    event = AuditEvent.objects.get(kind=AuditKind.ERASED)
    assert (event.person, event.by, event.email) == (None, staff, "")
    assert "Quasimodo" not in event.detail and "zq@" not in event.detail
    assert not AuditEvent.objects.filter(person=zebedee).exists()
    assert not AuditEvent.objects.filter(email__icontains="zq@").exists()
    assert AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED, email="").exists()


def test_staff_see_what_will_go_and_stay_before_confirming(closed, zebedee, staff, client):
    client.force_login(staff)
    page = client.get(reverse("accounts-erase"))
    assert page.status_code == 200

    preview = client.post(reverse("accounts-erase"), {"email": EMAIL})

    assert preview.status_code == 200
    assert "What will be removed" in preview.text and "What will be kept, and why" in preview.text
    assert "The evidence they wrote on 25 answers" in preview.text
    assert "Their scores (25 answers in 1 round)" in preview.text
    assert f"Erase {EMAIL}" in preview.text
    # Nothing changed yet.
    zebedee.refresh_from_db()
    assert zebedee.email == EMAIL and zebedee.is_active
    assert respondent_of(closed, zebedee).name == NAME
    assert "ZQ-EVIDENCE" in respondent_of(closed, zebedee).responses.first().evidence
    assert not AuditEvent.objects.filter(kind=AuditKind.ERASED).exists()


def test_an_unknown_address_is_a_clear_no(staff, client):
    with pytest.raises(CommandError) as refused:
        call_command("erase_person", "nobody@example.org")
    assert refused.value.returncode == 2
    assert "No account has the address nobody@example.org" in str(refused.value)

    client.force_login(staff)
    page = client.post(reverse("accounts-erase"), {"email": "nobody@example.org"})
    assert page.status_code == 404
    assert "No account has the address nobody@example.org" in page.text


def test_a_lead_of_a_round_under_way_is_refused_and_told_what_to_do(
    at_consensus, zebedee, staff, client
):
    with pytest.raises(CommandError) as refused:
        call_command("erase_person", EMAIL)
    assert refused.value.returncode == 2
    message = str(refused.value)
    assert f"{EMAIL} was not erased." in message
    assert "Riverside Borough, 2026 Q4" in message
    assert "Make another member the lead" in message

    client.force_login(staff)
    page = client.post(reverse("accounts-erase"), {"email": EMAIL})
    assert page.status_code == 409
    assert "cannot be erased yet" in page.text and "Make another member the lead" in page.text
    zebedee.refresh_from_db()
    assert zebedee.email == EMAIL and zebedee.is_active
    assert respondent_of(at_consensus, zebedee).name == NAME


@pytest.mark.parametrize("who", ["lead", "respondent"])
def test_only_staff_may_erase(client, request, who, closed):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("accounts-erase")).status_code == 403
    assert (
        client.post(reverse("accounts-erase"), {"email": EMAIL, "confirm": "erase"}).status_code
        == 403
    )
    assert get_user_model().objects.filter(email=EMAIL).exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    page = client.get(reverse("accounts-erase"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


def test_a_respondent_is_erased_from_a_round_under_way(client, at_consensus, respondent, lead):
    out = io.StringIO()
    call_command("erase_person", "TOM.HUGHES@riverside.example.org", stdout=out)

    assert "TOM.HUGHES@riverside.example.org was erased." in out.getvalue()
    taking_part = respondent_of(at_consensus, respondent)
    assert taking_part.name == "A former participant"
    assert set(taking_part.responses.values_list("evidence", flat=True)) == {""}
    assert taking_part.responses.get(item__key="impact").current == 2
    client.force_login(lead)
    page = client.get(reverse("assessment-place", args=[at_consensus.place.code]))
    assert "Tom Hughes" not in page.text and "tom.hughes@" not in page.text


def test_a_dry_run_changes_nothing(closed, zebedee):
    out = io.StringIO()
    call_command("erase_person", EMAIL, "--dry-run", stdout=out)
    assert f"{EMAIL} would be erased." in out.getvalue()
    zebedee.refresh_from_db()
    assert zebedee.email == EMAIL


def test_the_api_json_no_longer_names_him(client, closed, lead):
    call_command("erase_person", EMAIL, stdout=io.StringIO())
    client.force_login(lead)
    data = json.loads(client.get(reverse("assessment-api", args=[closed.pk])).content)
    assert "Quasimodo" not in json.dumps(data)


def test_cached_report_pdfs_are_deleted_and_made_again(client, closed, lead, fake_render, media):
    from reports.models import RenderedPdf

    client.force_login(lead)
    client.get(reverse("reports-pdf", args=[closed.pk]))
    assert RenderedPdf.objects.filter(key=str(closed.pk)).count() == 1

    call_command("erase_person", EMAIL, stdout=io.StringIO())

    assert not RenderedPdf.objects.filter(key=str(closed.pk)).exists()
    client.get(reverse("reports-pdf", args=[closed.pk]))
    assert "Quasimodo" not in fake_render[-1]
