"""Rounds the assessment tests share: at consensus with the team split on Impact, and open
with a lead who does not take part preparing the workshop."""

import pytest

from assessment import services
from assessment.services import assessment_advance
from tests.assessment.scoring import items_by_key, named_respondent, respondent_of, score


@pytest.fixture
def split_at_consensus(open_round, lead, respondent):
    """At consensus. Impact: Priya 1→2, Tom 2→3, Grace 4→4: split where a deployment splits on
    one far answer (not by SCIROCCO's rule, which takes four); every other item 2→3.
    Dan's draft (impact 3) was never submitted and must not count."""
    score(respondent_of(open_round, lead), levels={"impact": (1, 2)})
    score(respondent_of(open_round, respondent), levels={"impact": (2, 3)})
    score(named_respondent(open_round, "Grace Okafor"), levels={"impact": (4, 4)})
    score(named_respondent(open_round, "Dan Reilly"), only=["impact"], current=3, submit=False)
    return assessment_advance(assessment=open_round)


@pytest.fixture
def prepared_round(place, lead, respondent, versions):
    """Open for scoring, led by Priya, who does not take part: she may prepare the workshop."""
    return services.assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[respondent], user=lead
    )


@pytest.fixture
def impact(split_at_consensus):
    return items_by_key(split_at_consensus)["impact"]


@pytest.fixture
def workshop_order(split_at_consensus, impact):
    """The round's items as the workshop takes them: Impact (the only split one) first."""
    return [impact] + [i for i in items_by_key(split_at_consensus).values() if i != impact]
