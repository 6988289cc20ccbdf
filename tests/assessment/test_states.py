"""The one state machine of a round: which moves each stage allows to whom, the reason when it
does not, and the round's page drawing its buttons from it."""

import pytest
from django.core.exceptions import ValidationError

from assessment import states
from assessment.models import Role, RoundStatus, Sharing
from assessment.permissions import role_in_place
from assessment.services import assessment_advance, assessment_share

pytestmark = pytest.mark.django_db


def _can(assessment, user) -> set[str]:
    role = role_in_place(user, assessment.place)
    return set(states.allowed_moves(assessment, user=user, role=role).can)


def test_it_allows_each_stage_its_own_moves_to_a_lead(lead, open_round):
    assert _can(open_round, lead) == {
        "end_scoring",
        "save_answers",
        "join",
        "reopen_answers",
        "change_people",
        "remind",
        "import_scores",
    }
    assessment_advance(assessment=open_round)
    assert _can(open_round, lead) == {
        "close_round",
        "reopen_scoring",
        "record_consensus",
        "import_scores",
    }
    assessment_advance(assessment=open_round)
    assert _can(open_round, lead) == {"reopen_round", "share", "start_next"}


def test_it_allows_a_respondent_only_their_own_answers_and_a_viewer_nothing(
    respondent, viewer, open_round
):
    assert _can(open_round, respondent) == {"save_answers", "join", "reopen_answers"}
    assert _can(open_round, viewer) == set()


def test_it_says_why_a_move_is_refused(respondent, lead, open_round):
    whose = states.may(states.END_SCORING, open_round, user=respondent, role=Role.RESPONDENT)
    assert (whose.allowed, whose.not_theirs) == (False, True)
    assert whose.reason == "Only the place's leads can do this."
    stage = states.may(states.SHARE, open_round, user=lead, role=Role.LEAD)
    assert (stage.allowed, stage.not_theirs) == (False, False)
    assert stage.reason == "Only a closed round can be shared for comparison."


def test_it_refuses_a_move_from_a_stage_the_round_has_left(lead, open_round):
    assessment_advance(assessment=open_round)
    verdict = states.may(
        states.END_SCORING,
        open_round,
        user=lead,
        role=Role.LEAD,
        shown_status=RoundStatus.OPEN,
    )
    assert verdict.reason == (
        "This round has already moved on: it is now consensus. Nothing was changed."
    )


def test_it_changes_nothing_when_the_stored_stage_refuses_under_the_lock(open_round):
    with pytest.raises(ValidationError, match="Only a closed round can be shared"):
        assessment_share(assessment=open_round, sharing=Sharing.NAMED)
    open_round.refresh_from_db()
    assert open_round.sharing == Sharing.PRIVATE


def test_it_asks_a_lead_but_not_staff_why_a_closed_round_reopens(lead, staff, open_round):
    assessment_advance(assessment=open_round)
    assessment_advance(assessment=open_round)
    with pytest.raises(ValidationError) as refused:
        states.move_round(
            states.REOPEN_ROUND,
            assessment=open_round,
            shown_status=RoundStatus.CLOSED,
            user=lead,
        )
    assert refused.value.code == states.REASON_NEEDED
    states.move_round(
        states.REOPEN_ROUND, assessment=open_round, shown_status=RoundStatus.CLOSED, user=staff
    )
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CONSENSUS


def test_the_round_s_page_offers_only_the_moves_its_stage_allows(client, lead, open_round):
    client.force_login(lead)
    detail = f"/assessments/{open_round.pk}/"
    page = client.get(detail).text
    assert "End scoring and move to consensus" in page
    assert "Remind everyone who has not submitted" in page
    assert "Reopen scoring" not in page and "Save sharing" not in page
    assessment_advance(assessment=open_round)
    page = client.get(detail).text
    assert "Close the round" in page and "Reopen scoring" in page
    assert "Remind everyone who has not submitted" not in page
    assert "Deadline and people" not in page


def test_the_round_s_page_offers_a_respondent_no_facilitator_moves(client, respondent, open_round):
    client.force_login(respondent)
    page = client.get(f"/assessments/{open_round.pk}/").text
    assert "Start scoring" in page
    assert "End scoring and move to consensus" not in page
    assert "Remind everyone who has not submitted" not in page
