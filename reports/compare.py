"""Reads for comparing places: which rounds a person may compare, and their results.

Only closed rounds compare: their results are fixed (see reports.models). A fixed number of
queries serves any number of places.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from django.conf import settings
from django.db.models import Q, QuerySet

from assessment.models import Assessment, Place, RoundStatus, Sharing
from frameworks.models import FrameworkKind
from reports.models import RoundItemResult

MAX_OVERLAY = 8
COMPARE_PERMISSION = "assessment.compare_places"


def _own_places(user):
    return Place.objects.filter(memberships__user=user).values("pk")


def comparable_rounds(user) -> QuerySet[Assessment]:
    """Closed rounds the user may put side by side."""
    closed = Assessment.objects.filter(status=RoundStatus.CLOSED).select_related("place")
    if user.is_staff:
        return closed
    own = Q(place__in=_own_places(user))
    if user.has_perm(COMPARE_PERMISSION):
        return closed.filter(own | ~Q(sharing=Sharing.PRIVATE))
    return closed.filter(own)


def visible_rounds(user) -> QuerySet[Assessment]:
    """Every round the user may read: their places' rounds in any state, and shared ones."""
    rounds = Assessment.objects.select_related("place")
    if user.is_staff:
        return rounds
    own = Q(place__in=_own_places(user))
    if user.has_perm(COMPARE_PERMISSION):
        shared = Q(status=RoundStatus.CLOSED) & ~Q(sharing=Sharing.PRIVATE)
        return rounds.filter(own | shared)
    return rounds.filter(own)


def anonymous_label(place_pk: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{place_pk}".encode()).hexdigest()[:4].upper()
    return f"Anonymous place {digest}"


@dataclass
class RoundColumn:
    """A round as a comparison shows it: named, or anonymous."""

    assessment: Assessment
    named: bool
    values: dict[str, float | None] = field(default_factory=dict)  # item key → current
    targets: dict[str, float | None] = field(default_factory=dict)
    versions: tuple = ()

    @property
    def pk(self) -> int:
        return self.assessment.pk

    @property
    def place_name(self) -> str:
        return (
            self.assessment.place.name if self.named else anonymous_label(self.assessment.place_id)
        )

    @property
    def place_code(self) -> str:
        return self.assessment.place.code if self.named else ""

    @property
    def label(self) -> str:
        return f"{self.place_name}, {self.assessment.period}"


def names_visible(user, assessment: Assessment, own: set[int]) -> bool:
    return user.is_staff or assessment.place_id in own or assessment.sharing == Sharing.NAMED


@dataclass
class Factor:
    key: str
    title: str
    is_context: bool


@dataclass
class Comparison:
    rounds: list[RoundColumn]
    factors: list[Factor]  # factors every chosen round shares, in matrix order
    levels: list[tuple[int, str]]
    mixed_versions: bool
    distribution: dict[str, list[float]]  # factor key → latest shared value per place
    trend: list[RoundColumn]
    trend_place: Place | None
    trend_factors: list[Factor] = field(default_factory=list)  # factors of the trend's rounds

    def distribution_summary(self) -> list[dict]:
        out = []
        for factor in self.factors:
            values = sorted(self.distribution.get(factor.key, []))
            out.append(
                {
                    "factor": factor,
                    "count": len(values),
                    "min": values[0] if values else None,
                    "median": median(values) if values else None,
                    "max": values[-1] if values else None,
                    "chosen": [(r, r.values.get(factor.key)) for r in self.rounds],
                }
            )
        return out


def comparison_build(user, chosen_ids: list[int], *, trend_code: str | None = None) -> Comparison:
    """The chosen rounds' results, the distribution across shared places and one place's trend."""
    allowed = comparable_rounds(user)
    chosen = list(allowed.filter(pk__in=chosen_ids))
    chosen.sort(key=lambda a: chosen_ids.index(a.pk))
    own = set(_own_places(user).values_list("pk", flat=True)) if not user.is_staff else set()
    columns = [RoundColumn(a, names_visible(user, a, own)) for a in chosen]
    trend_place = _trend_place(user, own, columns, trend_code, allowed)
    trend = [
        RoundColumn(a, True)
        for a in (allowed.filter(place=trend_place).order_by("created_at") if trend_place else [])
        if names_visible(user, a, own)
    ]
    by_id = defaultdict(list)
    for column in columns + trend:
        by_id[column.pk].append(column)
    matrix_results = RoundItemResult.objects.filter(
        assessment__in=[*by_id], item__version__framework__kind=FrameworkKind.MATURITY_MATRIX
    ).select_related("item__version")
    factors: dict[str, Factor] = {}
    keys_per_round: dict[int, set[str]] = defaultdict(set)
    versions_per_round: dict[int, set[str]] = defaultdict(set)
    levels: list[tuple[int, str]] = []
    for result in matrix_results.order_by("item__position"):
        for column in by_id[result.assessment_id]:
            column.values[result.item.key] = result.current
            column.targets[result.item.key] = result.target
        keys_per_round[result.assessment_id].add(result.item.key)
        versions_per_round[result.assessment_id].add(result.item.version.version)
        factors.setdefault(
            result.item.key, Factor(result.item.key, result.item.title, result.item.is_context)
        )
        if not levels:
            levels = [(lv.value, lv.label) for lv in result.item.version.levels.all()]
    shared_keys = set.intersection(*(keys_per_round[c.pk] for c in columns)) if columns else set()
    trend_keys = set().union(*(keys_per_round[c.pk] for c in trend))
    return Comparison(
        rounds=columns,
        factors=[f for f in factors.values() if f.key in shared_keys],
        levels=levels,
        mixed_versions=len({frozenset(versions_per_round[c.pk]) for c in columns}) > 1,
        distribution=_distribution(),
        trend=trend,
        trend_place=trend_place,
        trend_factors=[f for f in factors.values() if f.key in trend_keys],
    )


def _trend_place(user, own, columns, trend_code, allowed) -> Place | None:
    """The place whose rounds show as a trend: one asked for by code, or the first chosen."""
    if trend_code:
        candidates = allowed.filter(place__code=trend_code)
        match = next((a for a in candidates if names_visible(user, a, own)), None)
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


def columns_for(user, assessments) -> list[RoundColumn]:
    own = set(_own_places(user).values_list("pk", flat=True)) if not user.is_staff else set()
    return [RoundColumn(a, names_visible(user, a, own)) for a in assessments]
