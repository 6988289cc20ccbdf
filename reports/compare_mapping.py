"""Rounds scored on different frameworks, set side by side on the items that correspond.

An item may name the items of another framework's version that measure the same thing
(frameworks.models.Item.corresponds_to, towards its version's `mapped_version`). A round scored
on one framework is placed on the other framework's items through those links, whichever side
declared them:

- an item that several of the round's items correspond to takes the lowest of their levels: a
  place stands no higher on the broader item than on the weakest part of it (a cautious
  reading, which the page and the exports state);
- a level on a scale of another range is placed at the same point of the compared scale
  (level 3 of 0–3 is level 4 of 1–4); on scales of the same range it is kept as it is;
- the links declared by the round's own version come first; failing those, the links of the
  newest version of the compared framework that maps onto the round's framework, matched by
  item key (keys stay the same across versions).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from frameworks.models import Item, ScaleLevel

_END = ("framework", "version_id", "version", "major", "minor", "key", "title", "position")


@dataclass(frozen=True)
class End:
    """One item at one end of a correspondence, with its version's scale range."""

    framework: str  # the framework's slug
    version_id: int
    version: str
    major: int
    minor: int
    key: str
    title: str
    position: int
    low: int | None
    high: int | None

    @property
    def label(self) -> str:
        return f"{self.framework} {self.version}"


Link = tuple[End, End]


@dataclass
class Scored:
    """A round's results on one framework: the version it pinned and its levels by item key."""

    version_id: int
    framework: str  # its slug
    number: str  # "1.1"
    values: dict[str, float | None] = field(default_factory=dict)
    targets: dict[str, float | None] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return f"{self.framework} {self.number}"


@dataclass
class Placed:
    """A round's levels placed on the items of another framework (`onto`, item key → End)."""

    source: str  # the round's framework and version, "third-framework 1.0"
    onto: dict[str, End]
    values: dict[str, float | None] = field(default_factory=dict)
    targets: dict[str, float | None] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)  # onto key → the round's keys

    @property
    def version(self) -> str:
        return next(iter(self.onto.values())).label


def links_touching(version_ids) -> list[Link]:
    """Every correspondence with an end on one of these framework versions (one query)."""
    through = Item.corresponds_to.through
    names = {}
    for side in ("from_item", "to_item"):
        levels = ScaleLevel.objects.filter(version=OuterRef(f"{side}__version_id"))
        names[f"{side}_low"] = Subquery(levels.order_by("value").values("value")[:1])
        names[f"{side}_high"] = Subquery(levels.order_by("-value").values("value")[:1])
    paths = {
        "framework": "version__framework__slug",
        "version_id": "version_id",
        "version": "version__version",
        "major": "version__major",
        "minor": "version__minor",
        "key": "key",
        "title": "title",
        "position": "position",
    }
    fields = [f"{side}__{paths[name]}" for side in ("from_item", "to_item") for name in _END]
    rows = (
        through.objects.filter(
            Q(from_item__version__in=version_ids) | Q(to_item__version__in=version_ids)
        )
        .annotate(**names)
        .values_list(*fields, "from_item_low", "from_item_high", "to_item_low", "to_item_high")
    )
    size = len(_END)
    return [
        (
            End(*row[:size], row[-4], row[-3]),
            End(*row[size : 2 * size], row[-2], row[-1]),
        )
        for row in rows
    ]


def frameworks_linked(links: list[Link], framework: str) -> set[str]:
    """The frameworks whose items correspond to some item of `framework`, either way."""
    return {b.framework for a, b in links if a.framework == framework} | {
        a.framework for a, b in links if b.framework == framework
    }


def place(
    links: list[Link],
    *,
    framework: str,
    version_id: int,
    version: str,
    values: dict[str, float | None],
    targets: dict[str, float | None],
    onto: str,
) -> Placed | None:
    """A round's levels (its own item keys, scored on `version_id` of `framework`) placed on
    the items of framework `onto`; None where no link joins the two frameworks."""
    pairs = _pairs(links, framework=framework, version_id=version_id, onto=onto)
    if not pairs:
        return None
    by_target: dict[str, list[End]] = defaultdict(list)
    placed = Placed(source=f"{framework} {version}", onto={})
    for own, other in sorted(pairs, key=lambda pair: (pair[1].position, pair[0].position)):
        by_target[other.key].append(own)
        placed.onto[other.key] = other
    for key, owns in by_target.items():
        other = placed.onto[key]
        placed.values[key] = _lowest([_rescaled(values.get(o.key), o, other) for o in owns])
        placed.targets[key] = _lowest([_rescaled(targets.get(o.key), o, other) for o in owns])
        placed.sources[key] = [o.key for o in owns]
    return placed


def place_on(links: list[Link], scored: list[Scored], onto: str) -> Placed | None:
    """A round's levels on framework `onto`, from the first of the frameworks it was scored on
    (`scored`, in the order pages list frameworks) that maps onto it; None if none does."""
    for own in scored:
        placed = place(
            links,
            framework=own.framework,
            version_id=own.version_id,
            version=own.number,
            values=own.values,
            targets=own.targets,
            onto=onto,
        )
        if placed:
            return placed
    return None


def _pairs(links: list[Link], *, framework: str, version_id: int, onto: str) -> list[Link]:
    """The links between the two frameworks as (the round's end, the compared end): those of
    the round's own version, else all of its framework's; of one compared version, the newest."""
    oriented = [
        (a, b) if a.framework == framework else (b, a)
        for a, b in links
        if {a.framework, b.framework} == {framework, onto}
    ]
    pool = [pair for pair in oriented if pair[0].version_id == version_id] or oriented
    if not pool:
        return []
    newest = max((other.major, other.minor) for _, other in pool)
    return [pair for pair in pool if (pair[1].major, pair[1].minor) == newest]


def _rescaled(value: float | None, own: End, other: End) -> float | None:
    """A level at the same point of the other item's scale, where the ranges differ."""
    ranges = (own.low, own.high, other.low, other.high)
    if value is None or None in ranges or (own.low, own.high) == (other.low, other.high):
        return value
    if own.high == own.low:
        return value
    share = (value - own.low) / (own.high - own.low)
    return round(other.low + share * (other.high - other.low), 2)


def _lowest(levels: list[float | None]) -> float | None:
    known = [level for level in levels if level is not None]
    return min(known) if known else None
