"""A round's results: for each item of each pinned framework version, where it stands and where
the team wants it. The one place the rules live:

- the level used is the one the team agreed where recorded, else the respondents' median;
- a median between two levels counts as the lower (`level_reached`);
- the next level is the one above that, with its descriptor;
- a context factor (such as Place) describes circumstances: no target, so no gap.

Pure computation over plain values, no ORM: `assessment.selectors.round_results` builds the
inputs from a round's rows; a closed round's stored results (reports.models.RoundItemResult)
are these values kept. Facilitation, the plan, the report, "since last round", compare, exports
and board packs all read them from here.
"""

from dataclasses import dataclass, field

from assessment.statistics import Spread, spread


@dataclass(frozen=True)
class ItemScores:
    """What a round holds for one item, as plain values."""

    key: str
    title: str
    kind: str  # "factor" (an item of a maturity ladder) or "lesson"
    levels: tuple[tuple[int, str], ...]  # (value, label), in order, as the item names them
    descriptors: dict[int, str]
    currents: tuple[int, ...]
    targets: tuple[int, ...]
    agreed_current: int | None = None
    agreed_target: int | None = None
    is_context: bool = False
    number: int | None = None
    related: tuple[str, ...] = ()  # the keys of the items (of another framework) it bears on
    related_reasons: dict[str, str] = field(default_factory=dict)  # key → why it bears on it
    section: str = ""  # where in the source the item is drawn from
    # Why the team agreed its position, and any view some held against it (who is not kept).
    rationale: str = ""
    minority_view: str = ""
    framework: str = ""  # the slug of the item's framework


def level_reached(value: float | None, levels: tuple[tuple[int, str], ...]) -> int | None:
    """The level a current value stands at: a median between two levels counts as the lower
    (the team has not yet reached the upper), and a value below the scale as its first level."""
    if value is None:
        return None
    reached = [v for v, _ in levels if v <= value]
    return reached[-1] if reached else levels[0][0]


@dataclass(frozen=True)
class ItemResult:
    scores: ItemScores
    current: float | None  # agreed, else the median
    target: float | None  # agreed (even when empty), else the median; never for context
    agreed: bool
    current_spread: Spread
    target_spread: Spread

    @property
    def key(self) -> str:
        return self.scores.key

    @property
    def title(self) -> str:
        return self.scores.title

    @property
    def gap(self) -> float | None:
        """Target less current: positive where the item falls short of its target."""
        if self.current is None or self.target is None:
            return None
        return self.target - self.current

    @property
    def has_gap(self) -> bool:
        """Whether the item's target is above where it stands."""
        return self.gap is not None and self.gap > 0

    @property
    def split(self) -> bool:
        return self.current_spread.split

    @property
    def rationale(self) -> str:
        return self.scores.rationale if self.agreed else ""

    @property
    def minority_view(self) -> str:
        return self.scores.minority_view if self.agreed else ""

    @property
    def level(self) -> int | None:
        return level_reached(self.current, self.scores.levels)

    def label(self, value: int | None) -> str:
        return dict(self.scores.levels).get(value, "")

    @property
    def level_label(self) -> str:
        return self.label(self.level)

    @property
    def next_level(self) -> int | None:
        """The level above where the item stands; None when unscored or at the top."""
        if self.level is None:
            return None
        return next((v for v, _ in self.scores.levels if v > self.level), None)

    @property
    def next_label(self) -> str:
        return self.label(self.next_level)

    @property
    def current_descriptor(self) -> str:
        return self.scores.descriptors.get(self.level, "")

    @property
    def next_descriptor(self) -> str:
        return self.scores.descriptors.get(self.next_level, "")


def item_result(scores: ItemScores) -> ItemResult:
    """Consensus where recorded, otherwise the respondents' median. Once a position is agreed
    its target decides, an empty one included: the answers' targets do not stand in for it."""
    current_spread, target_spread = spread(scores.currents), spread(scores.targets)
    agreed = scores.agreed_current is not None
    target = scores.agreed_target if agreed else target_spread.median
    return ItemResult(
        scores=scores,
        current=scores.agreed_current if agreed else current_spread.median,
        target=None if scores.is_context else target,
        agreed=agreed,
        current_spread=current_spread,
        target_spread=target_spread,
    )


NUMBER_WORDS = (
    *("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)


def framework_heading(count: int, *, ladder: bool) -> str:
    """How pages name a framework's items: "The nine factors", "The sixteen lessons"."""
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"The {number} {'factors' if ladder else 'lessons'}"


@dataclass(frozen=True)
class FrameworkResults:
    """The results of one pinned framework version, in the version's order of items."""

    version: object  # the FrameworkVersion, opaque here
    kind: str  # "factor" (a maturity ladder) or "lesson"
    items: tuple[ItemResult, ...]

    @property
    def heading(self) -> str:
        return framework_heading(len(self.items), ladder=self.kind == "factor")

    @property
    def has_radar(self) -> bool:
        """A ladder framework with three or more items reads as a radar."""
        return self.kind == "factor" and len(self.items) >= 3
