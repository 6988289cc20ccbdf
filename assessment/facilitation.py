"""Reads that build the facilitator's consensus pages: every item of a round in the order a
workshop takes them (split items first), each with a dot per answer, the agreement figures and
the answers by sector."""

from dataclasses import dataclass

from assessment.agreement import (
    Agreement,
    SectorAnswers,
    agreement,
    by_sector,
    following,
    split_first,
)
from assessment.models import Assessment, Consensus, Membership, Response, Sector
from assessment.selectors import ItemSummary, assessment_summaries
from frameworks.models import Item, Level

# The order dots and sectors are listed in; a blank sector ("not recorded") comes last.
SECTOR_ORDER = [code for code, _ in Sector.choices] + [""]

# A short mark for each sector, drawn in its dot (the legend spells them out).
SECTOR_MARKS = {
    Sector.NHS_PROVIDER: "N",
    Sector.COMMISSIONER: "C",
    Sector.LOCAL_AUTHORITY: "L",
    Sector.VOLUNTARY: "V",
    Sector.OTHER: "O",
    "": "–",
}


@dataclass(frozen=True)
class Dot:
    """One person's answer. `name` is empty unless the round shows answers by name."""

    name: str
    sector: str

    @property
    def sector_label(self) -> str:
        return Sector(self.sector).label if self.sector else "Sector not recorded"

    @property
    def mark(self) -> str:
        return SECTOR_MARKS[self.sector]


@dataclass(frozen=True)
class LevelDots:
    level: Level
    dots: list[Dot]


@dataclass(frozen=True)
class FacilitatedItem:
    summary: ItemSummary
    current: Agreement
    target: Agreement
    levels: list[LevelDots]  # every level of the item's scale, chosen or not
    sectors: list[SectorAnswers]

    @property
    def item(self) -> Item:
        return self.summary.item

    @property
    def split(self) -> bool:
        return self.current.split

    @property
    def consensus(self) -> Consensus | None:
        return self.summary.consensus


@dataclass(frozen=True)
class FacilitatorView:
    items: list[FacilitatedItem]  # split items first

    @property
    def split_items(self) -> list[FacilitatedItem]:
        return [i for i in self.items if i.split]

    @property
    def other_items(self) -> list[FacilitatedItem]:
        return [i for i in self.items if not i.split]

    @property
    def key(self) -> list[Dot]:
        """A dot for each sector, to explain the marks."""
        return [Dot("", sector) for sector in SECTOR_ORDER]

    @property
    def recorded(self) -> int:
        return sum(1 for i in self.items if i.consensus)

    def get(self, item_pk: int) -> FacilitatedItem | None:
        return next((i for i in self.items if i.item.pk == item_pk), None)

    def position(self, item_pk: int) -> int:
        """1 for the first item a facilitator takes."""
        return [i.item.pk for i in self.items].index(item_pk) + 1

    def after(self, item_pk: int) -> FacilitatedItem | None:
        """The item a facilitator takes next: the following one in this view's order."""
        next_pk = following([i.item.pk for i in self.items], item_pk)
        return None if next_pk is None else self.get(next_pk)


def consensus_order(summaries: list[ItemSummary]) -> list[ItemSummary]:
    """Split items first, each group in the round's order (matrix factors, then lessons)."""
    return split_first(summaries, split=lambda s: s.split)


def member_sectors(assessment: Assessment) -> dict[int, str]:
    """The sector of each member of the round's place, by user id (1 query). A respondent from
    a workshop sheet has no user, so no sector."""
    members = Membership.objects.filter(place_id=assessment.place_id).exclude(sector="")
    return {
        user_id: sector
        for user_id, sector in members.values_list("user_id", "sector")
        if sector in Sector.values
    }


def facilitator_view(assessment: Assessment) -> FacilitatorView:
    """Every item of the round for the facilitator (the queries of `assessment_summaries`, and
    one for the members' sectors)."""
    summaries = consensus_order(assessment_summaries(assessment))
    sectors = member_sectors(assessment)
    return FacilitatorView(
        items=[_facilitated(s, sectors, show_names=assessment.show_names) for s in summaries]
    )


def _facilitated(
    summary: ItemSummary, sectors: dict[int, str], *, show_names: bool
) -> FacilitatedItem:
    def sector_of(response: Response) -> str:
        return sectors.get(response.respondent.user_id, "")

    # Dots grouped by sector within each level, so a split between sectors shows as such.
    answered = sorted(
        (r for r in summary.responses if r.current is not None),
        key=lambda r: (SECTOR_ORDER.index(sector_of(r)), r.respondent.name),
    )
    return FacilitatedItem(
        summary=summary,
        current=agreement(r.current for r in answered),
        target=agreement(r.target for r in summary.responses),
        levels=[
            LevelDots(
                level,
                [
                    Dot(r.respondent.name if show_names else "", sector_of(r))
                    for r in answered
                    if r.current == level.value
                ],
            )
            for level in summary.levels
        ],
        sectors=by_sector(((sector_of(r), r.current) for r in answered), Sector.choices),
    )
