"""E-mail goes through the task queue, never inside a request, against a real SMTP server on
loopback (tests/smtp.py) that takes, refuses or hangs.

With the database queue (TASKS_BACKEND=database) a request only queues the e-mail: the server
hangs on any message it is sent until the test releases it after the response has come back, so
a request that sent mail itself would be seen holding a message. The PDF worker then sends it:
one worker serves the whole queue. The worker runs inside the test's transaction, as in
tests/reports/test_workers.py. Elsewhere the immediate backend sends at once, as `make run` does.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from assessment import services
from assessment.models import Reminder, Respondent
from reports import chart_export
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import respondent_of, score
from tests.smtp import HANG, REFUSE, TAKE, loopback_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with loopback_smtp(settings) as server:
        yield server


@pytest.fixture
def hung_smtp(smtp):
    smtp.mode = HANG
    return smtp


@pytest.fixture
def queue(settings, monkeypatch):
    """The database queue, and a way to run the PDF worker over it once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(chart_export, "warm", lambda: None)  # no Chromium for e-mail

    def run_worker() -> None:
        call_command("pdf_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    return run_worker


def _queued() -> list[str]:
    return [task.task_path for task in DBTaskResult.objects.all()]


def _due_soon(round_):
    round_.deadline = timezone.localdate() + timedelta(days=2)
    round_.save()
    return round_


# --- a request returns while the mail server hangs --------------------------------------------


def test_it_opens_a_round_while_the_mail_server_hangs(
    client, lead, respondent, place, versions, hung_smtp, queue
):
    client.force_login(lead)
    url = reverse("assessment-open", args=[place.code])
    form = page_form(client.get(url)).fill(period="2027 Q1")
    page = client.post(url, form.data(), follow=True)
    assert not hung_smtp.held.is_set(), "the request sent no mail"
    assert "Invitations queued to be e-mailed to: Priya Shah, Tom Hughes." in page.text
    assert _queued() == ["assessment.tasks.mail_round_invitations"]
    hung_smtp.release.set()
    queue()
    assert sorted(hung_smtp.recipients) == sorted([lead.email, respondent.email])
    assert Respondent.objects.filter(invited_at__isnull=False).count() == 2


def test_it_adds_a_member_while_the_mail_server_hangs(client, lead, place, hung_smtp, queue):
    client.force_login(lead)
    url = reverse("assessment-member-add", args=[place.code])
    form = page_form(client.get(reverse("assessment-place", args=[place.code])), url)
    form.fill(email="grace.okafor@riverside.example.org", name="Grace Okafor")
    page = client.post(url, form.data(), follow=True)
    assert not hung_smtp.held.is_set(), "the request sent no mail"
    assert "an e-mail with their link has been queued" in page.text
    hung_smtp.release.set()
    queue()
    [invitation] = hung_smtp.received
    assert "/accounts/reset/" in invitation.get_content()


def test_it_resends_an_invitation_while_the_mail_server_hangs(
    client, lead, respondent, place, hung_smtp, queue
):
    membership = respondent.memberships.get(place=place)
    client.force_login(lead)
    url = reverse("assessment-member-invite", args=[place.code, membership.pk])
    page = client.post(url, follow=True)
    assert not hung_smtp.held.is_set(), "the request sent no mail"
    assert f"Invitation queued to be sent again to {respondent.email}." in page.text
    hung_smtp.release.set()
    queue()
    assert hung_smtp.recipients == [respondent.email]


def test_it_asks_for_a_password_link_while_the_mail_server_hangs(
    client, respondent, hung_smtp, queue
):
    form = page_form(client.get("/accounts/password_reset/")).fill(email=respondent.email)
    assert client.post("/accounts/password_reset/", form.data()).status_code == 302
    assert not hung_smtp.held.is_set(), "the request sent no mail"
    [task] = DBTaskResult.objects.all()
    assert "token" not in task.args_kwargs["kwargs"]["context"], "the queue holds no secret"
    hung_smtp.release.set()
    queue()
    [link] = hung_smtp.received
    assert link["To"] == respondent.email and "/accounts/reset/" in link.get_content()


def test_it_records_a_reminder_only_once_the_worker_has_sent_it(
    client, lead, respondent, open_round, hung_smtp, queue
):
    score(respondent_of(open_round, lead))
    client.force_login(lead)
    url = reverse("assessment-detail", args=[open_round.pk])
    page = client.post(f"{url}remind/", page_form(client.get(url), f"{url}remind/").data())
    assert not hung_smtp.held.is_set(), "the request sent no mail"
    assert "Reminders queued to be e-mailed to: Tom Hughes." in client.get(url).text
    assert page.status_code == 302 and not Reminder.objects.exists()
    hung_smtp.release.set()
    queue()
    assert Reminder.objects.get().names == ["Tom Hughes"]
    assert hung_smtp.recipients == [respondent.email]


def test_it_queues_the_daily_reminders_for_the_worker(open_round, respondent, hung_smtp, queue):
    _due_soon(open_round)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == "Queued reminders to 2 people in 1 rounds due within 3 days."
    assert not Reminder.objects.exists()
    hung_smtp.release.set()
    queue()
    assert len(hung_smtp.received) == 2 and Reminder.objects.count() == 1


# --- a reminder that reached nobody is not recorded ---------------------------------------------


def test_it_reminds_again_after_a_reminder_that_reached_nobody(open_round, smtp):
    _due_soon(open_round)
    smtp.mode = REFUSE
    err = io.StringIO()
    call_command("send_reminders", stdout=io.StringIO(), stderr=err)
    assert "the e-mail to Tom Hughes was not sent" in err.getvalue()
    assert not Reminder.objects.exists()
    assert not Respondent.objects.filter(reminded_at__isnull=False).exists()
    smtp.mode = TAKE
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminded 2 people in 1 rounds" in out.getvalue()
    assert Respondent.objects.filter(reminded_at__isnull=False).count() == 2


# --- every mail error is caught and reported ----------------------------------------------------


@pytest.fixture
def broken_name(place):
    """A place whose name holds a line break (saved before names were checked, or by staff)."""
    place.name = "Riverside\r\nBorough"
    place.save()
    return place


def test_it_adds_a_member_to_a_place_with_a_line_break_in_its_name(client, lead, broken_name, smtp):
    client.force_login(lead)
    url = reverse("assessment-member-add", args=[broken_name.code])
    form = page_form(client.get(reverse("assessment-place", args=[broken_name.code])), url)
    form.fill(email="grace.okafor@riverside.example.org", name="Grace Okafor")
    page = client.post(url, form.data(), follow=True)
    assert page.status_code == 200
    assert "grace.okafor@riverside.example.org added; they have been e-mailed a link." in page.text
    [invitation] = smtp.received
    assert invitation["Subject"].startswith("You have been added to Riverside Borough")


def test_it_opens_a_round_for_a_place_with_a_line_break_in_its_name(
    client, lead, respondent, broken_name, versions, smtp
):
    client.force_login(lead)
    url = reverse("assessment-open", args=[broken_name.code])
    page = client.post(url, page_form(client.get(url)).fill(period="2027 Q1").data(), follow=True)
    assert page.status_code == 200
    assert "E-mailed and invited: Priya Shah, Tom Hughes." in page.text
    assert len(smtp.received) == 2


def test_it_tells_the_lead_whose_invitation_the_mail_server_refused(
    client, lead, respondent, place, versions, smtp
):
    smtp.mode = REFUSE
    client.force_login(lead)
    url = reverse("assessment-open", args=[place.code])
    page = client.post(url, page_form(client.get(url)).fill(period="2027 Q1").data(), follow=True)
    assert "did not take the e-mail for Priya Shah, Tom Hughes" in page.text
    assert not Respondent.objects.filter(invited_at__isnull=False).exists()


def test_it_sends_the_daily_reminders_of_later_rounds_after_an_address_that_fails(
    open_round, respondent, lead, place, versions, smtp
):
    _due_soon(open_round)
    later = services.assessment_open(
        place=place, period="2027 Q1", versions=versions, participants=[lead],
        deadline=timezone.localdate() + timedelta(days=1),
    )  # fmt: skip
    respondent.email = "tom.hughes@riverside.example.org\nBcc: everyone@example.org"
    respondent.save()
    err = io.StringIO()
    call_command("send_reminders", stdout=io.StringIO(), stderr=err)
    assert "the e-mail to Tom Hughes was not sent" in err.getvalue()
    assert sorted(smtp.recipients) == [lead.email, lead.email]
    assert later.reminders.exists() and open_round.reminders.get().names == ["Priya Shah"]
