"""The round before: what scoring and the report set beside this round's answers."""

import pytest

from assessment import selectors, services
from assessment.models import Assessment, RoundStatus
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db


def _closed_round_with_consensus(place, lead, versions, period, level):
    round_ = services.assessment_open(
        place=place, period=period, versions=versions, participants=[lead]
    )
    score(respondent_of(round_, lead))
    services.assessment_advance(assessment=round_)
    impact = items_by_key(round_)["impact"]
    services.consensus_record(
        assessment=round_,
        item=impact,
        current=level,
        target=4,
        rationale="Agreed.",
        user=lead,
        revision=0,
    )
    services.assessment_advance(assessment=round_)
    return round_


def test_it_gives_the_latest_closed_rounds_agreed_levels(place, lead, versions):
    _closed_round_with_consensus(place, lead, versions, "2025 Q2", level=1)
    _closed_round_with_consensus(place, lead, versions, "2025 Q4", level=3)
    current = services.assessment_open(
        place=place, period="2026 Q2", versions=versions, participants=[lead]
    )
    assert selectors.previous_agreed_levels(current) == {"impact": 3}


def test_it_gives_nothing_for_a_place_first_round(open_round):
    assert selectors.previous_agreed_levels(open_round) == {}


def test_it_ignores_a_round_of_another_place_or_one_still_open(
    place, other_place, lead, outsider, versions, open_round
):
    _closed_round_with_consensus(other_place, outsider, versions, "2025 Q4", level=4)
    later = services.assessment_open(
        place=place, period="2027 Q1", versions=versions, participants=[lead]
    )
    assert Assessment.objects.get(pk=open_round.pk).status == RoundStatus.OPEN
    assert selectors.previous_agreed_levels(later) == {}
