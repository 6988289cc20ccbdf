"""Reads that build the facilitator's consensus pages: every item of a round in the order a
workshop takes them (split items first), each with a dot per answer, the agreement figures and
the answers by sector.

In a round without names nothing here ties answers on one item to answers on another: dots and
answers carry no name or number, answers are listed in the order of what they say, and a sector
with fewer than three answers to an item is pooled (see `agreement.pooled`).
"""

from dataclasses import dataclass

from assessment.agreement import (
    POOLED,
    Agreement,
    SectorAnswers,
    agreement,
    by_sector,
    following,
    pooled,
    split_first,
)
from assessment.models import (
    SMALLEST_ANONYMOUS_GROUP,
    Assessment,
    Consensus,
    Membership,
    Response,
    Sector,
)
from assessment.selectors import ItemSummary, assessment_summaries
from frameworks.models import Item, Level

# The order dots and sectors are listed in; a blank sector ("not recorded"), then the sectors
# pooled in a round without names, come last.
SECTOR_ORDER = [code for code, _ in Sector.choices] + ["", POOLED]

# A short mark for each sector, drawn in its dot (the legend spells them out).
SECTOR_MARKS = {
    Sector.NHS_PROVIDER: "N",
    Sector.COMMISSIONER: "C",
    Sector.LOCAL_AUTHORITY: "L",
    Sector.VOLUNTARY: "V",
    Sector.OTHER: "O",
    "": "–",
    POOLED: "+",
}

# The colour of each sector's dot.
SECTOR_STYLES = {
    Sector.NHS_PROVIDER: "text-bg-primary",
    Sector.COMMISSIONER: "text-bg-info",
    Sector.LOCAL_AUTHORITY: "text-bg-success",
    Sector.VOLUNTARY: "text-bg-warning",
    Sector.OTHER: "text-bg-secondary",
    "": "text-bg-light border border-secondary",
    POOLED: "text-bg-dark",
}


@dataclass(frozen=True)
class Dot:
    """One person's answer. `name` is empty unless the round shows answers by name; `sector`
    is POOLED where the round does not and too few answers share the person's sector."""

    name: str
    sector: str

    @property
    def sector_label(self) -> str:
        if self.sector == POOLED:
            return "Sector not shown (pooled)"
        return Sector(self.sector).label if self.sector else "Sector not recorded"

    @property
    def mark(self) -> str:
        return SECTOR_MARKS[self.sector]

    @property
    def style(self) -> str:
        return SECTOR_STYLES[self.sector]


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
    named: bool  # whether the round shows answers by name

    @property
    def answers(self) -> list[Response]:
        """The submitted answers as the item's page lists them: by name where the round shows
        names; otherwise in the order of what they say, which is the same for anyone who said
        it, so a place in the list follows no person from one item to the next."""
        if self.named:
            return self.summary.responses
        return sorted(self.summary.responses, key=_content)

    @property
    def pooled(self) -> bool:
        """Whether some answers' sectors are pooled rather than shown."""
        return any(s.sector == POOLED for s in self.sectors)

    @property
    def all_pooled(self) -> bool:
        """Whether no sector could be shown: every answer is pooled."""
        return [s.sector for s in self.sectors] == [POOLED]

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
    named: bool  # whether the round shows answers by name

    @property
    def people(self) -> int:
        """How many people's submitted answers the pages draw on."""
        return len({r.respondent_id for i in self.items for r in i.summary.responses})

    @property
    def told_apart(self) -> bool:
        """Whether, without names, so few people answered that their answers can be told apart
        by anyone who knows who took part."""
        return not self.named and 0 < self.people < SMALLEST_ANONYMOUS_GROUP

    @property
    def split_items(self) -> list[FacilitatedItem]:
        return [i for i in self.items if i.split]

    @property
    def other_items(self) -> list[FacilitatedItem]:
        return [i for i in self.items if not i.split]

    @property
    def key(self) -> list[Dot]:
        """A dot for each sector, to explain the marks (the pooled mark only where a round
        without names may use it)."""
        return [Dot("", s) for s in SECTOR_ORDER if s != POOLED or not self.named]

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
        items=[_facilitated(s, sectors, show_names=assessment.show_names) for s in summaries],
        named=assessment.show_names,
    )


def _facilitated(
    summary: ItemSummary, sectors: dict[int, str], *, show_names: bool
) -> FacilitatedItem:
    answered = [r for r in summary.responses if r.current is not None]
    shown = [sectors.get(r.respondent.user_id, "") for r in answered]
    if not show_names:
        shown = pooled(shown, at_least=SMALLEST_ANONYMOUS_GROUP)
    sector = dict(zip((r.pk for r in answered), shown, strict=True))

    def sector_of(response: Response) -> str:
        return sector[response.pk]

    # Dots grouped by sector within each level, so a split between sectors shows as such; by
    # name within a sector where names are shown (without names, such dots look alike).
    answered.sort(
        key=lambda r: (SECTOR_ORDER.index(sector_of(r)), r.respondent.name if show_names else "")
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
        named=show_names,
    )


def _content(response: Response) -> tuple:
    """What an answer says, to order answers by: unanswered parts last."""
    return (
        response.current is None,
        response.current or 0,
        response.target is None,
        response.target or 0,
        response.confidence,
        response.evidence,
    )
