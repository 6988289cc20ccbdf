"""Whether an item's levels read differently in two framework versions. Pure: no database.

Rounds scored on different versions of a framework are set side by side by item key ("since last
round", the plan, the compare page). Where the level descriptors of an item changed between the
versions, a move from one round to the next may be the new wording rather than progress, and the
pages say so. What counts as a change is what the framework's own list of changes says of the
item's levels (frameworks.changes): a level's descriptor, or the item's own name for a level.
"""

from collections.abc import Hashable, Iterable, Mapping
from itertools import combinations

from frameworks.changes import item_changes

# The fields of frameworks.changes that are about what a level says.
WORDING = {"level", "label"}

REWORDED_NOTE = "wording changed: a move may be new wording, not progress"

Levels = list[dict]  # [{"value": 1, "descriptor": "…", "label": ""}, …], as a fixture file has them


def level_entry(value: int, descriptor: str, label: str = "") -> dict:
    """One level in the shape frameworks.changes compares."""
    return {"value": value, "descriptor": descriptor, "label": label or ""}


def levels_of(descriptors: Iterable) -> Levels:
    """An item's levels from its LevelDescriptor rows."""
    return [level_entry(d.value, d.descriptor, d.label) for d in descriptors]


def levels_reworded(before: Levels, after: Levels) -> bool:
    """Whether an item's levels say something different in `after` than in `before`."""
    changes = item_changes(_levels_only(before), _levels_only(after), {}, {}, {})
    return any(change.field in WORDING for change in changes)


def reworded(before: Mapping[Hashable, Levels], after: Mapping[Hashable, Levels]) -> set:
    """The keys both versions hold whose levels differ (an item new in `after` has nothing to
    compare with: it is not flagged)."""
    return {key for key in before.keys() & after.keys() if levels_reworded(before[key], after[key])}


def reworded_across(versions: Mapping[str, Mapping[str, Levels]]) -> set[str]:
    """The keys whose levels differ between any two of several versions (version → key →
    levels), each pair compared on the keys it shares."""
    out: set[str] = set()
    for one, other in combinations(versions.values(), 2):
        out |= reworded(one, other)
    return out


def _levels_only(levels: Levels) -> dict:
    # item_changes compares whole items; with everything but the levels alike, only the levels
    # can differ.
    return {"title": "", "summary": "", "prompts": [], "section": "", "levels": levels}
