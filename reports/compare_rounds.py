"""The rounds a person may compare and how each is shown: named, or anonymous.

Who may see which round is decided on the round's model (`Assessment.objects.comparable_for`,
`listed_for` and `Assessment.names_place_to`); this module asks it and never decides again.
What it adds is how an anonymous round stays anonymous once it is shown, even to a reader who
does arithmetic on everything they receive:

- it carries a code made for that round alone (an HMAC with the site's secret) in its label and
  in every address, form and API field, never its id: ids run in order, and an id can be guessed;
- a filter that describes a place (region, kind) lists anonymous rounds only as whole fixed peer
  groups of at least `min_group()` places, decided by the data and never by the query (see
  `peer_groups`), so no two filters' lists differ by fewer places than that;
- a period that does not read as a date is withheld, as is every other text the place wrote.

What a reader receives about other places' levels is decided in reports.compare.
"""

import base64
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.crypto import salted_hmac

from assessment.models import Assessment, Membership, Sharing

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
    # Once results are read: the framework and version it was scored on ("lga-maturity-matrix
    # 1.1"), and where it was scored on another framework, the one its levels were placed from
    # (its `values` then hold the compared framework's items, each marked in `mapped`).
    version: str = ""
    mapped_from: str = ""
    mapped: set[str] = field(default_factory=set)

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
