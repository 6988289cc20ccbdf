"""What an analyst may compare, as the lists they can ask for show it, and why a filtered list
is empty, filter by filter. Every number here is the length of a list some filter gives, so it
tells nothing the lists do not (see reports.compare for what a reader receives of other places).
"""

from dataclasses import dataclass, field

from assessment.models import Region, can_compare
from reports.compare_rounds import PERIOD_WITHHELD, RoundColumn, peer_groups, rounds_on_offer
from reports.periods import normalise_period


@dataclass
class SharedRow:
    """One region's or one period's share of the rounds on offer."""

    label: str
    value: str  # the filter's value that lists these rounds ("" where no filter does)
    named: int = 0  # rounds shared by name (or the reader's own)
    anonymous: int = 0
    places: set[int] = field(default_factory=set)  # places named, never an anonymous one

    @property
    def rounds(self) -> int:
        return self.named + self.anonymous


@dataclass
class SharedSummary:
    """What an analyst may compare, as the lists they can ask for show it: nothing in it is
    not also the length of a list some filter gives. Places are counted only where named (an
    anonymous round is never tied to a place, nor two of them to one place); anonymous rounds
    count under a region only in their region's whole peer group (compare_rounds.peer_groups),
    as the region's filter lists them, else under "in no regional group"; by period, under the
    period their labels show."""

    named: int
    anonymous: int
    places: int
    regions: list[SharedRow]
    periods: list[SharedRow]

    @property
    def rounds(self) -> int:
        return self.named + self.anonymous


UNGROUPED = "In no regional group"
NO_REGION = "No region given"


def shared_summary(columns: list[RoundColumn]) -> SharedSummary:
    """The summary of `columns`, every round on offer to the reader with no filter (no query:
    the anonymous rounds among them are those whose peer groups a region filter reads)."""
    anonymous = {c.assessment.place_id: c.assessment.place.region for c in columns if not c.named}
    groups = peer_groups(anonymous)
    regions = {value: SharedRow(str(label), value) for value, label in Region.choices}
    periods: dict[str, SharedRow] = {}
    for column in columns:
        if column.named:
            region = column.assessment.place.region
            row = regions.get(region) or regions.setdefault("", SharedRow(NO_REGION, ""))
        else:
            region = groups.get(column.assessment.place_id, "")
            row = regions.get(region) or regions.setdefault("-", SharedRow(UNGROUPED, ""))
        _count(row, column)
        shown = column.period
        period = normalise_period(shown) if shown != PERIOD_WITHHELD else ""
        label = period or shown
        _count(periods.setdefault(label, SharedRow(label, period)), column)
    named = [c for c in columns if c.named]
    return SharedSummary(
        named=len(named),
        anonymous=len(columns) - len(named),
        places=len({c.assessment.place_id for c in named}),
        regions=[row for row in regions.values() if row.rounds],
        periods=sorted(
            periods.values(), key=lambda row: (bool(row.value), row.value), reverse=True
        ),
    )


def _count(row: SharedRow, column: RoundColumn) -> None:
    if column.named:
        row.named += 1
        row.places.add(column.assessment.place_id)
    else:
        row.anonymous += 1


def no_match(user, form, *, own: set[int] | None = None, offered: int | None = None) -> list[str]:
    """Why a list is empty, filter by filter: for each filter given, how many rounds the others
    alone match ("No round matches the period “2027”: 12 rounds match the other filters.").

    Each count is the length of a list the reader gets by leaving that filter out, so it tells
    nothing that list does not. `offered`: how many rounds are on offer with no filter, where
    the caller has counted them already."""
    filters = form.filters
    if offered is None:
        offered = len(rounds_on_offer(user, form.without(*filters), own=own)) if filters else 0
    if not offered:
        return [_nothing_on_offer(user)]
    sentences = []
    for name in filters:
        others = len(rounds_on_offer(user, form.without(name), own=own))
        rounds = f"{others} round{'s' if others != 1 else ''}"
        if len(filters) > 1:
            rest = f"{rounds} match{'es' if others == 1 else ''} the other filters"
        else:
            rest = f"{rounds} {'is' if others == 1 else 'are'} on offer without it"
        sentences.append(f"No round matches {form.filter_words(name)}: {rest}.")
    return sentences


def _nothing_on_offer(user) -> str:
    """The one case in which the list is empty because nothing is closed (and shared) yet."""
    if user.is_staff:
        return "No closed rounds match. Rounds appear here once they are closed."
    if can_compare(user):
        return (
            "No closed rounds match. Rounds appear here once they are closed and shared, or "
            "closed in a place you belong to."
        )
    return (
        "No closed rounds match. Rounds appear here once they are closed in a place you belong to."
    )
