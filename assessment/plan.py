"""Reads of a round's improvement plan: its actions by item, the gaps nobody owns, what is overdue.

The plan page, its exports and JSON (assessment.plan_exports), and the report all read the plan
from here; where an item stands and its gap are the round's results (assessment.results). Pages
that list actions load them in a fixed number of queries, however many there are.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Count, Prefetch, Q

from assessment.models import Action, ActionStatus, Assessment, Membership, Role
from assessment.results import ItemResult, framework_heading
from assessment.selectors import ItemSummary, assessment_summaries, previous_round_for
from assessment.statistics import plain_number
from frameworks.models import FrameworkVersion, Item, Level

# What still counts as doing something about a gap: a dropped action leaves the gap unowned.
ADDRESSING = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
# Who is offered a place in a new round: the place's members who score.
SCORING_ROLES = (Role.LEAD, Role.RESPONDENT)


def _due_order(action: Action) -> tuple:
    # Soonest first, undated last, on every database (they sort NULLs differently).
    return (action.due is None, action.due, action.pk)


@dataclass
class PlanRow:
    """One item of the round in the plan: its gap, if any, and the actions aimed at it."""

    summary: ItemSummary
    actions: list[Action] = field(default_factory=list)

    @property
    def item(self) -> Item:
        return self.summary.item

    @property
    def gap(self) -> ItemResult | None:
        """The item's result where its target is above where it stands, else None."""
        result = self.summary.result
        return result if result.has_gap else None

    @property
    def is_factor(self) -> bool:
        return self.item.version.is_matrix

    def level_text(self, value: float | None) -> str:
        """A level as the item names it ("2 Developed"); a median between levels as a number."""
        if value is not None and float(value).is_integer():
            return self.summary.label(int(value))
        return "—" if value is None else f"{plain_number(value)}"

    @property
    def gap_text(self) -> str:
        if self.gap is None:
            return ""
        now, target = self.level_text(self.gap.current), self.level_text(self.gap.target)
        source = "agreed" if self.gap.agreed else "team's median"
        return f"now {now}, target {target} ({source})"

    @property
    def no_action_yet(self) -> bool:
        """A gap that no planned, running or completed action addresses."""
        return self.gap is not None and not any(a.status in ADDRESSING for a in self.actions)


@dataclass(frozen=True)
class PlanSection:
    version: FrameworkVersion
    heading: str  # "The nine factors"
    rows: list[PlanRow]

    @property
    def with_actions(self) -> list[PlanRow]:
        """The rows with actions aimed at them (a report gives each its own group)."""
        return [row for row in self.rows if row.actions]

    @property
    def gaps_only(self) -> list[PlanRow]:
        """The gaps with no action aimed at them at all (a report lists them in one table)."""
        return [row for row in self.rows if not row.actions]


@dataclass
class Plan:
    """A round's plan. Each action carries ``lost_items``: the items it was linked to in the
    round it was carried from whose keys this round's versions lack (said on the page, so
    nobody wonders where a link went)."""

    assessment: Assessment
    rows: list[PlanRow]  # every item of the round, factors first, then lessons
    actions: list[Action]  # every action once, soonest due first
    # The round this one follows, as the reader may see it (None where withheld from them).
    previous: Assessment | None = None

    @cached_property
    def listed(self) -> list[PlanRow]:
        """The rows the plan shows: items with an action or a gap."""
        return [row for row in self.rows if row.actions or row.gap is not None]

    @cached_property
    def sections(self) -> list[PlanSection]:
        """The listed rows by framework version, in the round's order of frameworks."""
        counts = Counter(row.item.version_id for row in self.rows)
        sections: dict[int, PlanSection] = {}
        for row in self.listed:
            version = row.item.version
            if version.pk not in sections:
                heading = framework_heading(counts[version.pk], ladder=version.is_matrix)
                sections[version.pk] = PlanSection(version=version, heading=heading, rows=[])
            sections[version.pk].rows.append(row)
        return list(sections.values())

    @cached_property
    def unlinked(self) -> list[Action]:
        """Actions aimed at no item of the round (their items left the framework)."""
        linked = {a.pk for row in self.rows for a in row.actions}
        return [a for a in self.actions if a.pk not in linked]

    @cached_property
    def gaps_without_action(self) -> list[PlanRow]:
        return [row for row in self.rows if row.no_action_yet]

    @cached_property
    def overdue(self) -> list[Action]:
        return [a for a in self.actions if a.is_overdue]


def plan_get(assessment: Assessment, *, reader=None) -> Plan:
    """A round's plan (9 queries): its items' summaries (6), actions with owners and the round
    they were carried from (1), their items (1), and the items they were carried with (1).

    Given a reader, the round before is named only where they may open it
    (selectors.previous_round_for, 1–3 queries more): an analyst reading a round shared by name
    learns nothing, not even the period, of an earlier round shared anonymously."""
    summaries = assessment_summaries(assessment)
    rows = {s.item.pk: PlanRow(summary=s) for s in summaries}
    actions = sorted(
        Action.objects.filter(assessment=assessment)
        .select_related("owner_member__user", "carried_from__assessment")
        .prefetch_related(
            Prefetch("items", queryset=Item.objects.order_by("pk")),
            Prefetch("carried_from__items", queryset=Item.objects.order_by("pk")),
        ),
        key=_due_order,
    )
    keys = {s.item.key for s in summaries}
    for action in actions:
        for item in action.items.all():
            if item.pk in rows:
                rows[item.pk].actions.append(action)
        earlier = action.carried_from.items.all() if action.carried_from else []
        action.lost_items = [i for i in earlier if i.key not in keys]
    for action in actions:
        action.expected = expected_levels_of(action, summaries)
    previous, withheld = (
        previous_round_for(assessment, reader) if reader else (assessment.previous, False)
    )
    if withheld:
        for action in actions:
            action.carried_from = None  # in memory only: where it came from is not theirs to see
    return Plan(assessment=assessment, rows=list(rows.values()), actions=actions, previous=previous)


@dataclass(frozen=True)
class ExpectedLevel:
    """The level an action is expected to bring one of its items to, named as the item names
    it (plan_get gives each action its list as ``expected``, in the plan's order)."""

    item: Item
    level: Level

    def __str__(self) -> str:
        return f"{self.item.title}: {self.level.value} {self.level.label}"


def expected_levels_of(action: Action, summaries: list[ItemSummary]) -> list[ExpectedLevel]:
    """The levels an action expects of the round's items, in the round's order and named as
    each item names its levels (no queries: the summaries hold the levels)."""
    return [
        ExpectedLevel(item=s.item, level=level)
        for s in summaries
        for level in s.levels
        if level.value == action.expected_levels.get(s.item.key)
    ]


def action_items(action: Action, plan: Plan) -> list[Item]:
    """An action's items in the plan's order (factors first), from what is already loaded."""
    linked = {i.pk for i in action.items.all()}
    return [row.item for row in plan.rows if row.item.pk in linked]


# --- counts, for the report's summary and for comparing places --------------------------------


@dataclass(frozen=True)
class ActionCounts:
    total: int = 0
    done: int = 0
    open: int = 0  # planned or in progress
    overdue: int = 0
    dropped: int = 0


def _count(actions: list[Action]) -> ActionCounts:
    return ActionCounts(
        total=len(actions),
        done=sum(1 for a in actions if a.status == ActionStatus.DONE),
        open=sum(1 for a in actions if a.is_open),
        overdue=sum(1 for a in actions if a.is_overdue),
        dropped=sum(1 for a in actions if a.status == ActionStatus.DROPPED),
    )


@dataclass(frozen=True)
class ItemActionCounts:
    key: str
    title: str
    is_factor: bool
    counts: ActionCounts
    has_gap: bool
    no_action_yet: bool


@dataclass(frozen=True)
class PlanSummary:
    counts: ActionCounts
    gaps_without_action: int
    per_item: list[ItemActionCounts]  # every item of the round, factors first

    @property
    def per_factor(self) -> list[ItemActionCounts]:
        return [entry for entry in self.per_item if entry.is_factor]


def plan_summary(assessment: Assessment, *, plan: Plan | None = None) -> PlanSummary:
    """Counts of a round's plan for a board: done, open, overdue; and per item (pass the plan
    if it is already loaded, else it is loaded here)."""
    plan = plan or plan_get(assessment)
    return PlanSummary(
        counts=_count(plan.actions),
        gaps_without_action=len(plan.gaps_without_action),
        per_item=[
            ItemActionCounts(
                key=row.item.key,
                title=row.item.title,
                is_factor=row.is_factor,
                counts=_count(row.actions),
                has_gap=row.gap is not None,
                no_action_yet=row.no_action_yet,
            )
            for row in plan.rows
        ],
    )


def action_counts(assessment_ids: list[int]) -> dict[int, dict[str, ActionCounts]]:
    """Per round and item key: how many actions, done, open and overdue (one query, for
    comparing places — counts only, never an action's text)."""
    still_open = Q(action__status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
    rows = (
        Action.items.through.objects.filter(action__assessment__in=assessment_ids)
        .values("action__assessment_id", "item__key")
        .annotate(
            total=Count("action_id"),
            done=Count("action_id", filter=Q(action__status=ActionStatus.DONE)),
            open=Count("action_id", filter=still_open),
            overdue=Count("action_id", filter=still_open & Q(action__due__lt=date.today())),
            dropped=Count("action_id", filter=Q(action__status=ActionStatus.DROPPED)),
        )
        .order_by()
    )
    counts: dict[int, dict[str, ActionCounts]] = defaultdict(dict)
    for row in rows:
        counts[row["action__assessment_id"]][row["item__key"]] = ActionCounts(
            total=row["total"],
            done=row["done"],
            open=row["open"],
            overdue=row["overdue"],
            dropped=row["dropped"],
        )
    return dict(counts)


# --- carrying a plan into the next round ------------------------------------------------------


def carry_preview(assessment: Assessment, versions: list[FrameworkVersion]) -> list[Action]:
    """The open actions a next round on these versions would carry (2 queries); each has
    ``missing_items``: its items whose keys the versions lack, which would be left off."""
    actions = sorted(
        Action.objects.filter(
            assessment=assessment, status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]
        ).prefetch_related(Prefetch("items", queryset=Item.objects.order_by("pk"))),
        key=_due_order,
    )
    keys = set(Item.objects.filter(version__in=versions).values_list("key", flat=True))
    for action in actions:
        action.missing_items = [i for i in action.items.all() if i.key not in keys]
    return actions


def next_round_people(assessment: Assessment) -> tuple[list, list]:
    """Who may take part in the round after this one (the place's leads and respondents, and
    anyone of the place who took part in this one), and who did take part (ticked)."""
    place = assessment.place
    memberships = (
        Membership.objects.filter(place=place)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    took_part = set(
        assessment.respondents.filter(user__isnull=False).values_list("user_id", flat=True)
    )
    members = []
    for m in memberships:
        if m.role in SCORING_ROLES or m.user_id in took_part:
            m.user.member_name = m.name  # as the place knows them (services.display_name)
            members.append(m.user)
    return members, [user for user in members if user.pk in took_part]
