"""Pure computation over a round's results: the gap analysis and lesson groups a report shows.
No ORM here; tested without a database. Results per item (agreed else median, levels, gaps) are
the assessment's own: assessment.results."""

from dataclasses import dataclass

from assessment.results import ItemResult

# A factor whose target is this many levels or more above where it stands is a large gap: the
# report lists the lessons that bear on it.
LARGE_GAP = 1


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
