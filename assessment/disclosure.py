"""What one reader may see inside one round, at the round's present stage.

The method is individual judgement first, then the reveal, then discussion. While a round is
open, a person taking part sees no other person's answer and no team figure (a median, range,
split, gap, chart, count by level, the facilitator view, the report, its PDF, the round's data)
until they have submitted their own. Members who do not take part see team figures once scoring
has ended; a lead who does not take part may prepare the workshop from the answers as they come
in, and the pages say so. Who has submitted, and how many items each has answered, is progress,
not a team figure: everyone may see it at any time.

Which rounds a person may open at all is decided by `Assessment.objects.visible_to`; what they
may see inside one is decided here, and every surface asks `disclosure_for`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from assessment.models import Assessment, Respondent, Role
from assessment.permissions import ANALYST, get_assessment_for_user, role_in_place


class Waiting:
    """Why team figures are withheld from a reader, as the page tells them."""

    SUBMIT_FIRST = "submit-first"
    SCORING_OPEN = "scoring-open"


@dataclass(frozen=True)
class Disclosure:
    # Anything computed from other people's answers: the report, its PDF and print view, the
    # round's JSON, the plan's gaps, the history of answers, the consensus pages.
    team_figures: bool
    # The consensus pages: leads prepare and record there; once scoring has ended the rest of
    # the team may read them.
    consensus_pages: bool
    # Recording an agreed position: leads only.
    can_record: bool
    # A lead who does not take part, seeing answers as they come in while the round is open.
    preparing: bool = False
    # Why team figures are withheld (a Waiting value), or "" when they are not.
    waiting: str = ""

    @property
    def submit_first(self) -> bool:
        return self.waiting == Waiting.SUBMIT_FIRST


FULL = Disclosure(team_figures=True, consensus_pages=True, can_record=True)


def disclosure_for(assessment: Assessment, user, role: str | None) -> Disclosure:
    """What `user`, with `role` in the round's place (as permissions.get_assessment_for_user
    gives it), may see of the round now (one query while the round is open, none after)."""
    is_lead = role == Role.LEAD
    if user.is_staff:
        return FULL  # staff see everything, through the admin and the pages alike
    if role == ANALYST or not assessment.is_open:
        # An analyst reaches only closed rounds shared by name; once scoring has ended every
        # member sees the team's figures and reads the consensus pages.
        return Disclosure(team_figures=True, consensus_pages=role != ANALYST, can_record=is_lead)
    if role in (Role.LEAD, Role.RESPONDENT):
        # One row or none: [submitted_at] for a person taking part, [] for one who is not.
        own = list(
            Respondent.objects.filter(assessment=assessment, user=user).values_list(
                "submitted_at", flat=True
            )
        )
        if own and own[0] is not None:  # submitted: the reveal
            return Disclosure(team_figures=True, consensus_pages=is_lead, can_record=is_lead)
        if own:
            return _withheld(Waiting.SUBMIT_FIRST)
    if is_lead:
        return Disclosure(team_figures=True, consensus_pages=True, can_record=True, preparing=True)
    return _withheld(Waiting.SCORING_OPEN)


def _withheld(waiting: str) -> Disclosure:
    return Disclosure(team_figures=False, consensus_pages=False, can_record=False, waiting=waiting)


def get_assessment_for_reader(user, pk: int, *, roles: tuple[str, ...] | None = None):
    """A round, the user's role in it and what they may see of it (404/403 as
    permissions.get_assessment_for_user decides)."""
    assessment, role = get_assessment_for_user(user, pk, roles=roles)
    return assessment, role, disclosure_for(assessment, user, role)


def refuse_late_scorers(assessment: Assessment, people: list) -> None:
    """Refuse to let anyone in `people` (users not yet taking part) join an open round whose
    answers they may already have seen: a lead (or staff) who does not take part sees them while
    preparing, so once anyone has submitted, their answers would not be their own judgement."""
    if not assessment.respondents.filter(submitted_at__isnull=False).exists():
        return
    seen = [person for person in people if role_in_place(person, assessment.place) == Role.LEAD]
    if seen:
        names = ", ".join(person.get_full_name() or person.email for person in seen)
        raise ValidationError(
            f"{names} cannot take part now: not taking part, a lead sees the team's answers as "
            f"they come in, and someone has already submitted. Nothing was changed."
        )
