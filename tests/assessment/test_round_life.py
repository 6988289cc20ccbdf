"""A round's life a facilitator can rely on: confirm before what cannot be undone, step back,
change the deadline and the people while open, and invite and remind by e-mail."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import Membership, Reminder, Respondent, Response, RoundStatus, Sharing
from reports.models import RoundItemResult
from tests.assessment.scoring import items_by_key, named_respondent, respondent_of, score

pytestmark = pytest.mark.django_db


def _detail(round_):
    return reverse("assessment-detail", args=[round_.pk])


def _form_to(page, route):
    return next(f for f in page.forms.values() if f.action.endswith(f"/{route}/"))


def _at_consensus(round_, *people):
    for person in people:
        score(respondent_of(round_, person))
    services.assessment_advance(assessment=round_)
    return round_


def _closed(round_, lead, *people):
    _at_consensus(round_, lead, *people)
    services.assessment_advance(assessment=round_)
    round_.refresh_from_db()
    return round_


# --- confirming ------------------------------------------------------------------------------


def test_it_names_who_has_not_submitted_before_scoring_ends(
    django_app, lead, respondent, open_round
):
    score(respondent_of(open_round, lead))
    asking = _form_to(django_app.get(_detail(open_round), user=lead), "advance").submit(user=lead)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN, "nothing happens before the lead confirms"
    assert "1 person has not submitted" in asking
    assert [li.text for li in asking.html.select(".alert li")] == ["Tom Hughes"]
    done = _form_to(asking, "advance").submit(user=lead).follow()
    assert "The round is now: Consensus." in done


def test_it_names_the_items_that_would_close_on_the_median(django_app, lead, open_round):
    _at_consensus(open_round, lead)
    impact = items_by_key(open_round)["impact"]
    services.consensus_record(
        assessment=open_round,
        item=impact,
        current=2,
        target=3,
        rationale="Agreed.",
        user=lead,
        revision=0,
    )
    asking = _form_to(django_app.get(_detail(open_round), user=lead), "advance").submit(user=lead)
    assert "24 items have no agreed position" in asking
    rows = asking.html.select(".alert tbody tr")
    assert len(rows) == 24
    assert "Impact" not in [row.th.text for row in rows]
    assert rows[0].select("td")[0].text == "2"  # the median the report will use


def test_it_goes_back_to_the_round_without_a_change_from_a_stale_confirmation(
    django_app, lead, open_round
):
    asking = _form_to(django_app.get(_detail(open_round), user=lead), "advance").submit(user=lead)
    services.assessment_advance(assessment=open_round)  # another lead got there first
    page = _form_to(asking, "advance").submit(user=lead).follow()
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CONSENSUS
    assert "already moved on" in page


# --- stepping back ---------------------------------------------------------------------------


def test_it_lets_a_lead_reopen_scoring_from_consensus(django_app, lead, respondent, open_round):
    _at_consensus(open_round, lead)
    asking = _form_to(django_app.get(_detail(open_round), user=lead), "step-back").submit(user=lead)
    assert "Reopen scoring?" in asking
    _form_to(asking, "step-back").submit(user=lead).follow()
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN
    # Someone who had not submitted can score again.
    impact = items_by_key(open_round)["impact"]
    services.responses_save(
        respondent=respondent_of(open_round, respondent),
        answers={impact: services.Answer(current=3, target=4)},
    )
    assert Response.objects.filter(respondent__user=respondent, item=impact).exists()


def test_it_needs_a_lead_s_reason_to_reopen_a_closed_round(
    django_app, lead, respondent, open_round
):
    _closed(open_round, lead, respondent)
    open_round.sharing = Sharing.NAMED
    open_round.save()
    page = django_app.get(_detail(open_round), user=lead)
    asking = _form_to(page, "step-back").submit(user=lead)
    # Refused on the same page, with the reason's box marked and the form ready to try again.
    refused = _form_to(asking, "step-back").submit(user=lead, status=400)
    assert "Say why the round is being reopened" in refused
    assert refused.html.find("textarea", attrs={"name": "reason"})["aria-invalid"] == "true"
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED

    form = _form_to(refused, "step-back")
    form["reason"] = "The council's evidence on pooled budgets arrived late."
    form.submit(user=lead).follow()
    open_round.refresh_from_db()
    assert (open_round.status, open_round.sharing) == (RoundStatus.CONSENSUS, Sharing.PRIVATE)
    assert not RoundItemResult.objects.filter(assessment=open_round).exists()
    latest = open_round.history.latest("history_date")
    assert (latest.status, latest.history_user) == (RoundStatus.CONSENSUS, lead)
    assert latest.status_reason == "The council's evidence on pooled budgets arrived late."


def test_it_lets_staff_reopen_a_closed_round_and_keeps_results_once_closed_again(
    staff, lead, open_round
):
    _closed(open_round, lead)
    assert RoundItemResult.objects.filter(assessment=open_round).count() == 25
    services.assessment_step_back(
        assessment=open_round, shown_status=RoundStatus.CLOSED, reason="", user=staff
    )
    assert not RoundItemResult.objects.filter(assessment=open_round).exists()
    services.assessment_advance(assessment=open_round)
    assert RoundItemResult.objects.filter(assessment=open_round).count() == 25


def test_it_forbids_stepping_back_to_anyone_but_a_lead(client, respondent, open_round):
    client.force_login(respondent)
    url = reverse("assessment-step-back", args=[open_round.pk])
    assert client.post(url, {"status": "consensus", "confirm": "True"}).status_code == 403


# --- editing an open round -------------------------------------------------------------------


@pytest.fixture
def newcomer(make_person, place):
    person = make_person("noor.ali@riverside.example.org", "Noor", "Ali")
    Membership.objects.create(user=person, place=place, role="respondent")
    return person


def test_it_changes_the_deadline_and_who_takes_part_while_open(
    django_app, lead, respondent, newcomer, open_round
):
    score(respondent_of(open_round, respondent), submit=False)
    form = django_app.get(reverse("assessment-edit", args=[open_round.pk]), user=lead).forms[1]
    next_month = date.today() + timedelta(days=30)
    form["deadline"] = next_month.isoformat()
    form["participants"] = [str(lead.pk), str(newcomer.pk)]  # Tom Hughes removed, Noor added
    page = form.submit(user=lead).follow()
    assert "Added Noor Ali. Removed Tom Hughes; their answers no longer count." in page
    open_round.refresh_from_db()
    assert open_round.deadline == next_month
    names = set(open_round.respondents.values_list("name", flat=True))
    assert names == {"Priya Shah", "Noor Ali"}
    assert not Response.objects.filter(respondent__assessment=open_round).exists()
    removed = Response.history.filter(history_type="-", respondent_id__isnull=False)
    assert removed.count() == 25, "the history keeps the removed person's answers"
    assert Respondent.history.filter(name="Tom Hughes", history_type="-").exists()
    assert [m.to for m in mail.outbox] == [["noor.ali@riverside.example.org"]]


def test_it_refuses_a_deadline_in_the_past(django_app, lead, place, open_round):
    form = django_app.get(reverse("assessment-edit", args=[open_round.pk]), user=lead).forms[1]
    form["deadline"] = "2001-01-01"
    page = form.submit(user=lead, status=400)
    assert "The deadline is in the past" in page
    opening = django_app.get(reverse("assessment-open", args=[place.code]), user=lead).forms[1]
    opening["period"], opening["deadline"] = "2027 Q1", "2001-01-01"
    assert "The deadline is in the past" in opening.submit(user=lead)


def test_it_marks_an_overdue_round_on_the_place_and_round_pages(django_app, lead, open_round):
    open_round.deadline = date.today() - timedelta(days=1)
    open_round.save()
    place_page = django_app.get(reverse("assessment-place", args=["riverside"]), user=lead)
    assert "Overdue" in place_page.html.select_one(".list-group").text
    assert "Overdue" in django_app.get(_detail(open_round), user=lead).html.h1.parent.text


# --- e-mail ----------------------------------------------------------------------------------


def test_it_invites_everyone_by_e_mail_when_a_round_opens(django_app, lead, respondent, place):
    form = django_app.get(reverse("assessment-open", args=[place.code]), user=lead).forms[1]
    form["period"] = "2027 Q1"
    form["deadline"] = (date.today() + timedelta(days=14)).isoformat()
    page = form.submit(user=lead).follow()
    assert "E-mailed and invited: Priya Shah, Tom Hughes." in page
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, respondent.email])
    message = next(m for m in mail.outbox if m.to == [respondent.email])
    assert "/respond/" in message.body and "Please submit by" in message.body


def test_it_reminds_those_who_have_not_submitted_at_most_once_a_day(
    django_app, lead, respondent, open_round
):
    score(respondent_of(open_round, lead))
    page = django_app.get(_detail(open_round), user=lead)
    done = _form_to(page, "remind").submit(user=lead).follow()
    assert "E-mailed and reminded: Tom Hughes." in done
    assert "Tom Hughes" in done.html.select_one("#lead-tools").parent.text.split("Last reminded")[1]
    assert [m.to for m in mail.outbox] == [[respondent.email]]
    again = _form_to(done, "remind").submit(user=lead).follow()
    assert "you can remind them again a day later" in again
    assert len(mail.outbox) == 1


def test_it_sends_the_daily_reminders_for_rounds_due_soon(lead, respondent, open_round, place):
    open_round.deadline = timezone.localdate() + timedelta(days=2)
    open_round.save()
    later = services.assessment_open(
        place=place,
        period="2027 Q4",
        versions=list(open_round.framework_versions.all()),
        participants=[respondent],
        deadline=timezone.localdate() + timedelta(days=40),
    )
    named_respondent(later, "Walk-in")
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().strip() == (
        "Reminded 2 people in 1 rounds due within 3 days; 0 e-mails not sent."
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, respondent.email])
    assert Reminder.objects.get().sent_by is None
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2, "once a day"
