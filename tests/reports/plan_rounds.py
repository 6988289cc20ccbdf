"""Two rounds of one place for the tests of the report's plan sections: a closed round with
consensus and a plan, and the next round started from it, scored and partly agreed.

Where each factor stands (agreed, else the median of the lead's and the respondent's answers):

                      2025 Q4          2026 Q4
    Impact            1 (agreed)       3 (agreed)          +2
    Place (context)   2                2                   no change
    Care model        2 (agreed)       3                   +1
    Information mgmt  2                1.5                 −0.5
    Workforce         2                2 (split: 3 and 1)  no change
    Governance        3.5              2                   −1.5
    Leadership        2                1                   −1
    lesson-08         1 (agreed)       2                   +1

2026 Q4's largest gaps: Leadership (1 → 4), Information management (1.5 → 3), then Focus on
individuals (2 → 3, the lowest-numbered of the gaps of 1 standing at 2).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from assessment.models import Action, ActionStatus, Assessment, Membership, Respondent
from assessment.services import assessment_advance
from assessment.services.actions import action_create, action_update, assessment_next
from frameworks.models import Item

from .rounds import LEAD_ANSWERS, RESPONDENT_ANSWERS, answer, record_consensus, respondent_of

TODAY = date.today()

NEXT_LEAD = {
    "impact": (2, 4),
    "care-model": (3, 4),
    "information-management": (1, 3),
    "workforce": (3, 3),
    "governance": (2, 2),
    "leadership": (1, 4),
}
NEXT_RESPONDENT = {
    "impact": (3, 4),
    "care-model": (3, 4),
    "information-management": (2, 3),
    "workforce": (1, 3),
    "governance": (2, 2),
    "leadership": (1, 4),
}


@dataclass
class TwoRounds:
    previous: Assessment  # 2025 Q4, closed
    current: Assessment  # 2026 Q4, at consensus
    outcomes: Action  # done in 2025 Q4's plan: impact, expected 2 (reached: now 3)
    redesign: Action  # done in 2025 Q4's plan: care model, expected 4 (not yet: now 3)
    pooling: Action  # carried into 2026 Q4, in progress and overdue
    induction: Action  # 2026 Q4's own: workforce, planned


def items(assessment, *keys) -> list[Item]:
    found = {i.key: i for i in Item.objects.filter(version__assessments=assessment, key__in=keys)}
    return [found[key] for key in keys]


def add_action(assessment, user, keys, **values) -> Action:
    return action_create(assessment=assessment, user=user, items=items(assessment, *keys), **values)


def set_status(action: Action, status: str) -> Action:
    """A lead changes an action's status, keeping everything else."""
    return action_update(
        action=action,
        title=action.title,
        items=list(action.items.all()),
        description=action.description,
        owner=action.owner,
        owner_member=action.owner_member,
        due=action.due,
        status=status,
        expected_level=action.expected_level,
    )


def build_two_rounds(make_round, lead, respondent) -> TwoRounds:
    previous = make_round(period="2025 Q4")  # LEAD_ANSWERS and RESPONDENT_ANSWERS
    assert LEAD_ANSWERS["governance"] == (3, 3) and RESPONDENT_ANSWERS["governance"] == (4, 3)
    assessment_advance(assessment=previous)
    record_consensus(previous, lead, "impact", current=1, target=3)
    record_consensus(previous, lead, "care-model", current=2, target=4)
    record_consensus(previous, lead, "lesson-08", current=1, target=3)
    assessment_advance(assessment=previous)  # closed: its results are kept

    outcomes = add_action(
        previous,
        lead,
        ["impact"],
        title="Agree a shared outcomes framework",
        owner="Director of Public Health",
        due=TODAY - timedelta(days=60),
        status=ActionStatus.DONE,
        expected_level=2,
    )
    redesign = add_action(
        previous,
        lead,
        ["care-model"],
        title="Redesign the neighbourhood care model",
        due=TODAY - timedelta(days=30),
        status=ActionStatus.DONE,
        expected_level=4,
    )
    add_action(
        previous,
        lead,
        ["commissioning-and-payment", "lesson-08"],
        title="Pool the community equipment budget",
        owner="Finance leads of the council and the ICB",
        due=TODAY - timedelta(days=10),
        status=ActionStatus.IN_PROGRESS,
        expected_level=3,
    )
    add_action(
        previous,
        lead,
        ["governance"],
        title="Set up a joint committee",
        status=ActionStatus.DROPPED,
    )
    started = assessment_next(
        assessment=previous, period="2026 Q4", participants=[lead, respondent], user=lead
    )
    current = started.assessment
    [pooling] = [c.action for c in started.carried]
    induction = add_action(
        current,
        lead,
        ["workforce"],
        title="Joint induction for the neighbourhood teams",
        owner_member=Membership.objects.get(user=respondent, place=current.place),
        due=TODAY + timedelta(days=90),
        expected_level=3,
    )
    answer(respondent_of(current, lead), NEXT_LEAD)
    answer(respondent_of(current, respondent), NEXT_RESPONDENT)
    # Asked, never answered: the summary counts them among those who did not respond.
    Respondent.objects.create(assessment=current, name="Workshop guest")
    assessment_advance(assessment=current)
    record_consensus(current, lead, "impact", current=3, target=4)
    return TwoRounds(
        previous=previous,
        current=current,
        outcomes=outcomes,
        redesign=redesign,
        pooling=pooling,
        induction=induction,
    )
