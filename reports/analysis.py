"""Pure computation over scores: results per item, gaps and lesson groups. No ORM here; tested
without a database. The statistics of a set of answers (spread, the split rule) are the
assessment's own: assessment.statistics."""

from dataclasses import dataclass

from assessment.statistics import Spread, spread

# --- per item and across a round ---------------------------------------------------------------

# A factor whose target is this many levels or more above where it stands is a large gap: the
# report lists the lessons that bear on it.
LARGE_GAP = 1


@dataclass(frozen=True)
class ItemScores:
    """What a round holds for one item, as plain values."""

    key: str
    title: str
    kind: str  # "factor" or "lesson"
    levels: tuple[tuple[int, str], ...]  # (value, label), in order
    descriptors: dict[int, str]
    currents: tuple[int, ...]
    targets: tuple[int, ...]
    agreed_current: int | None = None
    agreed_target: int | None = None
    is_context: bool = False
    number: int | None = None
    related: tuple[str, ...] = ()  # for a lesson: the keys of the factors it bears on
    section: str = ""  # where in the source the item is drawn from
    # Why the team agreed its position, and any view some held against it (who is not kept).
    rationale: str = ""
    minority_view: str = ""


@dataclass(frozen=True)
class ItemResult:
    scores: ItemScores
    current: float | None
    target: float | None
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
        if self.current is None or self.target is None:
            return None
        return self.target - self.current

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
        """The level the item stands at: a median between two levels counts as the lower."""
        if self.current is None:
            return None
        reached = [v for v, _ in self.scores.levels if v <= self.current]
        return reached[-1] if reached else self.scores.levels[0][0]

    def label(self, value: int | None) -> str:
        return dict(self.scores.levels).get(value, "")

    @property
    def level_label(self) -> str:
        return self.label(self.level)

    @property
    def next_label(self) -> str:
        return self.label(self.next_level)

    @property
    def next_level(self) -> int | None:
        above = [v for v, _ in self.scores.levels if self.level is not None and v > self.level]
        return above[0] if above else None

    @property
    def current_descriptor(self) -> str:
        return self.scores.descriptors.get(self.level, "")

    @property
    def next_descriptor(self) -> str:
        return self.scores.descriptors.get(self.next_level, "")


def item_result(scores: ItemScores) -> ItemResult:
    """Consensus where recorded, otherwise the respondents' median. A context factor (Place)
    describes the place's circumstances: it has no target, so no gap, whatever was answered."""
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


@dataclass(frozen=True)
class GapEntry:
    factor: ItemResult
    lessons: tuple[ItemResult, ...]  # lessons bearing on the factor, least acted on first


@dataclass(frozen=True)
class GapAnalysis:
    ranked: tuple[GapEntry, ...]  # factors with a gap, largest first
    context: tuple[ItemResult, ...]  # shown, never ranked as gaps
    strengths: tuple[ItemResult, ...]  # at or above target
    splits: tuple[ItemResult, ...]  # for the next workshop
    unscored: tuple[ItemResult, ...]

    @property
    def large(self) -> tuple[GapEntry, ...]:
        return tuple(entry for entry in self.ranked if entry.factor.gap >= LARGE_GAP)


def gap_analysis(factors: list[ItemResult], lessons: list[ItemResult]) -> GapAnalysis:
    scored = [f for f in factors if f.gap is not None and not f.scores.is_context]
    with_gap = sorted(
        (f for f in scored if f.gap > 0), key=lambda f: (-f.gap, f.current, f.scores.number or 0)
    )

    def bearing_on(factor: ItemResult) -> tuple[ItemResult, ...]:
        related = [lesson for lesson in lessons if factor.key in lesson.scores.related]
        return tuple(sorted(related, key=lambda x: (x.current is None, x.current or 0)))

    return GapAnalysis(
        ranked=tuple(GapEntry(factor=f, lessons=bearing_on(f)) for f in with_gap),
        context=tuple(f for f in factors if f.scores.is_context),
        strengths=tuple(f for f in scored if f.gap <= 0),
        splits=tuple(r for r in [*factors, *lessons] if r.split),
        unscored=tuple(r for r in [*factors, *lessons] if r.current is None),
    )


@dataclass(frozen=True)
class LessonGroup:
    value: int
    label: str
    lessons: tuple[ItemResult, ...]


def lesson_groups(lessons: list[ItemResult]) -> list[LessonGroup]:
    """The lessons grouped by how far each is acted on, most embedded first."""
    if not lessons:
        return []
    levels = lessons[0].scores.levels
    return [
        LessonGroup(value=value, label=label, lessons=tuple(x for x in lessons if x.level == value))
        for value, label in reversed(levels)
        if any(x.level == value for x in lessons)
    ]
