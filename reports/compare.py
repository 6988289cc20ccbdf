"""Reads for comparing places: the rounds a person may compare, how each is shown, and results.

Who may see which round is decided on the round's model (`Assessment.objects.comparable_for`,
`listed_for` and `Assessment.names_place_to`); this module asks it and never decides again.
What it adds is how an anonymous round stays anonymous once it is shown, even to a reader who
does arithmetic on everything they receive:

- it carries a code made for that round alone (an HMAC with the site's secret) in its label and
  in every address, form and API field, never its id: ids run in order, and an id can be guessed;
- a filter that describes a place (region, kind) lists anonymous rounds only as whole fixed peer
  groups of at least `min_group()` places, decided by the data and never by the query (see
  `peer_groups`), so no two filters' lists differ by fewer places than that;
- what a reader receives about other places is an aggregate per factor (count, quartiles), over
  a set the reader can name from what they are shown (each place's latest round shared by name,
  and every round shared anonymously): no value per place, and no count to subtract from;
- a member's view of every shared place shows no level in a group of fewer places;
- a period that does not read as a date is withheld, as is every other text the place wrote.

Only closed rounds compare: their results are fixed (see reports.models). A fixed number of
queries serves any number of places.
"""

import base64
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import quantiles

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.crypto import salted_hmac

from assessment.models import Assessment, Membership, Place, RoundStatus, Sharing, can_compare
from assessment.plan import ActionCounts, action_counts
from frameworks.models import FrameworkKind, Level, LevelDescriptor
from reports.models import RoundItemResult

MAX_OVERLAY = 8
# 10 base32 characters are 50 bits: among 1,000 anonymous rounds the chance that two share a
# label is below one in a million.
LABEL_LENGTH = 10
LABEL_SALT = "reports.compare.anonymous_label"
# A period an anonymous round may show as written: years, quarters, halves, months and seasons.
# Anything else a lead typed ("Northmoor refresh") could name the place, and is withheld.
_PERIOD_WORD = (
    r"(?:19|20)\d\d(?:[/-]\d\d(?:\d\d)?)?|FY|[QT][1-4]|H[12]|Spring|Summer|Autumn|Winter|"
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|to|and"
)
DATE_LIKE = re.compile(rf"\A(?:(?:{_PERIOD_WORD})(?=[\s/,–-]|\Z)[\s/,–-]*)+\Z", re.IGNORECASE)
YEAR = re.compile(r"(?:19|20)\d\d")
PERIOD_WITHHELD = "period withheld"


def min_group() -> int:
    """The fewest anonymous places a filtered list, or a member's view of the distribution,
    may show one of (settings.COMPARE_MIN_GROUP)."""
    return getattr(settings, "COMPARE_MIN_GROUP", 5)


def anonymous_code(assessment_pk: int) -> str:
    """The code an anonymous round goes by in every address, form and API field, in place of
    its id (ids run in order, so an id beside a label would tell which rounds came together)."""
    digest = salted_hmac(LABEL_SALT, str(assessment_pk), algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:LABEL_LENGTH]


def anonymous_label(assessment_pk: int) -> str:
    """The name an anonymous round goes by: the same wherever it is shown, for that round only."""
    return f"Anonymous {anonymous_code(assessment_pk)}"


def shown_period(period: str) -> str:
    """An anonymous round's period as shown: as written if it reads as a date, else withheld."""
    return period if DATE_LIKE.match(period) and YEAR.search(period) else PERIOD_WITHHELD


def own_place_ids(user) -> set[int]:
    """The places a person belongs to: whose rounds they see by name whatever the sharing."""
    if user.is_staff:  # staff see every place's name anyway
        return set()
    return set(Membership.objects.filter(user=user).values_list("place_id", flat=True))


@dataclass
class RoundColumn:
    """A round as a comparison shows it: named, or anonymous."""

    assessment: Assessment
    named: bool
    values: dict[str, float | None] = field(default_factory=dict)  # item key → current
    targets: dict[str, float | None] = field(default_factory=dict)
    matrix_version: str = ""  # the version of the matrix it was scored on, once results are read

    @property
    def pk(self) -> int:
        return self.assessment.pk

    @property
    def key(self) -> str:
        """How addresses and forms name the round: its id where its place is named to the
        reader, else its anonymous code (see `columns_chosen`)."""
        return str(self.pk) if self.named else anonymous_code(self.pk)

    @property
    def place_name(self) -> str:
        return self.assessment.place.name if self.named else anonymous_label(self.assessment.pk)

    @property
    def place_code(self) -> str:
        return self.assessment.place.code if self.named else ""

    @property
    def period(self) -> str:
        return self.assessment.period if self.named else shown_period(self.assessment.period)

    @property
    def label(self) -> str:
        return f"{self.place_name}, {self.period}"


def columns_for(user, assessments, *, own: set[int] | None = None) -> list[RoundColumn]:
    own = own_place_ids(user) if own is None else own
    return [RoundColumn(a, a.names_place_to(user, own)) for a in assessments]


def peer_groups(places: dict[int, str]) -> dict[int, str]:
    """Each anonymous place's peer group, from every place whose anonymous rounds a reader may
    compare (place id → region): the region where at least min_group() of them share from it.

    The rest (smaller regions, places without one) are listed only in the list of all. Were
    they fewer than min_group(), that list minus the regions' would pick them out: then the
    smallest region's group joins them, so every difference between two lists is whole groups.
    """
    by_region: dict[str, set[int]] = defaultdict(set)
    for place_id, region in places.items():
        by_region[region].add(place_id)
    groups = {r: ids for r, ids in by_region.items() if r and len(ids) >= min_group()}
    rest = len(places) - sum(len(ids) for ids in groups.values())
    if groups and 0 < rest < min_group():
        del groups[min(groups, key=lambda r: (len(groups[r]), r))]
    return {place_id: region for region, ids in groups.items() for place_id in ids}


def within_groups(
    columns: list[RoundColumn], *, user, form, own: set[int] | None = None
) -> list[RoundColumn]:
    """The columns a filtered list may show.

    Under a filter that describes a place, an anonymous round stays only with its whole peer
    group (`peer_groups`): under a region filter, the region's group if it has one of its own;
    under a kind of place, none (a group holds places of every kind). Under a period filter,
    only anonymous rounds whose period is shown as written (the filter would otherwise read a
    withheld period back); the period is on every label, so it tells nothing more.
    """
    if form.by_period:
        columns = [c for c in columns if c.named or c.period == c.assessment.period]
    if not form.describes_place or all(c.named for c in columns):
        return columns
    region = form.cleaned_data.get("region")
    groups = {} if form.cleaned_data.get("kind") else _peer_groups_for(user, own)
    return [c for c in columns if c.named or groups.get(c.assessment.place_id) == region]


def _peer_groups_for(user, own: set[int] | None) -> dict[int, str]:
    """The peer groups of the places whose rounds are anonymous to this reader (one query)."""
    own = own_place_ids(user) if own is None else own
    anonymous = (
        Assessment.objects.comparable_for(user)
        .filter(sharing=Sharing.ANONYMOUS)
        .exclude(place__in=own)
        .values_list("place_id", "place__region")
        .distinct()
    )
    return peer_groups(dict(anonymous))


def rounds_on_offer(user, form, *, own: set[int] | None = None) -> list[RoundColumn]:
    """The closed rounds a person may compare that match the form's filters, by label."""
    rounds = form.filter(Assessment.objects.comparable_for(user).select_related("place"))
    columns = within_groups(columns_for(user, rounds, own=own), user=user, form=form, own=own)
    return sorted(columns, key=lambda c: (c.place_name, c.period))


def columns_chosen(user, keys: list[str], *, own: set[int] | None = None) -> list[RoundColumn]:
    """The chosen rounds a person may compare, in the order chosen (one query; chosen by key,
    so no filter applies: whether a round matches a filter is never read back through them).

    A round named to the reader is chosen by its id; an anonymous one only by its code, found
    among the rounds shared anonymously that the reader may compare: an id guessed for it
    shows nothing, as for a round that does not exist.
    """
    if not keys:
        return []
    ids = [int(k) for k in keys if k.isdigit()]
    codes = {k for k in keys if not k.isdigit()}
    wanted = Q(pk__in=ids) | Q(sharing=Sharing.ANONYMOUS) if codes else Q(pk__in=ids)
    rounds = Assessment.objects.comparable_for(user).filter(wanted).select_related("place")
    order = {k: n for n, k in enumerate(keys)}
    found = []
    for column in columns_for(user, rounds, own=own):
        by_code = anonymous_code(column.pk) if codes else None
        if by_code in codes:
            found.append((order[by_code], column))
        elif column.named and str(column.pk) in order:
            found.append((order[str(column.pk)], column))
    return [column for _, column in sorted(found, key=lambda pair: pair[0])]


def rounds_listed(user, form) -> list[RoundColumn]:
    """The rounds of the rounds API: every round the caller may see or compare, filtered.

    A round is found by its place's code only where the caller sees the place's name.
    """
    rounds = form.filter(Assessment.objects.listed_for(user).select_related("place"))
    columns = columns_for(user, rounds.order_by("-created_at"))
    if place := form.cleaned_data["place"]:
        columns = [c for c in columns if c.place_code == place]
    if form.by_period:  # as within_groups: a withheld period is never read back
        columns = [c for c in columns if c.named or c.period == c.assessment.period]
    return sorted(columns, key=lambda c: c.place_name)  # by the name shown, not the one hidden


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
class Comparison:
    rounds: list[RoundColumn]
    factors: list[Factor]  # factors every chosen round shares, in matrix order
    levels: list[tuple[int, str]]  # the charts' scale: labelled only where every factor agrees
    mixed_versions: bool
    distribution: dict[str, Crowd]  # factor key → the crowd, where this reader may see it
    trend: list[RoundColumn]
    trend_place: Place | None
    trend_factors: list[Factor] = field(default_factory=list)  # factors of the trend's rounds
    scale: list[Level] = field(default_factory=list)  # the matrix's own names for its levels
    # How many rounds each factor's distribution holds, shown or not.
    counts: dict[str, int] = field(default_factory=dict)
    # For members: a distribution of fewer places than this shows no level.
    smallest_shown: int = 0
    # Per chosen round and item key: how many actions and how many done (counts, never text).
    actions: dict[int, dict[str, ActionCounts]] = field(default_factory=dict)

    def action_rows(self) -> list[tuple[RoundColumn, list[ActionCounts | None]]]:
        """Each chosen round's action counts per factor, in the factors' order."""
        return [
            (column, [self.actions.get(column.pk, {}).get(f.key) for f in self.factors])
            for column in self.rounds
        ]

    @property
    def versions(self) -> list[str]:
        return sorted({c.matrix_version for c in self.rounds if c.matrix_version})

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


def comparison_build(
    user,
    chosen_ids: Sequence[int] = (),
    *,
    keys: list[str] | None = None,
    trend_code: str | None = None,
    own: set[int] | None = None,
) -> Comparison:
    """The chosen rounds' results, the distribution across shared places and one place's trend.

    Rounds come by the keys a reader sent (`columns_chosen`), or by the ids a task was given
    for the same reader once the keys were read."""
    allowed = Assessment.objects.comparable_for(user).select_related("place")
    own = own_place_ids(user) if own is None else own
    if keys is not None:
        columns = columns_chosen(user, keys, own=own)
    else:
        columns = columns_for(user, allowed.filter(pk__in=chosen_ids), own=own)
        columns.sort(key=lambda c: list(chosen_ids).index(c.pk))
    trend_place = _trend_place(user, own, columns, trend_code, allowed)
    trend = [
        column
        for column in columns_for(
            user,
            allowed.filter(place=trend_place).order_by("created_at") if trend_place else [],
            own=own,
        )
        if column.named
    ]
    by_id = defaultdict(list)
    for column in columns + trend:
        by_id[column.pk].append(column)
    factors, scale, keys_per_round = _read_results(by_id)
    shared_keys = set.intersection(*(keys_per_round[c.pk] for c in columns)) if columns else set()
    trend_keys = set().union(*(keys_per_round[c.pk] for c in trend))
    shown = [f for f in factors.values() if f.key in shared_keys]
    trend_factors = [f for f in factors.values() if f.key in trend_keys]
    distribution = _distribution()
    counts = {key: spread.count for key, spread in distribution.items()}
    # Members have no compare permission: they see the others only as a crowd.
    smallest = 0 if user.is_staff or can_compare(user) else min_group()
    return Comparison(
        rounds=columns,
        factors=shown,
        levels=_axis_levels(scale, [*shown, *trend_factors]),
        mixed_versions=len({c.matrix_version for c in columns if c.matrix_version}) > 1,
        distribution={k: v for k, v in distribution.items() if v.places >= smallest},
        trend=trend,
        trend_place=trend_place,
        trend_factors=trend_factors,
        scale=scale,
        counts=counts,
        smallest_shown=smallest,
        actions=action_counts([c.pk for c in columns]) if columns else {},
    )


def _read_results(by_id: dict[int, list[RoundColumn]]):
    """Fill each column's values from the stored results (three queries): the factors met, in
    matrix order, named as the newest version names them; the matrix's scale; each round's keys."""
    matrix_results = (
        RoundItemResult.objects.filter(
            assessment__in=[*by_id], item__version__framework__kind=FrameworkKind.MATURITY_MATRIX
        )
        .select_related("item__version")
        .prefetch_related(
            "item__version__levels",
            Prefetch("item__descriptors", queryset=LevelDescriptor.objects.order_by("value")),
        )
    )
    factors: dict[str, Factor] = {}
    newest: dict[str, tuple[int, int]] = {}
    keys_per_round: dict[int, set[str]] = defaultdict(set)
    scale: list[Level] = []
    scale_of: tuple[int, int] = (-1, -1)
    for result in matrix_results.order_by("item__position"):
        item, version = result.item, result.item.version
        for column in by_id[result.assessment_id]:
            column.values[item.key] = result.current
            column.targets[item.key] = result.target
            column.matrix_version = version.version
        keys_per_round[result.assessment_id].add(item.key)
        edition = (version.major, version.minor)
        if edition > newest.get(item.key, (-1, -1)):
            newest[item.key] = edition
            levels = tuple(item.level_labels())
            factors[item.key] = Factor(item.key, item.title, item.is_context, levels)
        if edition > scale_of:
            scale_of = edition
            scale = [Level(lv.value, lv.label) for lv in version.levels.all()]
    return factors, scale, keys_per_round


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


def _distribution() -> dict[str, Crowd]:
    """Each factor's spread over every place's latest round shared by name and every round
    shared anonymously (one query).

    Only a set the reader can name from what they are shown: were an anonymous round left out
    as an older round of a place, or counted in its place's stead, the count and the quartiles
    beside the list of rounds would tell whose it is. Each anonymous round counts on its own.
    """
    rows = (
        RoundItemResult.objects.filter(
            assessment__status=RoundStatus.CLOSED,
            item__version__framework__kind=FrameworkKind.MATURITY_MATRIX,
            current__isnull=False,
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
