"""How far a team agrees on one item: the figures a facilitator reads out at consensus.

Pure functions with no ORM, building on `assessment.statistics.spread`: the median and the split
rule mean the same here as on every other page and in the reports.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import ceil, floor
from statistics import median

from assessment.statistics import Spread, plain_number, spread

# "Within one level of the median": the share of the team a position at the median would carry.
NEAR_MEDIAN = 1


@dataclass(frozen=True)
class Agreement:
    spread: Spread
    lower_quartile: float | None
    upper_quartile: float | None
    near_median: int  # answers within one level of the median

    @property
    def count(self) -> int:
        return self.spread.count

    @property
    def median(self) -> float | None:
        return plain_number(self.spread.median)

    @property
    def interquartile_range(self) -> float | None:
        if self.count == 0:
            return None
        return plain_number(self.upper_quartile - self.lower_quartile)

    @property
    def near_median_share(self) -> float | None:
        """0.0 to 1.0; None when nobody answered."""
        return None if self.count == 0 else self.near_median / self.count

    @property
    def near_median_percent(self) -> int | None:
        share = self.near_median_share
        return None if share is None else round(share * 100)

    @property
    def split(self) -> bool:
        return self.spread.split


def quartiles(values: Sequence[int]) -> tuple[float, float]:
    """The lower and upper quartiles, interpolated between answers as a spreadsheet's
    QUARTILE.INC does (one answer is its own quartiles)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("quartiles of no answers")

    def at(fraction: float) -> float:
        position = fraction * (len(ordered) - 1)
        below, above = ordered[floor(position)], ordered[ceil(position)]
        return below + (above - below) * (position - floor(position))

    return plain_number(at(0.25)), plain_number(at(0.75))


def agreement(values: Iterable[int | None]) -> Agreement:
    """The agreement figures of one item's answers (unanswered ones left out)."""
    chosen = [v for v in values if v is not None]
    summary = spread(chosen)
    if not chosen:
        return Agreement(summary, lower_quartile=None, upper_quartile=None, near_median=0)
    lower, upper = quartiles(chosen)
    near = sum(1 for v in chosen if abs(v - summary.median) <= NEAR_MEDIAN)
    return Agreement(summary, lower_quartile=lower, upper_quartile=upper, near_median=near)


def suggestion(values: Iterable[int | None]) -> str:
    """The median read out as a suggestion for the agreed level, never as a default."""
    summary = spread(values)
    if summary.count == 0:
        return "No answers to suggest a level from."
    answers = f"{summary.count} answer{'' if summary.count == 1 else 's'}"
    if float(summary.median).is_integer():
        return f"Suggestion: {int(summary.median)} — the median of {answers}."
    below, above = floor(summary.median), ceil(summary.median)
    return (
        f"Suggestion: {below} or {above} — the median of {answers} "
        f"is {plain_number(summary.median)}."
    )


@dataclass(frozen=True)
class SectorAnswers:
    sector: str  # "" when not recorded
    label: str
    count: int
    median: float | None
    min: int | None
    max: int | None


NOT_RECORDED = "Not recorded"

# The sector code of the answers pooled because their sectors are too small to show.
POOLED = "pooled"
POOLED_LABEL = "Other sectors (pooled)"
ALL_POOLED_LABEL = "All sectors (pooled)"


def pooled(sectors: Sequence[str], *, at_least: int) -> list[str]:
    """Each answer's sector as a team without names may see it (one or two answers from a
    sector are those of people the team can name): a sector shared by fewer than `at_least`
    answers becomes POOLED. The pool itself must not be smaller than that either, or
    its answers would follow from the item's totals less the sectors shown, so while it is,
    the smallest sector shown joins it ("" for not recorded counts as a sector here)."""
    counts = Counter(sectors)
    shown = {sector for sector, count in counts.items() if count >= at_least}

    def left_over() -> int:
        return sum(count for sector, count in counts.items() if sector not in shown)

    while shown and 0 < left_over() < at_least:
        shown.remove(min(shown, key=lambda sector: (counts[sector], sector)))
    return [sector if sector in shown else POOLED for sector in sectors]


def by_sector(
    answers: Iterable[tuple[str, int | None]], sectors: Sequence[tuple[str, str]]
) -> list[SectorAnswers]:
    """Answers (sector, level) grouped by sector, in the order of `sectors` ((code, label)
    pairs), sectors nobody answered from left out, then "not recorded" (blank, or a code not in
    `sectors`), then the answers `pooled` (sector POOLED) last."""
    labels = dict(sectors)
    grouped: dict[str, list[int]] = {}
    for sector, value in answers:
        if value is not None:
            known = sector if sector in labels or sector == POOLED else ""
            grouped.setdefault(known, []).append(value)
    order = [code for code, _ in sectors if code in grouped]
    order += [code for code in ("", POOLED) if code in grouped]
    labels[POOLED] = POOLED_LABEL if len(order) > 1 else ALL_POOLED_LABEL
    return [
        SectorAnswers(
            sector=code,
            label=labels.get(code) or NOT_RECORDED,
            count=len(grouped[code]),
            median=plain_number(median(grouped[code])),
            min=min(grouped[code]),
            max=max(grouped[code]),
        )
        for code in order
    ]


def split_first[T](items: Sequence[T], *, split: Callable[[T], bool]) -> list[T]:
    """Split items first, each group in its own order: the order a facilitator works in."""
    return [i for i in items if split(i)] + [i for i in items if not split(i)]


def following[T](order: Sequence[T], current: T) -> T | None:
    """The item after `current` in `order`; None after the last (or for one not in it)."""
    for index, item in enumerate(order):
        if item == current:
            return order[index + 1] if index + 1 < len(order) else None
    return None
