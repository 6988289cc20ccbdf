"""The one decision every surface asks: what a reader may see inside a round, by stage."""

import pytest

from assessment.disclosure import Waiting, disclosure_for
from assessment.models import Membership, Role
from assessment.permissions import get_assessment_for_user
from assessment.services import assessment_advance
from tests.assessment.scoring import respondent_of, score

pytestmark = pytest.mark.django_db


def _disclosure(user, assessment):
    assessment, role = get_assessment_for_user(user, assessment.pk)
    return disclosure_for(assessment, user, role)


def test_it_asks_someone_taking_part_to_submit_first(respondent, open_round):
    seen = _disclosure(respondent, open_round)
    assert (seen.team_figures, seen.waiting) == (False, Waiting.SUBMIT_FIRST)


def test_it_reveals_the_team_s_answers_on_submitting(respondent, open_round):
    score(respondent_of(open_round, respondent))
    seen = _disclosure(respondent, open_round)
    assert (seen.team_figures, seen.consensus_pages, seen.can_record) == (True, False, False)


def test_it_tells_a_board_viewer_to_wait_for_the_end_of_scoring(viewer, open_round):
    seen = _disclosure(viewer, open_round)
    assert (seen.team_figures, seen.waiting) == (False, Waiting.SCORING_OPEN)


def test_it_lets_a_lead_who_does_not_take_part_prepare(make_person, place, open_round):
    facilitator = make_person("fay.cole@riverside.example.org", "Fay", "Cole")
    Membership.objects.create(user=facilitator, place=place, role=Role.LEAD)
    seen = _disclosure(facilitator, open_round)
    assert (seen.team_figures, seen.preparing, seen.can_record) == (True, True, True)


def test_it_lets_the_team_read_but_only_leads_record_once_scoring_has_ended(
    lead, respondent, viewer, open_round
):
    assessment_advance(assessment=open_round)
    seen = {who: _disclosure(who, open_round) for who in (lead, respondent, viewer)}
    assert [s.team_figures and s.consensus_pages for s in seen.values()] == [True, True, True]
    assert [s.can_record for s in seen.values()] == [True, False, False]


def test_it_decides_in_one_query_while_open_and_none_after(
    respondent, open_round, django_assert_num_queries
):
    assessment, role = get_assessment_for_user(respondent, open_round.pk)
    with django_assert_num_queries(1):  # the reader's own respondent row, if any
        disclosure_for(assessment, respondent, role)
    assessment_advance(assessment=open_round)
    assessment.refresh_from_db()
    with django_assert_num_queries(0):
        disclosure_for(assessment, respondent, role)
