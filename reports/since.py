"""Since last round: each item of a round beside the round before, and whether the actions
completed since moved their items. Pure computation over the round's results
(assessment.results) and the rows reports.plan_sections reads."""

from collections.abc import Set
from dataclasses import dataclass, field

from assessment.models import Action, Assessment
from assessment.results import ItemResult
from assessment.statistics import plain_number

SUMMARY_LIST = 4  # at most this many moves named on the summary page


@dataclass(frozen=True)
class Standing:
    """Where an item stood in a round, as its results say (agreed, else the median)."""

    value: float
    agreed: bool

    @classmethod
    def of(cls, result: ItemResult) -> "Standing | None":
        return None if result.current is None else cls(value=result.current, agreed=result.agreed)


def signed(value: float) -> str:
    """A change of level as a reader takes it: "+1", "−0.5" (a real minus sign), "0"."""
    number = plain_number(abs(value))
    if value > 0:
        return f"+{number}"
    if value < 0:
        return f"\u2212{number}"
    return "0"


def basis(levels: list[Standing | None]) -> str:
    """How a column of levels was arrived at: "agreed", "median", or "mixed" (then each median
    is marked as such)."""
    agreed = {level.agreed for level in levels if level is not None}
    if agreed == {True}:
        return "agreed"
    return "median" if agreed == {False} else "mixed"


def change_between(before: Standing | None, now: Standing | None) -> float | None:
    """How far an item moved between two rounds; None where either round has no level."""
    if before is None or now is None:
        return None
    return now.value - before.value


@dataclass(frozen=True)
class LevelChange:
    """One item of this round beside the previous round."""

    key: str
    title: str
    number: int | None
    is_factor: bool
    is_context: bool
    before: Standing | None  # None: the item was not scored, or not in the previous round
    now: Standing | None
    # Its level descriptors differ between the versions the two rounds were scored on: a move
    # may be the new wording, not progress (reports.wording).
    reworded: bool = False

    @property
    def change(self) -> float | None:
        return change_between(self.before, self.now)

    @property
    def direction(self) -> str:
        """ "up", "down", "same", or "" when the two rounds cannot be set side by side."""
        change = self.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "same"

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "—"
        return "no change" if change == 0 else signed(change)

    @property
    def label(self) -> str:
        """A short name for running text: a factor's title, a lesson's number."""
        return self.title if self.is_factor else f"Lesson {self.number}"


@dataclass(frozen=True)
class Moves:
    up: int = 0
    down: int = 0
    same: int = 0
    unknown: int = 0  # new items, or items unscored in either round


def moves(changes: list[LevelChange]) -> Moves:
    directions = [c.direction for c in changes]
    return Moves(
        up=directions.count("up"),
        down=directions.count("down"),
        same=directions.count("same"),
        unknown=directions.count(""),
    )


@dataclass(frozen=True)
class Outcome:
    """A completed action and one of its items: did the item move as the action expected?"""

    action: Action
    done_in: str  # the period of the round whose plan it was completed in
    key: str
    title: str
    before: Standing | None  # the previous round's level
    now: Standing | None  # this round's
    expected_level: int | None

    @property
    def change(self) -> float | None:
        return change_between(self.before, self.now)

    @property
    def reached_expected(self) -> bool | None:
        """None when no level was expected, or the item is not scored this round."""
        if self.expected_level is None or self.now is None:
            return None
        return self.now.value >= self.expected_level

    @property
    def verdict(self) -> str:
        """In a word or two: did the item get where the action meant it to?"""
        if self.now is None:
            return "Not scored yet"
        if self.expected_level is not None:
            return "Reached" if self.reached_expected else "Not yet"
        change = self.change
        if change is None:
            return "—"
        if change == 0:
            return "No change"
        return f"{'Up' if change > 0 else 'Down'} {plain_number(abs(change))}"


@dataclass(frozen=True)
class Completed:
    """An action completed since the last round, and how each of its items moved."""

    action: Action
    done_in: str  # the period of the round whose plan it was completed in
    outcomes: list[Outcome]


@dataclass(frozen=True)
class SinceTable:
    """One pinned framework's items beside the round before."""

    heading: str  # "The nine factors"
    is_ladder: bool
    changes: list[LevelChange]


@dataclass
class SinceLastRound:
    previous: Assessment | None
    factors: list[LevelChange]  # the report's factors (its first maturity ladder)
    lessons: list[LevelChange]  # the report's lessons
    completed: list[Completed]  # every action completed since, once, soonest due first
    # The reader is from outside the place and may open no round before this one (whether
    # or not there is one): nothing of one is shown, and the report says so in one way.
    withheld: bool = False
    tables: list[SinceTable] = field(default_factory=list)  # every framework, in report order

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for c in self.completed for o in c.outcomes]

    @property
    def before_basis(self) -> str:
        return basis([c.before for t in self.tables for c in t.changes])

    @property
    def now_basis(self) -> str:
        return basis([c.now for t in self.tables for c in t.changes])

    @property
    def reworded(self) -> list[LevelChange]:
        """Items whose levels read differently in this round's version than in the last's."""
        return [c for t in self.tables for c in t.changes if c.reworded]

    @property
    def factor_moves(self) -> Moves:
        return moves(self.factors)

    @property
    def lesson_moves(self) -> Moves:
        return moves(self.lessons)

    @property
    def largest_moves(self) -> list[LevelChange]:
        """The items that moved most, either way, factors before lessons on a tie."""
        moved = [c for t in self.tables for c in t.changes if c.change]
        ranked = sorted(moved, key=lambda c: -abs(c.change))
        return ranked[:SUMMARY_LIST]

    @property
    def with_expectation(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.reached_expected is not None]

    @property
    def reached(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.reached_expected]


def level_changes(
    results: list[ItemResult], before: dict[str, Standing], reworded: Set[str] = frozenset()
) -> list[LevelChange]:
    """Each of this round's items with where it stood last round and where it stands now, and
    whether its levels were reworded between the two rounds' versions."""
    return [
        LevelChange(
            key=r.key,
            title=r.title,
            number=r.scores.number,
            is_factor=r.scores.kind == "factor",
            is_context=r.scores.is_context,
            before=before.get(r.key),
            now=Standing.of(r),
            reworded=r.key in reworded,
        )
        for r in results
    ]


def completed_since(
    completed: list[tuple[Action, str]],
    before: dict[str, Standing],
    now: dict[str, Standing | None],
    order: dict[str, int],
) -> list[Completed]:
    """Each completed action (with the period of the plan it was done in) and how each of its
    items moved, in the report's order of items (an item this round lacks goes last)."""
    return [
        Completed(
            action=action,
            done_in=period,
            outcomes=[
                Outcome(
                    action=action,
                    done_in=period,
                    key=item.key,
                    title=item.title,
                    before=before.get(item.key),
                    now=now.get(item.key),
                    expected_level=action.expected_level_for(item),
                )
                for item in sorted(action.items.all(), key=lambda i: order.get(i.key, len(order)))
            ],
        )
        for action, period in completed
    ]
