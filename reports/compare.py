"""Comparing places, one framework at a time: the chosen rounds' results on the framework
compared, the distribution across shared places, and one place's rounds over time.

What a reader receives about other places is an aggregate per item (count, quartiles), over a
set the reader can name from what they are shown (each place's latest round shared by name, and
every round shared anonymously): no value per place, and no count to subtract from. A member's
view of every shared place shows no level in a group of fewer than `min_group()` places. Which
rounds a reader may choose, and how each is named, is decided in reports.compare_rounds.

The framework compared is any the chosen rounds pin: the matrix unless another is asked for.
Its items, scale and results are read from the data, never assumed. A round scored on another
framework that maps onto it is placed on its items and marked as mapped (the rules are in
reports.compare_mapping); a round with neither is listed as not comparable on it.

Only closed rounds compare: their results are fixed (see reports.models). A fixed number of
queries serves any number of places.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from statistics import quantiles

from django.db.models import Prefetch, Q

from assessment.models import Assessment, Place, RoundStatus, Sharing, can_compare
from assessment.plan import ActionCounts, action_counts
from frameworks.models import FrameworkKind, Item, Level, LevelDescriptor
from reports import wording
from reports.compare_mapping import Scored, links_touching, place_on
from reports.compare_rounds import (
    PERIOD_WITHHELD,
    RoundColumn,
    anonymous_code,
    anonymous_label,
    columns_chosen,
    columns_for,
    min_group,
    own_place_ids,
    peer_groups,
    rounds_listed,
    rounds_on_offer,
    shown_period,
    within_groups,
)
from reports.models import RoundItemResult

__all__ = [  # the rounds' names are kept here too: readers of comparisons ask this module
    "PERIOD_WITHHELD",
    "Comparison",
    "Crowd",
    "Factor",
    "RoundColumn",
    "anonymous_code",
    "anonymous_label",
    "chosen_columns",
    "columns_chosen",
    "columns_for",
    "comparison_build",
    "min_group",
    "own_place_ids",
    "peer_groups",
    "rounds_listed",
    "rounds_on_offer",
    "shown_period",
    "within_groups",
]

MATRIX = FrameworkKind.MATURITY_MATRIX


@dataclass
class Factor:
    key: str
    title: str
    is_context: bool
    levels: tuple[Level, ...] = ()  # as the factor names them (Place names its own)


@dataclass(frozen=True)
class Crowd:
    """A factor's levels across the shared rounds, as a crowd: how many, and where they fall
    (the inclusive quartiles). No value is tied to a round or a place."""

    count: int
    places: int  # how many places the rounds are from: for members' group size, never shown
    low: float
    q1: float
    median: float
    q3: float
    high: float

    @property
    def shown(self) -> list[str]:
        """The lowest, the quartiles and the highest, as a table gives them (2.5, 2.75, 3)."""
        return [
            format(round(v, 2), "g") for v in (self.low, self.q1, self.median, self.q3, self.high)
        ]

    @classmethod
    def of(cls, values: list[float], places: int) -> "Crowd":
        values = sorted(values)
        q1, mid, q3 = quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        return cls(len(values), places, values[0], q1, mid, q3, values[-1])


@dataclass
class Results:
    """What the chosen and trend rounds' stored results hold, on every framework they pin."""

    scored: dict[int, dict[str, Scored]]  # round id → framework slug → its results
    factors: dict[str, dict[str, Factor]]  # framework slug → item key → as its newest names it
    scales: dict[str, list[Level]]  # framework slug → its newest version's scale
    titles: dict[str, str]  # framework slug → title, matrix first
    # framework slug → version → item key → its levels, to tell where versions word them apart
    wording: dict = field(default_factory=lambda: defaultdict(dict))


@dataclass
class Comparison:
    rounds: list[RoundColumn]  # the chosen rounds comparable on the framework compared
    factors: list[Factor]  # items every compared round shares, in the framework's order
    levels: list[tuple[int, str]]  # the charts' scale: labelled only where every factor agrees
    mixed_versions: bool
    distribution: dict[str, Crowd]  # item key → the crowd, where this reader may see it
    trend: list[RoundColumn]
    trend_place: Place | None
    trend_factors: list[Factor] = field(default_factory=list)  # items of the trend's rounds
    scale: list[Level] = field(default_factory=list)  # the framework's own names for its levels
    # How many rounds each item's distribution holds, shown or not.
    counts: dict[str, int] = field(default_factory=dict)
    # For members: a distribution of fewer places than this shows no level.
    smallest_shown: int = 0
    # Per chosen round and item key: how many actions and how many done (counts, never text).
    actions: dict[int, dict[str, ActionCounts]] = field(default_factory=dict)
    framework: str = ""  # the slug of the framework compared
    # Every framework the chosen rounds pin, slug → title, matrix first: those it may compare on.
    frameworks: dict[str, str] = field(default_factory=dict)
    # Chosen rounds with no result on the framework compared and no mapping onto it.
    not_comparable: list[RoundColumn] = field(default_factory=list)
    asked: int = 0  # how many rounds were asked for, shown or not
    # Items whose levels read differently in the versions compared (reports.wording).
    reworded: set[str] = field(default_factory=set)

    @property
    def chosen(self) -> list[RoundColumn]:
        """Every chosen round that may be shown, comparable on this framework or not."""
        return [*self.rounds, *self.not_comparable]

    @cached_property  # asked of every round listed to choose from
    def chosen_pks(self) -> set[int]:
        return {c.pk for c in self.chosen}

    @property
    def ignored(self) -> int:
        """How many of the rounds asked for are not this reader's to compare at all."""
        return max(self.asked - len(self.chosen), 0)

    @property
    def framework_title(self) -> str:
        return self.frameworks.get(self.framework, self.framework)

    @property
    def mapped(self) -> list[RoundColumn]:
        """The rounds placed on the framework from another one, cells marked as mapped."""
        return [c for c in self.rounds if c.mapped]

    def action_rows(self) -> list[tuple[RoundColumn, list[ActionCounts | None]]]:
        """Each chosen round's action counts per item, in the items' order (none for a round
        placed from another framework: its actions are on its own items)."""
        return [
            (column, [None if column.mapped else self._actions(column, f) for f in self.factors])
            for column in self.rounds
        ]

    def _actions(self, column: RoundColumn, factor: Factor) -> ActionCounts | None:
        return self.actions.get(column.pk, {}).get(factor.key)

    @property
    def trend_mapped(self) -> bool:
        return any(c.mapped for c in self.trend)

    @property
    def versions(self) -> list[str]:
        return sorted({c.version for c in self.rounds if c.version and not c.mapped})

    @property
    def own_levels(self) -> list[Factor]:
        """Factors that name their levels their own way (a context factor such as Place)."""
        shown = {f.key: f for f in [*self.factors, *self.trend_factors]}
        return [f for f in shown.values() if f.levels and list(f.levels) != list(self.scale)]

    @property
    def hidden(self) -> list[Factor]:
        """Factors whose distribution is too small to show to this reader."""
        return [
            f for f in self.factors if self.counts.get(f.key) and f.key not in self.distribution
        ]

    def distribution_summary(self) -> list[dict]:
        hidden = {f.key for f in self.hidden}
        return [
            {
                "factor": factor,
                "count": self.counts.get(factor.key, 0),
                "hidden": factor.key in hidden,
                "spread": (spread := self.distribution.get(factor.key)),
                # As the chart's alt text reads them (reports.chart_alt).
                "min": spread and spread.low,
                "median": spread and spread.median,
                "max": spread and spread.high,
                "chosen": [(r, r.values.get(factor.key)) for r in self.rounds],
            }
            for factor in self.factors
        ]


def chosen_columns(user, form, *, own: set[int] | None = None) -> list[RoundColumn]:
    """The rounds a valid form chooses: every round on offer under its filters where it asks
    for all (`all=1`, so hundreds of rounds travel as a few filters), else those it names by
    key. Either way only rounds the reader may compare, shown as `rounds_on_offer` shows them:
    choosing all is choosing the list, anonymous rounds in their whole peer groups."""
    if form.chooses_all:
        return rounds_on_offer(user, form, own=own)
    return columns_chosen(user, form.chosen_keys, own=own)


def comparison_build(
    user,
    chosen_ids: Sequence[int] = (),
    *,
    keys: list[str] | None = None,
    columns: list[RoundColumn] | None = None,
    trend_code: str | None = None,
    own: set[int] | None = None,
    framework: str | None = None,
) -> Comparison:
    """The chosen rounds' results on one framework (`framework`, a slug: the matrix unless
    another the rounds pin is asked for), the distribution across shared places and one
    place's trend.

    Rounds come as columns already read (`chosen_columns`), by the keys a reader sent
    (`columns_chosen`), or by the ids a task was given for the same reader once the keys were
    read."""
    allowed = Assessment.objects.comparable_for(user).select_related("place")
    own = own_place_ids(user) if own is None else own
    asked = len(keys) if keys is not None else len(chosen_ids)
    if columns is not None:  # `keys`, if given, only say how many were asked for
        columns, asked = list(columns), len(keys) if keys is not None else len(columns)
    elif keys is not None:
        columns = columns_chosen(user, keys, own=own)
    else:
        columns = columns_for(user, allowed.filter(pk__in=chosen_ids), own=own)
        columns.sort(key=lambda c: list(chosen_ids).index(c.pk))
    trend_place = _trend_place(user, own, columns, trend_code, allowed)
    trend_rounds = allowed.filter(place=trend_place).order_by("created_at") if trend_place else []
    trend = [c for c in columns_for(user, trend_rounds, own=own) if c.named]
    results = _read_results([c.pk for c in columns + trend])
    pinned = {slug for c in columns or trend for slug in results.scored.get(c.pk, {})}
    offered = {slug: title for slug, title in results.titles.items() if slug in pinned}
    compared = framework if framework in offered else next(iter(offered), "")
    _fill(columns + trend, results, compared)
    comparable = [c for c in columns if c.version]
    trend = [c for c in trend if c.version]
    shared_keys = set.intersection(*(set(c.values) for c in comparable)) if comparable else set()
    trend_keys = set().union(*(c.values for c in trend))
    factors = results.factors.get(compared, {})
    shown = [f for f in factors.values() if f.key in shared_keys]
    trend_factors = [f for f in factors.values() if f.key in trend_keys]
    scale = results.scales.get(compared, [])
    distribution = _distribution(compared)
    # Members have no compare permission: they see the others only as a crowd.
    smallest = 0 if user.is_staff or can_compare(user) else min_group()
    return Comparison(
        rounds=comparable,
        factors=shown,
        levels=_axis_levels(scale, [*shown, *trend_factors]),
        mixed_versions=len({c.version for c in comparable if not c.mapped}) > 1,
        distribution={k: v for k, v in distribution.items() if v.places >= smallest},
        trend=trend,
        trend_place=trend_place,
        trend_factors=trend_factors,
        scale=scale,
        counts={key: spread.count for key, spread in distribution.items()},
        smallest_shown=smallest,
        actions=action_counts([c.pk for c in comparable]) if comparable else {},
        framework=compared,
        frameworks=offered,
        not_comparable=[c for c in columns if not c.version],
        asked=asked,
        reworded=wording.reworded_across(
            {c.version: results.wording[compared][c.version] for c in comparable if not c.mapped}
        ),
    )


def _read_results(ids: list[int]) -> Results:
    """The rounds' stored results on every framework they pin (four queries): each round's
    levels, each framework's items in order, named as its newest version names them, and its
    newest version's scale. Results come as plain values and each item is read once, however
    many rounds answered it: hundreds of rounds are thousands of results but a few dozen items."""
    rows = list(
        RoundItemResult.objects.filter(assessment__in=ids)
        .order_by("item__position")
        .values_list("assessment_id", "item_id", "current", "target")
    )
    items = (
        Item.objects.filter(pk__in={item_id for _, item_id, _, _ in rows})
        .select_related("version__framework")
        .prefetch_related(
            "version__levels",
            Prefetch("descriptors", queryset=LevelDescriptor.objects.order_by("value")),
        )
        .in_bulk()
    )
    results = Results(scored=defaultdict(dict), factors=defaultdict(dict), scales={}, titles={})
    newest: dict[tuple[str, str], tuple[int, int]] = {}
    scale_of: dict[str, tuple[int, int]] = {}
    frameworks = {}
    # Each item once, in the framework's order (as the results were read).
    for item_id in dict.fromkeys(item_id for _, item_id, _, _ in rows):
        item = items[item_id]
        version = item.version
        slug, edition = version.framework.slug, (version.major, version.minor)
        frameworks[slug] = version.framework
        words = results.wording[slug].setdefault(f"{slug} {version.version}", {})
        words[item.key] = wording.levels_of(item.descriptors.all())
        if edition > newest.get((slug, item.key), (-1, -1)):
            newest[slug, item.key] = edition
            levels = tuple(item.level_labels())
            results.factors[slug][item.key] = Factor(item.key, item.title, item.is_context, levels)
        if edition > scale_of.get(slug, (-1, -1)):
            scale_of[slug] = edition
            results.scales[slug] = [Level(lv.value, lv.label) for lv in version.levels.all()]
    for assessment_id, item_id, current, target in rows:
        item = items[item_id]
        version = item.version
        slug = version.framework.slug
        scored = results.scored[assessment_id].setdefault(
            slug, Scored(version.pk, slug, version.version)
        )
        scored.values[item.key] = current
        scored.targets[item.key] = target
    matrix_first = sorted(frameworks.values(), key=lambda f: (f.kind != MATRIX, f.slug))
    results.titles = {f.slug: f.title for f in matrix_first}
    return results


def _fill(columns: list[RoundColumn], results: Results, compared: str) -> None:
    """Each column's levels on the framework compared: its own results where it pinned that
    framework, else its results placed on it through corresponding items (one query, made
    only when a round needs it). A column with neither keeps no version."""
    elsewhere = [c for c in columns if compared and compared not in results.scored.get(c.pk, {})]
    versions = {s.version_id for c in elsewhere for s in results.scored.get(c.pk, {}).values()}
    links = links_touching(versions) if versions else []
    for column in columns:
        own = results.scored.get(column.pk, {})
        if scored := own.get(compared):
            column.values, column.targets = scored.values, scored.targets
            column.version = scored.version
            continue
        placed = place_on(links, [own[slug] for slug in results.titles if slug in own], compared)
        if placed:
            column.values, column.targets = placed.values, placed.targets
            column.version = column.mapped_from = placed.source
            column.mapped = set(placed.values)


def _axis_levels(scale: list[Level], factors: list[Factor]) -> list[tuple[int, str]]:
    """The scale for a chart's level axis: named where every factor names its levels so, else
    numbered only (the page gives each factor's names), so Place is never "Extensive"."""
    if all(not f.levels or list(f.levels) == scale for f in factors):
        return [(lv.value, lv.label) for lv in scale]
    return [(lv.value, "") for lv in scale]


def _trend_place(user, own, columns, trend_code, allowed) -> Place | None:
    """The place whose rounds show as a trend: one asked for by code, or the first chosen.

    Only a place the reader sees by name: an anonymous round never leads to its place."""
    if trend_code:
        candidates = allowed.filter(place__code=trend_code)
        match = next((a for a in candidates if a.names_place_to(user, own)), None)
        return match.place if match else None
    named = next((c for c in columns if c.named), None)
    return named.assessment.place if named else None


def _distribution(framework: str) -> dict[str, Crowd]:
    """Each item's spread on `framework` (the matrix when no round is chosen) over every place's
    latest round shared by name and every round shared anonymously (one query). Rounds scored
    on it only: a level placed from another framework is a reading, not a score.

    Only a set the reader can name from what they are shown: were an anonymous round left out
    as an older round of a place, or counted in its place's stead, the count and the quartiles
    beside the list of rounds would tell whose it is. Each anonymous round counts on its own.
    """
    slug = Q(item__version__framework__slug=framework)
    on_framework = slug if framework else Q(item__version__framework__kind=MATRIX)
    rows = (
        RoundItemResult.objects.filter(
            on_framework, assessment__status=RoundStatus.CLOSED, current__isnull=False
        )
        .exclude(assessment__sharing=Sharing.PRIVATE)
        .order_by("assessment__place_id", "-assessment__created_at", "-assessment_id")
        .values_list(
            "assessment__place_id", "assessment_id", "assessment__sharing", "item__key", "current"
        )
    )
    latest_named: dict[int, int] = {}
    values: dict[str, list[float]] = defaultdict(list)
    places: dict[str, set[int]] = defaultdict(set)
    for place_id, assessment_id, sharing, key, value in rows:
        # A place named stands by its latest round; each anonymous round stands on its own.
        latest = latest_named.setdefault(place_id, assessment_id) if sharing == Sharing.NAMED else 0
        if latest and latest != assessment_id:
            continue
        values[key].append(value)
        places[key].add(place_id)
    return {key: Crowd.of(vs, len(places[key])) for key, vs in values.items()}
