"""Reads for comparing places: the rounds a person may compare, how each is shown, and results.

Who may see which round is decided on the round's model (`Assessment.objects.comparable_for`,
`listed_for` and `Assessment.names_place_to`); this module asks it and never decides again.
What it adds is how an anonymous round stays anonymous once it is shown:

- it carries a label made for that round alone (an HMAC with the site's secret), so it can be
  told apart within a comparison but neither guessed nor linked to the place's other rounds;
- a list filtered by anything that describes a place (region, kind, the place itself) holds
  anonymous rounds only when at least `min_group()` different places' anonymous rounds match;
  named rounds never count towards that, as which places share by name is no secret;
- a member's view of every shared place shows no single place's level in a smaller group;
- a period that does not read as a date is withheld, as is every other text the place wrote.

Only closed rounds compare: their results are fixed (see reports.models). A fixed number of
queries serves any number of places.
"""

import base64
import re
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from django.conf import settings
from django.db.models import Prefetch, QuerySet
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


def anonymous_label(assessment_pk: int) -> str:
    """The name an anonymous round goes by: the same wherever it is shown, for that round only."""
    digest = salted_hmac(LABEL_SALT, str(assessment_pk), algorithm="sha256").digest()
    return f"Anonymous {base64.b32encode(digest).decode()[:LABEL_LENGTH]}"


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


def within_groups(
    columns: list[RoundColumn], *, describes_place: bool, by_period: bool = False
) -> list[RoundColumn]:
    """The columns a filtered list may show.

    Under a filter that describes a place, anonymous rounds stay only when at least min_group()
    different places' anonymous rounds match it (one place's many rounds hide nobody); under a
    period filter, only anonymous rounds whose period is shown as written (the filter would
    otherwise read a withheld period back).
    """
    if by_period:
        columns = [c for c in columns if c.named or c.period == c.assessment.period]
    anonymous = {c.assessment.place_id for c in columns if not c.named}
    if describes_place and len(anonymous) < min_group():
        return [c for c in columns if c.named]
    return columns


def rounds_on_offer(user, form, *, own: set[int] | None = None) -> list[RoundColumn]:
    """The closed rounds a person may compare that match the form's filters, by label."""
    rounds = form.filter(Assessment.objects.comparable_for(user).select_related("place"))
    columns = within_groups(
        columns_for(user, rounds, own=own),
        describes_place=form.describes_place,
        by_period=form.by_period,
    )
    return sorted(columns, key=lambda c: (c.place_name, c.period))


def rounds_chosen(user, chosen_ids: list[int]) -> QuerySet[Assessment]:
    """The chosen rounds a person may compare, with their places (chosen by id, so no filter
    applies: whether a round matches a filter is never read back through them)."""
    return Assessment.objects.comparable_for(user).select_related("place").filter(pk__in=chosen_ids)


def rounds_listed(user, form) -> list[RoundColumn]:
    """The rounds of the rounds API: every round the caller may see or compare, filtered.

    A round is found by its place's code only where the caller sees the place's name.
    """
    rounds = form.filter(Assessment.objects.listed_for(user).select_related("place"))
    columns = columns_for(user, rounds.order_by("-created_at"))
    if place := form.cleaned_data["place"]:
        columns = [c for c in columns if c.place_code == place]
    columns = within_groups(columns, describes_place=bool(place), by_period=form.by_period)
    return sorted(columns, key=lambda c: c.place_name)  # by the name shown, not the one hidden


@dataclass
class Factor:
    key: str
    title: str
    is_context: bool
    levels: tuple[Level, ...] = ()  # as the factor names them (Place names its own)


@dataclass
class Comparison:
    rounds: list[RoundColumn]
    factors: list[Factor]  # factors every chosen round shares, in matrix order
    levels: list[tuple[int, str]]  # the charts' scale: labelled only where every factor agrees
    mixed_versions: bool
    distribution: dict[str, list[float]]  # factor key → latest shared values that may be shown
    trend: list[RoundColumn]
    trend_place: Place | None
    trend_factors: list[Factor] = field(default_factory=list)  # factors of the trend's rounds
    scale: list[Level] = field(default_factory=list)  # the matrix's own names for its levels
    # How many places each factor's distribution holds, shown or not.
    counts: dict[str, int] = field(default_factory=dict)
    # For members: a distribution of fewer places than this shows no place's own level.
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
        return [f for f in self.factors if 0 < self.counts.get(f.key, 0) < self.smallest_shown]

    def distribution_summary(self) -> list[dict]:
        hidden = {f.key for f in self.hidden}
        out = []
        for factor in self.factors:
            values = sorted(self.distribution.get(factor.key, []))
            out.append(
                {
                    "factor": factor,
                    "count": self.counts.get(factor.key, len(values)),
                    "hidden": factor.key in hidden,
                    "min": values[0] if values else None,
                    "median": median(values) if values else None,
                    "max": values[-1] if values else None,
                    "chosen": [(r, r.values.get(factor.key)) for r in self.rounds],
                }
            )
        return out


def comparison_build(
    user, chosen_ids: list[int], *, trend_code: str | None = None, own: set[int] | None = None
) -> Comparison:
    """The chosen rounds' results, the distribution across shared places and one place's trend."""
    allowed = Assessment.objects.comparable_for(user).select_related("place")
    own = own_place_ids(user) if own is None else own
    columns = columns_for(user, allowed.filter(pk__in=chosen_ids), own=own)
    columns.sort(key=lambda c: chosen_ids.index(c.pk))
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
    counts = {key: len(values) for key, values in distribution.items()}
    # Members have no compare permission: they see the others only as a crowd.
    smallest = 0 if user.is_staff or can_compare(user) else min_group()
    return Comparison(
        rounds=columns,
        factors=shown,
        levels=_axis_levels(scale, [*shown, *trend_factors]),
        mixed_versions=len({c.matrix_version for c in columns if c.matrix_version}) > 1,
        distribution={k: v for k, v in distribution.items() if len(v) >= smallest},
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


def _distribution() -> dict[str, list[float]]:
    """Each factor's value in every shared place's latest shared round (one query)."""
    rows = (
        RoundItemResult.objects.filter(
            assessment__status=RoundStatus.CLOSED,
            item__version__framework__kind=FrameworkKind.MATURITY_MATRIX,
            current__isnull=False,
        )
        .exclude(assessment__sharing=Sharing.PRIVATE)
        .order_by("assessment__place_id", "-assessment__created_at")
        .values_list("assessment__place_id", "assessment_id", "item__key", "current")
    )
    latest: dict[int, int] = {}
    out: dict[str, list[float]] = defaultdict(list)
    for place_id, assessment_id, key, value in rows:
        if latest.setdefault(place_id, assessment_id) == assessment_id:
            out[key].append(value)
    return out
