"""Who takes part, as "Deadline and people" lists it (imported names included), and what the
round's e-mails and confirmations say: names as written, and the truth about an empty round."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment import services
from assessment.models import Response
from assessment.services.rounds import IMPORTED_KEY, assessment_edit, round_people
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import named_respondent, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_imported(open_round):
    """The round with a name from a workshop sheet, who has answered."""
    grace = named_respondent(open_round, "Grace Okafor")
    grace.imported = True
    grace.save()
    score(grace, only=["impact"], submit=False)
    return grace


def test_it_lists_imported_people_among_those_taking_part(open_round, lead, with_imported):
    people = round_people(open_round)
    assert people.imported == [with_imported]
    assert IMPORTED_KEY.format(pk=with_imported.pk) in people.taking_part
    assert str(lead.pk) in people.taking_part
    assert people.imported_choices == [
        (IMPORTED_KEY.format(pk=with_imported.pk), "Grace Okafor (from a workshop sheet)")
    ]


def test_it_removes_an_imported_person_left_off_and_keeps_them_when_not_asked(
    open_round, lead, respondent, with_imported
):
    kept = assessment_edit(assessment=open_round, deadline=None, participants=[lead, respondent])
    assert kept.removed == [] and open_round.respondents.count() == 3
    changed = assessment_edit(
        assessment=open_round, deadline=None, participants=[lead, respondent], imported=[]
    )
    assert changed.removed == ["Grace Okafor"]
    assert not Response.objects.filter(respondent__name="Grace Okafor").exists()


def test_it_removes_an_imported_person_on_deadline_and_people(
    client, lead, open_round, with_imported
):
    client.force_login(lead)
    url = reverse("assessment-edit", args=[open_round.pk])
    form = page_form(client.get(url))
    key = IMPORTED_KEY.format(pk=with_imported.pk)
    assert key in form.options["participants"]
    ticked = [value for value in form.values["participants"] if value != key]
    form.fill(participants=ticked)
    page = client.post(url, form.data(), follow=True)
    assert "Removed Grace Okafor; their answers no longer count." in page.text


# --- e-mail and confirmations ----------------------------------------------------------------


def test_it_keeps_the_place_and_period_as_written_in_the_invitation(open_round, respondent):
    services.round_invite(assessment=open_round, base_url="http://testserver")
    body = next(m for m in mail.outbox if m.to == [respondent.email]).body
    assert "You are invited to score Riverside Borough in the round 2026 Q4." in body


def test_it_keeps_the_place_and_period_as_written_in_the_reminder(open_round, respondent):
    services.round_remind(assessment=open_round, base_url="http://testserver")
    body = next(m for m in mail.outbox if m.to == [respondent.email]).body
    assert "You have not yet submitted your answers for Riverside Borough, round 2026 Q4." in body


def test_it_says_nobody_is_taking_part_when_reminding_an_empty_round(open_round):
    open_round.respondents.all().delete()
    with pytest.raises(ValidationError, match="Nobody is taking part in this round"):
        services.round_remind(assessment=open_round, base_url="http://testserver")


def test_it_says_nobody_is_taking_part_when_ending_scoring_on_an_empty_round(
    client, lead, open_round
):
    open_round.respondents.all().delete()
    client.force_login(lead)
    url = reverse("assessment-detail", args=[open_round.pk])
    asking = client.post(f"{url}advance/", page_form(client.get(url), f"{url}advance/").data())
    assert "Nobody is taking part in this round" in asking.text
    assert "Everyone taking part has submitted" not in asking.text


def test_it_says_who_cannot_be_reminded_when_only_imported_names_are_waiting(
    open_round, lead, respondent, with_imported
):
    for person in (lead, respondent):
        score(respondent_of(open_round, person))
    with pytest.raises(ValidationError, match="Nobody can be reminded: Grace Okafor came from"):
        services.round_remind(assessment=open_round, base_url="http://testserver")
