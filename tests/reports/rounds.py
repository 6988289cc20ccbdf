"""Answers for the report tests: a round whose report has a gap, a context factor, a split and
a strength to show."""

from assessment.models import Respondent
from assessment.selectors import assessment_items
from assessment.services import Answer, consensus_record, responses_save
from frameworks.models import Item

# What the lead and the respondent answer (current, target) where the round is interesting:
# a gap of 2 (Impact), a context factor (Place), answers two levels apart (Care model: not split
# by the split rule with two people; tests that need a split add answers), a strength (Governance).
# Every other item is answered (2, 3) by both.
LEAD_ANSWERS = {
    "impact": (1, 3),
    "place": (2, 4),
    "care-model": (1, 4),
    "governance": (3, 3),
}
RESPONDENT_ANSWERS = {
    "impact": (2, 4),
    "place": (2, 4),
    "care-model": (3, 4),
    "governance": (4, 3),
}
FACTOR_TITLES = (
    "Impact",
    "Place",
    "Focus on individuals",
    "Care model",
    "Information management",
    "Commissioning and payment",
    "Workforce",
    "Governance",
    "Leadership",
)


def answer(
    respondent: Respondent,
    levels: dict | None = None,
    *,
    default=(2, 3),
    evidence: str = "Seen in the board papers.",
    submit: bool = True,
) -> Respondent:
    """Answer every item of the round (and submit), as a respondent does on the scoring page."""
    levels = levels or {}
    answers = {
        item: Answer(*levels.get(item.key, default), evidence=f"{evidence} ({item.key})")
        for item in assessment_items(respondent.assessment)
    }
    responses_save(respondent=respondent, answers=answers, submit=submit)
    respondent.refresh_from_db()
    return respondent


def respondent_of(assessment, user) -> Respondent:
    return Respondent.objects.get(assessment=assessment, user=user)


def record_consensus(assessment, user, key="impact", *, current=2, target=3):
    """The facilitator records the team's agreed position on one item (the round is at
    consensus)."""
    return consensus_record(
        assessment=assessment,
        item=Item.objects.get(version__assessments=assessment, key=key),
        current=current,
        target=target,
        rationale="Agreed at the workshop.",
        user=user,
        revision=0,
    )
