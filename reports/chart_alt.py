"""What each chart of a PDF says, in words: its alternative text.

A reader who cannot see a chart hears its message (where most factors stand, the largest gaps,
who is ahead) and is told where the numbers are. Pure functions over the report's and the
comparison's results; no ORM. A comparison's text reads only what its charts show a reader: a
factor shared by too few places is named, never described.
"""

import textwrap
from collections import Counter
from statistics import mean

from assessment.results import ItemResult
from reports.analysis import GapAnalysis, lesson_groups
from reports.compare_charts import OVERLAY_MOST

NUMBERS_BELOW = "The numbers are in the table below."
NUMBERS_IN_HEAT_MAP = "The numbers are in the table of places against factors."


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _from_to(item: ItemResult) -> str:
    return f"from {_number(item.current)} to {_number(item.target)}"


def _where_most_stand(levels: list[int]) -> str | None:
    """'at level 2 on most factors' or 'at level 2 or 3 on most factors'; None when the levels
    are too spread for either to be true."""
    counts = Counter(levels)
    ranked = [level for level, _ in counts.most_common()]
    if counts[ranked[0]] * 2 > len(levels):
        return f"at level {ranked[0]} on most factors"
    for low in sorted(counts):
        if (counts[low] + counts[low + 1]) * 2 > len(levels):
            return f"at level {low} or {low + 1} on most factors"
    return None


def _some(titles: list[str], most: int = 3) -> str:
    """Up to `most` titles, and how many more."""
    if len(titles) > most:
        return f"{', '.join(titles[:most])} and {len(titles) - most} more"
    return _and(titles)


def _highest_and_lowest(values: dict[str, float]) -> str:
    """'highest on Impact and Workforce (4) and lowest on Care model (1)'."""
    top, low = max(values.values()), min(values.values())
    if top == low:
        where = _and(list(values)) if len(values) <= 3 else f"all {len(values)} factors"
        return f"at {_number(top)} on {where}"
    highest = _some([t for t, v in values.items() if v == top])
    lowest = _some([t for t, v in values.items() if v == low])
    return f"highest on {highest} ({_number(top)}) and lowest on {lowest} ({_number(low)})"


def _largest_gaps(items: list[str]) -> str:
    if len(items) == 1:
        return f"the largest gap to target is {items[0]}"
    return f"the largest gaps to target are {_and(items)}"


# --- a round's report -----------------------------------------------------------------------------


def factor_radar_alt(*, place: str, factors: list[ItemResult], gaps: GapAnalysis) -> str:
    head = f"Radar chart of the {len(factors)} factors"
    scored = [f for f in factors if f.level is not None]
    if not scored:
        return f"{head}: no factor is scored yet."
    where = _where_most_stand([f.level for f in scored])
    if where is None:
        where = _highest_and_lowest({f.title: f.current for f in scored})
    stand = f"the answers place {place} {where}"
    if gaps.ranked:
        gap = _largest_gaps([f"{e.factor.title} ({_from_to(e.factor)})" for e in gaps.ranked[:2]])
    elif gaps.strengths:
        gap = "every factor with a target stands at or above it"
    else:
        gap = "no factor has a target yet"
    return f"{head}: {stand}; {gap}. {NUMBERS_BELOW}"


def lessons_chart_alt(lessons: list[ItemResult]) -> str:
    head = f"Chart of the {len(lessons)} lessons, now and target"
    groups = lesson_groups(lessons)
    if not groups:
        return f"{head}: no lesson is scored yet."
    held = _and([f"{len(g.lessons)} at level {g.value} ({g.label})" for g in groups])
    behind = sorted(
        (x for x in lessons if x.gap is not None and x.gap > 0),
        key=lambda x: (-x.gap, x.current, x.scores.number or 0),
    )
    if behind:
        named = [
            f"lesson {x.scores.number}, {textwrap.shorten(x.title, 60, placeholder='…')} "
            f"({_from_to(x)})"
            for x in behind[:2]
        ]
        gap = _largest_gaps(named)
    else:
        gap = "every lesson with a target stands at or above it"
    return f"{head}: {held}; {gap}. {NUMBERS_BELOW}"


# --- a comparison of places ---------------------------------------------------------------------


def overlay_radar_alt(rounds, factors) -> str:
    """The chosen rounds (RoundColumn) on the factors they share (compare.Factor)."""
    head = f"Radar chart of {len(rounds)} round{'s' if len(rounds) != 1 else ''}"
    head += f" on the {len(factors)} factors they share"
    scored = {
        column.label: {f.title: v for f in factors if (v := column.values.get(f.key)) is not None}
        for column in rounds
    }
    scored = {label: values for label, values in scored.items() if values}
    if not scored:
        return f"{head}: no round is scored on them."
    if len(scored) == 1:
        [(label, values)] = scored.items()
        message = f"{label} stands {_highest_and_lowest(values)}"
        return f"{head}: {message}. {NUMBERS_IN_HEAT_MAP}"
    averages = {label: mean(values.values()) for label, values in scored.items()}
    ahead, behind = max(averages, key=averages.get), min(averages, key=averages.get)
    if averages[ahead] == averages[behind]:
        message = f"on average the rounds stand level ({_number(averages[ahead])})"
    else:
        message = (
            f"on average {ahead} stands highest ({_number(averages[ahead])}) "
            f"and {behind} lowest ({_number(averages[behind])})"
        )
    spreads = {}
    for f in factors:
        levels = [held[f.title] for held in scored.values() if f.title in held]
        if len(levels) > 1:
            spreads[f.title] = (min(levels), max(levels))
    widest = max((high - low for low, high in spreads.values()), default=0)
    if widest:
        titles = [t for t, (low, high) in spreads.items() if high - low == widest]
        unit = "level" if widest == 1 else "levels"
        message += f"; they differ most, by {_number(widest)} {unit}, on {_some(titles)}"
    return f"{head}: {message}. {NUMBERS_IN_HEAT_MAP}"


def rounds_chart_alt(rounds, factors) -> str:
    """The chosen rounds' radar or small radars (compare_charts.rounds_chart), in words."""
    if len(rounds) <= OVERLAY_MOST:
        return overlay_radar_alt(rounds, factors)
    text = overlay_radar_alt(rounds, factors)
    head = f"Small radar charts, one for each of the {len(rounds)} rounds, on the "
    head += f"{len(factors)} factors they share, each with the rounds' median in grey"
    return head + text[text.index(":") :]


def distribution_alt(summary: list[dict], *, smallest_shown: int) -> str:
    """From Comparison.distribution_summary(): only what its table shows this reader."""
    rounds = max((d["count"] for d in summary), default=0)
    head = (
        f"Box chart of how each factor's level spreads across the shared rounds ({rounds} "
        "rounds), with the chosen rounds marked"
    )
    shown = [d for d in summary if not d["hidden"] and d["median"] is not None]
    hidden = [d["factor"].title for d in summary if d["hidden"]]
    parts = []
    if shown:
        medians = {d["factor"].title: d["median"] for d in shown}
        parts.append(f"the median is {_highest_and_lowest(medians)}")
        parts += _against_the_median(shown)
    if hidden:
        where = "any factor" if not shown else _and(hidden)
        parts.append(f"no place's level is shown on {where}: fewer than {smallest_shown} share")
    if not parts:
        return f"{head}: no place is scored on these factors yet."
    return f"{head}: {'; '.join(parts)}. {NUMBERS_BELOW}"


def _against_the_median(shown: list[dict]) -> list[str]:
    """Each chosen round: on how many factors it stands above and below the places' median; of
    more rounds than one radar shows, how many stand mostly above it and how many mostly below,
    as a sentence a round would make the text too long to hear."""
    tally: dict[str, list[int]] = {}
    for d in shown:
        for column, value in d["chosen"]:
            above_below = tally.setdefault(column.label, [0, 0])
            if value is not None and value != d["median"]:
                above_below[0 if value > d["median"] else 1] += 1
    if len(tally) > OVERLAY_MOST:
        above = sum(1 for up, down in tally.values() if up > down)
        below = sum(1 for up, down in tally.values() if down > up)
        return [
            f"of the {len(tally)} chosen rounds, {above} stand above the median on more factors "
            f"than below it, and {below} below it on more than above"
        ]
    return [
        f"{label} stands above the median on {above} factor{'s' if above != 1 else ''} "
        f"and below it on {below}"
        for label, (above, below) in tally.items()
    ]
