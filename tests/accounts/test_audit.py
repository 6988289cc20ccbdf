"""The audit log: sign-ins, failed sign-ins, sign-outs, second factors, role changes and exports
of people's answers are recorded once each, naming whom they are about and who did them and never
a password or a name; staff read the log at /accounts/audit/, filter it, page through it and
download it as CSV; `manage.py prune_audit_log` keeps it no longer than AUDIT_RETENTION_DAYS."""

import csv
import io
import re
import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, AuditKind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

AUDIT = reverse("accounts-audit")
EXPORT = reverse("accounts-audit-export")
CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)


# --- helpers ------------------------------------------------------------------------------------


def events(kind=None) -> list[AuditEvent]:
    found = AuditEvent.objects.select_related("person", "by").order_by("at", "pk")
    return list(found.filter(kind=kind) if kind else found)


def sign_in_form(app):
    page = app.get(reverse("login"))
    return next(f for f in page.forms.values() if "password" in f.fields)


def sign_in(app, email, password=PASSWORD):
    form = sign_in_form(app)
    form["login"], form["password"] = email, password
    return form.submit()


def sign_out(app):
    return app.post(reverse("logout"), {"csrfmiddlewaretoken": app.cookies["csrftoken"]})


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now: the real TOTP computation (RFC 6238)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def text(page, selector) -> str:
    found = page.html.select_one(selector)
    return " ".join(found.get_text(" ").split()) if found else ""


def leaks(event: AuditEvent, *secrets: str) -> list[str]:
    """The secrets (a password, a name) found anywhere in what the event keeps."""
    kept = " ".join([event.detail, event.email, str(event.ip_address or "")]).lower()
    return [s for s in secrets if s.lower() in kept]


def at(event: AuditEvent, when) -> AuditEvent:
    AuditEvent.objects.filter(pk=event.pk).update(at=when)
    event.refresh_from_db()
    return event


# --- sign-ins, failures and sign-outs -----------------------------------------------------------


def test_a_password_sign_in_is_recorded_once_saying_how(django_app, lead):
    sign_in(django_app, lead.email).follow()

    [event] = events(AuditKind.SIGNED_IN)
    assert (event.person, event.by, event.email) == (lead, None, "")
    assert event.detail == "password"
    assert leaks(event, PASSWORD, "Priya", "Shah") == []


def test_a_wrong_password_is_recorded_against_the_account_without_the_password(django_app, lead):
    sign_in(django_app, lead.email.upper(), "Winter2026!")

    assert events(AuditKind.SIGNED_IN) == []
    [event] = events(AuditKind.SIGN_IN_FAILED)
    assert (event.person, event.email) == (lead, "")
    assert leaks(event, "Winter2026!", "Priya") == []


def test_a_failure_for_an_address_with_no_account_keeps_the_address_typed(django_app, lead):
    sign_in(django_app, "Guess@Riverside.example.org", "Winter2026!")

    [event] = events(AuditKind.SIGN_IN_FAILED)
    assert event.person is None
    assert event.email == "guess@riverside.example.org"
    assert leaks(event, "Winter2026!") == []


def test_signing_out_is_recorded(django_app, lead):
    sign_in(django_app, lead.email).follow()
    sign_out(django_app)

    [event] = events(AuditKind.SIGNED_OUT)
    assert event.person == lead


def test_a_sign_in_by_e_mailed_code_says_so(django_app, respondent):
    page = django_app.get(reverse("account_request_login_code"))
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["email"] = respondent.email
    page = form.submit().follow()
    form = next(f for f in page.forms.values() if "code" in f.fields)
    form["code"] = CODE.search(mail.outbox[0].body).group(1)
    form.submit()

    [event] = events(AuditKind.SIGNED_IN)
    assert (event.person, event.detail) == (respondent, "e-mailed code")


def test_a_sign_in_with_a_second_factor_names_both_steps(django_app, lead):
    secret = generate_totp_secret()
    TOTP.activate(lead, secret)
    asked = sign_in(django_app, lead.email).follow()
    assert events(AuditKind.SIGNED_IN) == [], "a password alone has not signed them in"

    form = next(f for f in asked.forms.values() if "code" in f.fields)
    form["code"] = totp_now(secret)
    form.submit()

    [event] = events(AuditKind.SIGNED_IN)
    assert (event.person, event.detail) == (lead, "password, then authenticator app code")


def test_a_wrong_second_factor_code_is_a_failed_sign_in(django_app, lead):
    secret = generate_totp_secret()
    TOTP.activate(lead, secret)
    asked = sign_in(django_app, lead.email).follow()
    form = next(f for f in asked.forms.values() if "code" in f.fields)
    form["code"] = f"{(int(totp_now(secret)) + 1) % 1_000_000:06d}"
    form.submit()

    assert events(AuditKind.SIGNED_IN) == []
    [event] = events(AuditKind.SIGN_IN_FAILED)
    assert (event.person, event.detail) == (lead, "second factor: wrong authenticator app code")


# --- second factors -----------------------------------------------------------------------------


def test_setting_up_and_removing_an_authenticator_app_is_recorded(
    django_app, lead, django_capture_on_commit_callbacks
):
    sign_in(django_app, lead.email).follow()
    page = django_app.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before a change
        page = page.follow()
        form = next(f for f in page.forms.values() if "password" in f.fields)
        form["password"] = PASSWORD
        page = form.submit().follow()
    secret = text(page, "#totp-secret").replace(" ", "")
    form = next(f for f in page.forms.values() if "code" in f.fields)
    form["code"] = totp_now(secret)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals once committed
        form.submit().follow()

    added = [(e.person, e.by, e.detail) for e in events(AuditKind.MFA_CHANGED)]
    assert (lead, None, "authenticator app added") in added
    assert added.count((lead, None, "authenticator app added")) == 1

    page = django_app.get(reverse("mfa_deactivate_totp"))
    form = next(f for f in page.forms.values() if f.action.endswith(reverse("mfa_deactivate_totp")))
    form.submit()

    removed = [e.detail for e in events(AuditKind.MFA_CHANGED)]
    assert removed.count("authenticator app removed") == 1


# --- role changes -------------------------------------------------------------------------------


def test_a_lead_adding_someone_records_the_role_and_who_added_them(django_app, lead, place):
    page = django_app.get(reverse("assessment-place", args=[place.code]), user=lead)
    form = next(f for f in page.forms.values() if "email" in f.fields and "role" in f.fields)
    form["email"], form["name"], form["role"] = (
        "grace.okafor@riverside.example.org",
        "Grace Okafor",
        "respondent",
    )
    form.submit().follow()

    [event] = events(AuditKind.ROLE_CHANGED)
    assert event.person.email == "grace.okafor@riverside.example.org"
    assert event.by == lead
    assert event.detail == "riverside: added as respondent"
    assert leaks(event, "Grace", "Okafor", "Priya") == []


@pytest.fixture
def superuser(make_person):
    return make_person("root@example.org", "Rae", "Root", is_staff=True, is_superuser=True)


def _membership_rows(page):
    """The admin's place form, and the prefix of each membership row by the member's id."""
    form = page.forms["place_form"]
    rows = {}
    for name in form.fields:
        if match := re.fullmatch(r"(memberships-\d+)-user", name):
            value = form[name].value
            if value:
                rows[int(value)] = match.group(1)
    return form, rows


def test_staff_changing_and_removing_roles_in_the_admin_is_recorded(
    django_app, superuser, place, lead, respondent, viewer
):
    url = reverse("admin:assessment_place_change", args=[place.pk])
    form, rows = _membership_rows(django_app.get(url, user=superuser))
    form[f"{rows[respondent.pk]}-role"] = "lead"
    form[f"{rows[viewer.pk]}-DELETE"] = True
    assert form.submit().status_code == 302

    recorded = {(e.person, e.by, e.detail) for e in events(AuditKind.ROLE_CHANGED)}
    assert recorded == {
        (respondent, superuser, "riverside: respondent → lead"),
        (viewer, superuser, "riverside: viewer removed"),
    }


# --- exports of response-level data -------------------------------------------------------------


@pytest.fixture
def answered_round(place, lead):
    """A closed round of Riverside, shared by name, with two people's answers and evidence."""
    from tests.reports.compare_data import closed_round

    return closed_round(place, "2026 Q3", {"Asha Patel": {}, "Grace Okafor": {}})


def _download(client, url, query):
    response = client.get(url, query)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_exporting_every_answer_is_recorded_and_the_results_alone_are_not(
    client, lead, answered_round
):
    client.force_login(lead)
    query = {"assessment": [answered_round.pk]}
    for url in (reverse("reports-export-csv"), reverse("reports-export-xlsx")):
        _download(client, url, query)
    assert events(AuditKind.EXPORTED) == [], "one row per round and item is not response-level"

    assert b"Evidence on impact." in _download(
        client, reverse("reports-export-csv"), {**query, "detail": "responses"}
    )
    _download(client, reverse("reports-export-xlsx"), {**query, "detail": "responses"})

    recorded = [(e.person, e.detail) for e in events(AuditKind.EXPORTED)]
    assert recorded == [
        (lead, f"answers CSV: round {answered_round.pk}"),
        (lead, f"answers XLSX: round {answered_round.pk}"),
    ]


def test_an_export_of_no_rounds_is_not_recorded(client, lead):
    client.force_login(lead)
    _download(
        client, reverse("reports-export-csv"), {"assessment": [999999], "detail": "responses"}
    )
    assert events(AuditKind.EXPORTED) == []


def test_the_round_api_is_recorded_as_an_export(client, lead, answered_round):
    client.force_login(lead)
    assert client.get(reverse("assessment-api", args=[answered_round.pk])).status_code == 200

    [event] = events(AuditKind.EXPORTED)
    assert (event.person, event.detail) == (lead, f"round API (JSON): round {answered_round.pk}")


def test_a_withheld_export_is_not_recorded(client, respondent, open_round):
    client.force_login(respondent)  # has not answered: the round's figures are withheld
    assert client.get(reverse("assessment-api", args=[open_round.pk])).status_code == 403
    assert events(AuditKind.EXPORTED) == []


@pytest.fixture
def quick_pdfs(monkeypatch, settings, tmp_path):
    """Stand-ins for Chromium and WeasyPrint (the audit log, not the PDF, is tested here; the
    real pipeline is tested in tests/reports), and a media folder of this test's own."""
    from reports import pdf

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")


def test_downloading_the_report_pdf_is_recorded(client, lead, answered_round, quick_pdfs):
    client.force_login(lead)
    response = client.get(reverse("reports-pdf", args=[answered_round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"

    [event] = events(AuditKind.EXPORTED)
    assert (event.person, event.detail) == (lead, f"report PDF: round {answered_round.pk}")


def test_a_board_pack_is_recorded_as_it_is_handed_over(client, staff, answered_round, quick_pdfs):
    client.force_login(staff)
    response = client.get(reverse("reports-compare-pack"), {"assessment": [answered_round.pk]})
    assert response["Content-Type"] == "application/zip"

    [event] = events(AuditKind.EXPORTED)
    assert (event.person, event.detail) == (staff, f"board pack: round {answered_round.pk}")


def test_a_pdf_still_being_made_is_not_recorded(client, lead, answered_round, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.force_login(lead)
    assert client.get(reverse("reports-pdf", args=[answered_round.pk])).status_code == 202
    assert events(AuditKind.EXPORTED) == []


def test_a_check_that_a_document_is_ready_is_not_recorded(
    client, staff, answered_round, quick_pdfs
):
    client.force_login(staff)
    url = reverse("reports-compare-pack")
    query = {"assessment": [answered_round.pk]}
    # The preparing page's script asks whether the pack is ready, then opens it: one export.
    assert client.get(url, query, headers={"X-Document-Check": "ready"}).status_code == 204
    assert events(AuditKind.EXPORTED) == []
    assert client.get(url, query)["Content-Type"] == "application/zip"
    assert len(events(AuditKind.EXPORTED)) == 1


# --- the log page -------------------------------------------------------------------------------


@pytest.fixture
def staff_app(django_app, staff):
    """The test browser, signed in as staff, with the log emptied of that sign-in."""
    django_app.set_user(staff)
    django_app.get(reverse("home"))
    AuditEvent.objects.all().delete()
    return django_app


@pytest.fixture
def logged(staff_app, lead, respondent):
    """Three events on three days, newest last: a failed sign-in, a sign-in, an export."""
    now = timezone.now()
    at(
        AuditEvent.objects.create(kind=AuditKind.SIGN_IN_FAILED, email="=cmd|' /C calc'!A0"),
        now - timedelta(days=10),
    )
    at(
        AuditEvent.objects.create(kind=AuditKind.SIGNED_IN, person=respondent, detail="password"),
        now - timedelta(days=5),
    )
    at(
        AuditEvent.objects.create(
            kind=AuditKind.EXPORTED, person=lead, detail="answers CSV: round 7"
        ),
        now - timedelta(days=1),
    )
    return now


def rows_shown(page) -> list[list[str]]:
    return [
        [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        for tr in page.html.select("main table tbody tr")
    ]


def test_anyone_signed_out_is_sent_to_sign_in(django_app):
    response = django_app.get(AUDIT)
    assert response.status_code == 302
    assert response.location.startswith(reverse("login"))
    assert django_app.get(EXPORT).status_code == 302


def test_people_who_are_not_staff_are_refused(django_app, lead):
    assert django_app.get(AUDIT, user=lead, status=403).status_code == 403
    assert django_app.get(EXPORT, user=lead, status=403).status_code == 403


def test_staff_see_every_event_newest_first(staff_app, logged):
    page = staff_app.get(AUDIT)
    assert text(page, "h1") == "Audit log"
    rows = rows_shown(page)
    assert [r[1] for r in rows] == ["Response-level data exported", "Signed in", "Sign-in failed"]
    assert rows[0][2] == "priya.shah@riverside.example.org"
    assert rows[0][4] == "answers CSV: round 7"
    assert rows[2][2] == "typed: =cmd|' /C calc'!A0"


def test_staff_filter_by_kind_person_and_dates(staff_app, logged):
    def kinds(**query):
        return [r[1] for r in rows_shown(staff_app.get(AUDIT, query))]

    assert kinds(kind="signed_in") == ["Signed in"]
    assert kinds(person="TOM.HUGHES") == ["Signed in"]
    assert kinds(person="cmd|") == ["Sign-in failed"]  # the address typed at a failure
    week_ago = timezone.localdate() - timedelta(days=7)
    assert kinds(date_from=week_ago.isoformat()) == ["Response-level data exported", "Signed in"]
    assert kinds(date_to=week_ago.isoformat()) == ["Sign-in failed"]
    assert kinds(date_from=week_ago.isoformat(), kind="exported", person="priya") == [
        "Response-level data exported"
    ]


def test_the_filter_form_keeps_what_was_asked(staff_app, logged):
    page = staff_app.get(AUDIT, {"kind": "signed_in", "person": "tom"})
    filters = next(f for f in page.forms.values() if "person" in f.fields)
    assert filters["kind"].value == "signed_in"
    assert filters["person"].value == "tom"


def test_the_log_goes_fifty_to_a_page_in_one_query_for_the_events(
    staff_app, staff, lead, django_assert_max_num_queries
):
    AuditEvent.objects.bulk_create(
        AuditEvent(kind=AuditKind.SIGNED_IN, person=lead, by=staff, detail=f"n{n}")
        for n in range(120)
    )
    page = staff_app.get(AUDIT)
    assert len(rows_shown(page)) == 50
    assert "Page 1 of 3" in text(page, "nav[aria-label='Pages of the audit log']")
    assert "120 events; showing 1 to 50" in text(page, "main [role=status]")

    last = page.click("Older").click("Older")
    assert len(rows_shown(last)) == 20
    assert "Page 3 of 3" in text(last, "nav[aria-label='Pages of the audit log']")

    # Session, user, count and the page's events: never a query per row.
    with django_assert_max_num_queries(8):
        staff_app.get(AUDIT, {"page": 2})


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "nonsense"},
        {"person": "a\x00b"},
        {"person": "x" * 300},
        {"date_from": "2026-13-45"},
        {"date_to": "not a date"},
        {"date_from": "2026-12-05", "date_to": "2026-12-01"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
        {"page": "99999999999999999999999"},
        {"page": "-1"},
        {"page": "٣"},
        {"kind": ["signed_in", "exported"]},
    ],
)
def test_hostile_query_strings_get_the_page_not_an_error(staff_app, logged, query):
    page = staff_app.get(AUDIT, query)
    assert page.status_code == 200
    assert text(page, "h1") == "Audit log"


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"kind": "nonsense"}, "What happened"),
        ({"person": "a\x00b"}, "E-mail address contains"),
        ({"date_from": "2026-13-45"}, "From: Enter a valid date."),
        ({"date_from": "2026-12-05", "date_to": "2026-12-01"}, "on or after"),
    ],
)
def test_filters_that_cannot_be_read_say_what_is_wrong(staff_app, logged, query, problem):
    page = staff_app.get(AUDIT, query)
    assert problem in text(page, "#problems")
    assert rows_shown(page) == []


def test_the_extreme_dates_of_the_calendar_still_filter(staff_app, logged):
    page = staff_app.get(AUDIT, {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert len(rows_shown(page)) == 3


# --- the CSV ------------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_events_and_is_safe_in_a_spreadsheet(staff_app, logged):
    response = staff_app.get(EXPORT)
    assert response.content_type == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = _rows_of(response)
    assert [r["kind"] for r in rows] == [
        "Response-level data exported",
        "Signed in",
        "Sign-in failed",
    ]
    assert rows[0]["person"] == "priya.shah@riverside.example.org"
    assert rows[0]["detail"] == "answers CSV: round 7"
    assert rows[2]["address_typed"] == "'=cmd|' /C calc'!A0", "a formula stays text"

    only = _rows_of(staff_app.get(EXPORT, {"person": "tom"}))
    assert [r["person"] for r in only] == ["tom.hughes@riverside.example.org"]


def test_the_page_links_to_the_csv_of_what_it_shows(staff_app, logged):
    page = staff_app.get(AUDIT, {"kind": "signed_in"})
    download = page.click("Download these events")
    assert [r["kind"] for r in _rows_of(download)] == ["Signed in"]


def _rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))


def test_a_csv_asked_for_with_unreadable_filters_is_refused_with_the_reason(staff_app):
    response = staff_app.get(EXPORT, {"date_from": "yesterday"}, status=400)
    assert "From: Enter a valid date." in text(response, "#problems")


# --- navigation and retention -------------------------------------------------------------------


def test_staff_find_the_log_in_the_menu_and_others_do_not(django_app, staff, lead):
    home = django_app.get(reverse("home"), user=staff)
    assert home.click("Audit log").request.path == AUDIT
    django_app.reset()
    assert "Audit log" not in text(django_app.get(reverse("home"), user=lead), "header")


def test_prune_removes_events_older_than_the_retention_period(settings, lead):
    settings.AUDIT_RETENTION_DAYS = 30
    old = at(
        AuditEvent.objects.create(kind=AuditKind.SIGNED_IN, person=lead),
        timezone.now() - timedelta(days=31),
    )
    recent = at(
        AuditEvent.objects.create(kind=AuditKind.SIGNED_IN, person=lead),
        timezone.now() - timedelta(days=29),
    )
    out = io.StringIO()
    call_command("prune_audit_log", stdout=out)

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert "Removed 1 audit event and 0 sign-in records older than 30 days." in out.getvalue()
