"""What a round allows, to whom, at each stage: the one state machine of a round.

A round goes open → consensus → closed, and a lead may take it a step back. Every write whose
rule depends on the round's stage is a move here, with the stages it may start from, the stage
it leads to (for a change of status), who may make it and what someone is told when the stage
does not allow it. Services take the round's lock through `lock_for` (or change its status
through `move_round`), views ask `may` before they offer or accept a write, and templates show a
button only for a move in `allowed_moves`; nothing else compares a round's status to decide
what may be written.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal

from assessment.models import Assessment, Role, RoundStatus, Sharing
from assessment.permissions import get_assessment_for_user
from assessment.signals import round_closed, round_reopened

OPEN, CONSENSUS, CLOSED = RoundStatus.OPEN, RoundStatus.CONSENSUS, RoundStatus.CLOSED

# Who may make a move: a role in the round's place, or staff (who act as leads everywhere).
STAFF = "staff"
LEADS = frozenset({Role.LEAD, STAFF})
SCORERS = frozenset({Role.LEAD, Role.RESPONDENT, STAFF})

FORWARD, BACK = 1, -1

# The code of a refusal to reopen a closed round without a reason: the page asks again.
REASON_NEEDED = "reason-needed"


@dataclass(frozen=True)
class Move:
    """One thing a round allows at some stages to some people: a change of its status, or a
    write whose rule depends on its status."""

    name: str
    label: str
    from_statuses: frozenset[str]
    roles: frozenset[str]
    # Said when the round's stage does not allow the move; `refusals` words it for one stage.
    refusal: str
    refusals: Mapping[str, str] = field(default_factory=dict)
    to_status: str | None = None  # None for a write that leaves the status as it is
    direction: int = 0  # FORWARD or BACK for a change of status
    needs_reason: bool = False  # kept in the round's history; staff may leave it out
    unshares: bool = False  # the round leaves comparisons until it closes again
    announce: Signal | None = None  # sent inside the transaction that makes the move

    def refusal_at(self, status: str) -> str:
        return self.refusals.get(status, self.refusal)

    def needs_reason_from(self, user) -> bool:
        return self.needs_reason and not getattr(user, "is_staff", False)

    @property
    def for_whom(self) -> str:
        if Role.RESPONDENT in self.roles:
            return "Only the people taking part and the place's leads can do this."
        return "Only the place's leads can do this."


SCORING_ENDED = "Scoring has ended for this round; your answers were not saved."

END_SCORING = Move(
    name="end_scoring",
    label="End scoring and move to consensus",
    from_statuses=frozenset({OPEN}),
    to_status=CONSENSUS,
    direction=FORWARD,
    roles=LEADS,
    refusal="Scoring has already ended for this round.",
)
CLOSE_ROUND = Move(
    name="close_round",
    label="Close the round",
    from_statuses=frozenset({CONSENSUS}),
    to_status=CLOSED,
    direction=FORWARD,
    roles=LEADS,
    refusal="Only a round at consensus can be closed.",
    refusals={CLOSED: "This round is closed; it cannot move on."},
    announce=round_closed,
)
REOPEN_SCORING = Move(
    name="reopen_scoring",
    label="Reopen scoring",
    from_statuses=frozenset({CONSENSUS}),
    to_status=OPEN,
    direction=BACK,
    roles=LEADS,
    refusal="Only a round at consensus can reopen scoring.",
    refusals={OPEN: "An open round has no earlier step to go back to."},
)
REOPEN_ROUND = Move(
    name="reopen_round",
    label="Reopen this round",
    from_statuses=frozenset({CLOSED}),
    to_status=CONSENSUS,
    direction=BACK,
    roles=LEADS,
    refusal="Only a closed round can be reopened.",
    needs_reason=True,
    unshares=True,
    announce=round_reopened,
)
SAVE_ANSWERS = Move(
    name="save_answers",
    label="Save or submit answers",
    from_statuses=frozenset({OPEN}),
    roles=SCORERS,
    refusal=SCORING_ENDED,
)
JOIN = Move(
    name="join",
    label="Take part",
    from_statuses=frozenset({OPEN}),
    roles=SCORERS,
    refusal=SCORING_ENDED,
)
REOPEN_ANSWERS = Move(
    name="reopen_answers",
    label="Reopen my answers",
    from_statuses=frozenset({OPEN}),
    roles=SCORERS,
    refusal="Scoring has ended for this round; answers can no longer change.",
)
RECORD_CONSENSUS = Move(
    name="record_consensus",
    label="Record an agreed position",
    from_statuses=frozenset({CONSENSUS}),
    roles=LEADS,
    refusal="Consensus can be recorded only while the round is at consensus.",
)
CHANGE_PEOPLE = Move(
    name="change_people",
    label="Deadline and people",
    from_statuses=frozenset({OPEN}),
    roles=LEADS,
    refusal="Only a round open for scoring can change who takes part.",
)
REMIND = Move(
    name="remind",
    label="Remind everyone who has not submitted",
    from_statuses=frozenset({OPEN}),
    roles=LEADS,
    refusal="Scoring has ended for this round: nobody needs reminding.",
)
IMPORT_SCORES = Move(
    name="import_scores",
    label="Import workshop scores",
    from_statuses=frozenset({OPEN, CONSENSUS}),
    roles=LEADS,
    refusal="This round is closed; scores can no longer be imported.",
)
SHARE = Move(
    name="share",
    label="Save sharing",
    from_statuses=frozenset({CLOSED}),
    roles=LEADS,
    refusal="Only a closed round can be shared for comparison.",
)
START_NEXT = Move(
    name="start_next",
    label="Start the next round",
    from_statuses=frozenset({CLOSED}),
    roles=LEADS,
    refusal="Only a closed round can start the next round.",
)

MOVES = (
    END_SCORING,
    CLOSE_ROUND,
    REOPEN_SCORING,
    REOPEN_ROUND,
    SAVE_ANSWERS,
    JOIN,
    REOPEN_ANSWERS,
    RECORD_CONSENSUS,
    CHANGE_PEOPLE,
    REMIND,
    IMPORT_SCORES,
    SHARE,
    START_NEXT,
)


def forward_from(status: str) -> Move:
    """The move on from a stage; from a closed round, the close it cannot make again."""
    return END_SCORING if status == OPEN else CLOSE_ROUND


def back_from(status: str) -> Move:
    """The step back from a stage; from an open round, the reopening it cannot make."""
    return REOPEN_ROUND if status == CLOSED else REOPEN_SCORING


@dataclass(frozen=True)
class Verdict:
    """Whether a move may be made, and if not why, in words to show the person."""

    allowed: bool
    reason: str = ""
    # The refusal is about who asks, not the round's stage: a view answers it with 403.
    not_theirs: bool = False

    def __bool__(self) -> bool:
        return self.allowed


def may(
    move: Move, assessment: Assessment, *, user, role: str | None, shown_status: str | None = None
) -> Verdict:
    """May this person (with `role` in the round's place, as permissions.role_in_place gives
    it) make this move on this round now? ``shown_status`` is the stage the page they acted on
    showed: a round that has moved since refuses, whatever the move."""
    held = {role, STAFF} if user.is_staff else {role}
    if not held & move.roles:
        return Verdict(False, move.for_whom, not_theirs=True)
    refusal = _stage_refusal(move, assessment.status, shown_status)
    return Verdict(False, refusal) if refusal else Verdict(True)


@dataclass(frozen=True)
class AllowedMoves:
    """The moves a person may make on a round now, for a page to draw its buttons from."""

    can: dict[str, Move]

    @property
    def forward(self) -> Move | None:
        return next((m for m in self.can.values() if m.direction == FORWARD), None)

    @property
    def back(self) -> Move | None:
        return next((m for m in self.can.values() if m.direction == BACK), None)


def allowed_moves(assessment: Assessment, *, user, role: str | None) -> AllowedMoves:
    return AllowedMoves(can={m.name: m for m in MOVES if may(m, assessment, user=user, role=role)})


def get_assessment_for_move(user, pk: int, move: Move) -> tuple[Assessment, str, Verdict]:
    """A round, the user's role in it and whether they may make the move now: 404 for someone
    who may not see the round (permissions.get_assessment_for_user), 403 for one whose role
    never makes this move; a refusal for the round's stage is the caller's to say."""
    assessment, role = get_assessment_for_user(user, pk)
    verdict = may(move, assessment, user=user, role=role)
    if verdict.not_theirs:
        raise PermissionDenied
    return assessment, role, verdict


def stage_allows(move: Move, assessment: Assessment) -> bool:
    """Whether the round's stage allows the move, whoever asks: for work done on nobody's
    behalf (a queued e-mail), which goes quietly when the round has moved on."""
    return _stage_refusal(move, assessment.status, None) is None


def lock_for(move: Move, pk: int, *, shown_status: str | None = None) -> Assessment:
    """The round's row, locked until the transaction ends, once its stored status allows the
    move; otherwise a ValidationError with the move's refusal, and nothing is written.

    Call inside transaction.atomic: whoever asks is the caller's to check (see `may`).
    """
    current = Assessment.objects.lock(pk)
    refusal = _stage_refusal(move, current.status, shown_status)
    if refusal:
        raise ValidationError(refusal)
    return current


def move_round(
    move: Move, *, assessment: Assessment, shown_status: str, reason: str = "", user=None
) -> Assessment:
    """Change the round's status by `move`, from the stage the person was shown, under the
    round's lock; returns the round as stored (the given one is brought up to date too).

    A reopening that needs a reason and has none is refused with code REASON_NEEDED, unless
    staff make it. The move's announcement goes inside the transaction, so whatever listeners
    keep commits, or rolls back, with the change.
    """
    if move.to_status is None:
        raise ValueError(f"{move.name} is a write, not a change of the round's status")
    reason = reason.strip()
    with transaction.atomic():
        current = lock_for(move, assessment.pk, shown_status=shown_status)
        if not reason and move.needs_reason_from(user):
            raise ValidationError(
                "Say why the round is being reopened: the reason is kept in its history.",
                code=REASON_NEEDED,
            )
        current.status, current.status_reason = move.to_status, reason
        if move.unshares:
            current.sharing = Sharing.PRIVATE
        # A save, not an update(), so that the history records who moved it and when.
        current.save(update_fields=["status", "status_reason", "sharing", "updated_at"])
        if move.announce is not None:
            move.announce.send(sender=Assessment, assessment=current)
    for name in ("status", "status_reason", "sharing", "updated_at"):
        setattr(assessment, name, getattr(current, name))
    return current


def _stage_refusal(move: Move, status: str, shown_status: str | None) -> str | None:
    """Why the round's stage refuses the move, or None: one wording for a round that moved on
    since the page was drawn, then the move's own."""
    if shown_status is not None and shown_status != status:
        label = RoundStatus(status).label.lower()
        return f"This round has already moved on: it is now {label}. Nothing was changed."
    if status not in move.from_statuses:
        return move.refusal_at(status)
    return None
