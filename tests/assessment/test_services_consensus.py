"""consensus_record: a context factor's position takes no target; a minority view is kept."""

import pytest
from django.core.exceptions import ValidationError

from assessment.models import Consensus
from assessment.services import assessment_advance, consensus_record
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_consensus(open_round, respondent):
    score(respondent_of(open_round, respondent))
    return assessment_advance(assessment=open_round)


def _record(assessment, key, user, **values):
    return consensus_record(
        assessment=assessment,
        item=items_by_key(assessment)[key],
        user=user,
        revision=0,
        **{"current": 2, "rationale": "Agreed.", **values},
    )


def test_it_records_a_context_factor_s_position_without_a_target(at_consensus, lead):
    _record(at_consensus, "place", lead, target=None)
    assert Consensus.objects.get().target is None


def test_it_refuses_a_target_for_a_context_factor(at_consensus, lead):
    with pytest.raises(ValidationError, match="Place is a context factor"):
        _record(at_consensus, "place", lead, target=3)
    assert not Consensus.objects.exists()


def test_it_refuses_a_factor_s_position_without_a_target(at_consensus, lead):
    with pytest.raises(ValidationError, match="Choose the agreed target level for Impact"):
        _record(at_consensus, "impact", lead, target=None)
    assert not Consensus.objects.exists()


def test_it_keeps_a_minority_view_and_not_whose_it_was(at_consensus, lead):
    _record(at_consensus, "impact", lead, target=3, minority_view="Two of us would say 1.")
    assert Consensus.objects.get().minority_view == "Two of us would say 1."
