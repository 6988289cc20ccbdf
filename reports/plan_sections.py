"""The improvement plan in a round's report: the one-page summary, "since last round" and the plan.

`build(report, reader=...)` reads what the report does not already hold, in at most five queries
(six when the previous round has been reopened; one more, for a reader, to ask whether they may
see the round before) however many items, actions or respondents there are: the round before
this one, how many were asked and how many responded, the actions (this round's, and those
completed in the previous round's plan) with their owners, their items, and the previous round's
levels. A reader from outside the place who may not open the round before sees nothing of it
(assessment.selectors.previous_round_for). Everything else is pure computation over those rows
and the report's own results, in the functions below it.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from assessment.models import Action, ActionStatus, Assessment, Respondent
from assessment.plan import (
    ADDRESSING,
    ActionCounts,
    Plan,
    PlanRow,
    expected_levels_of,
    plan_summary,
)
from assessment.plan_exports import member_name
from assessment.results import ItemResult
from assessment.selectors import agreed_levels, previous_round_for
from assessment.statistics import plain_number
from frameworks.models import Item, LevelDescriptor
from reports import wording
from reports.models import RoundItemResult
from reports.selectors import Report
from reports.since import (
    SUMMARY_LIST,
    SinceLastRound,
    SinceTable,
    Standing,
    completed_since,
    level_changes,
)

TOP_GAPS = 3  # the largest gaps the summary names


# --- the summary a board reads first --------------------------------------------------------------


@dataclass(frozen=True)
class TopGap:
    result: ItemResult
    actions: int  # planned, running or done actions aimed at it

    @property
    def no_action_yet(self) -> bool:
        return self.actions == 0


@dataclass
class Summary:
    submitted: int
    invited: int
    top_gaps: list[TopGap]
    splits: list[ItemResult]  # split by the split rule (statistics), with no agreed position yet
    settled: list[ItemResult]  # split items the team has since agreed on
    counts: ActionCounts
    overdue: list[Action]
    gaps_without_action: int
    since: SinceLastRound
    # Factors with both a level and a target, context aside: with none, no factor is either
    # below its target or at it, and the summary says neither.
    scored_factors: int = 0

    @property
    def response_rate(self) -> str:
        return f"{self.submitted} of {self.invited} responded"

    @property
    def not_submitted(self) -> int:
        """Respondents still to submit: the summary says how few answers it rests on."""
        return max(0, self.invited - self.submitted)

    @property
    def settled_splits(self) -> int:
        return len(self.settled)

    @property
    def settled_shown(self) -> list[ItemResult]:
        return self.settled[:SUMMARY_LIST]

    @property
    def settled_more(self) -> int:
        return max(0, len(self.settled) - SUMMARY_LIST)

    @property
    def splits_shown(self) -> list[ItemResult]:
        return self.splits[:SUMMARY_LIST]

    @property
    def splits_more(self) -> int:
        return max(0, len(self.splits) - SUMMARY_LIST)

    @property
    def overdue_shown(self) -> list[Action]:
        return self.overdue[:SUMMARY_LIST]

    @property
    def overdue_more(self) -> int:
        return max(0, len(self.overdue) - SUMMARY_LIST)


def summary_of(
    report: Report, plan: Plan, since: SinceLastRound, *, submitted: int, invited: int
) -> Summary:
    rows = {row.item.key: row for row in plan.rows}
    splits = report.gaps.splits
    return Summary(
        submitted=submitted,
        invited=invited,
        top_gaps=[
            TopGap(result=entry.factor, actions=_addressing(rows.get(entry.factor.key)))
            for entry in report.gaps.ranked[:TOP_GAPS]
        ],
        splits=[r for r in splits if not r.agreed],
        settled=[r for r in splits if r.agreed],
        counts=plan_summary(report.assessment, plan=plan).counts,
        overdue=plan.overdue,
        gaps_without_action=len(plan.gaps_without_action),
        since=since,
        scored_factors=len(report.gaps.ranked) + len(report.gaps.strengths),
    )


def _addressing(row: PlanRow | None) -> int:
    return 0 if row is None else sum(1 for a in row.actions if a.status in ADDRESSING)


# --- the three sections together -------------------------------------------------------------


@dataclass
class PlanSections:
    summary: Summary
    since: SinceLastRound
    plan: Plan
    # For the digest: what the previous round's levels were read as.
    before: dict[str, Standing] = field(default_factory=dict)
    # Items whose levels read differently in the previous round's version (reports.wording).
    reworded: set[str] = field(default_factory=set)

    def digest_content(self) -> dict:
        """Everything these sections show that the report's own digest does not cover."""
        previous = self.since.previous
        completed = [c.action for c in self.since.completed]
        shown = {a.pk: a for a in [*self.plan.actions, *completed]}
        return {
            "previous": previous and [previous.pk, previous.period],
            "withheld": self.since.withheld,
            "before": {key: [lv.value, lv.agreed] for key, lv in self.before.items()},
            "reworded": sorted(self.reworded),
            "responded": [self.summary.submitted, self.summary.invited],
            # Each action's overdue flag is in it: the day one falls overdue, the PDF is new.
            "actions": [_action_shown(a) for a in shown.values()],
        }


def _action_shown(action: Action) -> list:
    return [
        action.pk,
        action.assessment_id,
        action.title,
        action.owner,
        member_name(action),
        action.due,
        action.status,
        action.expected_levels,
        action.is_overdue,
        action.carried_from and action.carried_from.assessment.period,
        [i.key for i in action.items.all()],
    ]


def compose(
    report: Report,
    *,
    previous: Assessment | None,
    actions: list[Action],
    before: dict[str, Standing],
    submitted: int,
    invited: int,
    withheld: bool = False,
    reworded: set[str] | None = None,
) -> PlanSections:
    """The sections from what `build` read: no queries here."""
    reworded = reworded or set()
    assessment = report.assessment
    summaries = list(report.summaries.values())
    rows = {s.item.pk: PlanRow(summary=s) for s in summaries}
    own = [a for a in actions if a.assessment_id == assessment.pk]
    for action in own:
        for item in action.items.all():
            if item.pk in rows:
                rows[item.pk].actions.append(action)
        action.expected = expected_levels_of(action, summaries)
    plan = Plan(assessment=assessment, rows=list(rows.values()), actions=own)

    results = report.results
    now = {r.key: Standing.of(r) for r in results}
    order = {r.key: n for n, r in enumerate(results)}
    periods = {assessment.pk: assessment.period}
    if previous is not None:
        periods[previous.pk] = previous.period
    done = [a for a in actions if a.status == ActionStatus.DONE]
    tables = [
        SinceTable(s.heading, s.is_ladder, level_changes(s.items, before, reworded))
        for s in report.sections
    ]
    since = SinceLastRound(
        previous=previous,
        factors=next((t.changes for t in tables if t.is_ladder), []),
        lessons=next((t.changes for t in tables if not t.is_ladder), []),
        tables=tables,
        completed=completed_since(
            [(a, periods[a.assessment_id]) for a in done], before, now, order
        ),
        withheld=withheld,
    )
    summary = summary_of(report, plan, since, submitted=submitted, invited=invited)
    return PlanSections(summary=summary, since=since, plan=plan, before=before, reworded=reworded)


# --- reading what the report lacks -----------------------------------------------------------


def build(report: Report, *, reader=None, outside: bool = False) -> PlanSections:
    """The summary, "since last round" and the plan of the report's round as `reader` may read
    it (None: as the place's own members do; `outside`: as any reader from outside the place who
    may not open the round before it, for documents made before anyone asks): 3 queries, one
    more for the actions' items when there are any, one more for the previous round's levels
    when there is one (two if it has been reopened since: then only its agreed levels count),
    one more for a reader, whether they may see that round, and one more for the previous
    round's level descriptors where it was scored on other versions."""
    assessment = report.assessment
    previous, withheld = (None, True) if outside else previous_round_for(assessment, reader)
    # A reader from outside reads the same whether a round came before or not: "not shared
    # with you" beside "first round on record" would tell an unshared earlier round exists.
    withheld = withheld or (reader is not None and previous is None)
    submitted, invited = response_rate(assessment)
    actions = plan_actions(assessment, previous)
    if withheld:
        for action in actions:
            # Nor does the plan name the round an action was carried over from: its period
            # alone would pick out which anonymous round is this place's.
            action.carried_from = None
    before, versions = previous_reading(previous)
    return compose(
        report,
        previous=previous,
        actions=actions,
        before=before,
        submitted=submitted,
        invited=invited,
        withheld=withheld,
        reworded=reworded_since(report, previous, versions),
    )


def response_rate(assessment: Assessment) -> tuple[int, int]:
    """How many of the round's respondents have submitted, and how many there are."""
    counts = Respondent.objects.filter(assessment=assessment).aggregate(
        invited=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False))
    )
    return counts["submitted"], counts["invited"]


def plan_actions(assessment: Assessment, previous: Assessment | None) -> list[Action]:
    """This round's actions, and the actions completed in the previous round's plan that were
    not carried into this one (a carried action is counted once, here), soonest due first."""
    wanted = Q(assessment=assessment)
    if previous is not None:
        carried = Action.objects.filter(assessment=assessment, carried_from__isnull=False)
        wanted |= Q(assessment=previous, status=ActionStatus.DONE) & ~Q(
            pk__in=carried.values("carried_from_id")
        )
    actions = (
        Action.objects.filter(wanted)
        .order_by()  # sorted below, on every database alike
        .select_related("owner_member__user", "carried_from__assessment")
        .prefetch_related(Prefetch("items", queryset=Item.objects.order_by("pk")))
    )
    return sorted(actions, key=lambda a: (a.due is None, a.due, a.pk))


def previous_reading(previous: Assessment | None) -> tuple[dict[str, Standing], set[int] | None]:
    """Where each item stood in the previous round, by key, as that round's report showed it:
    its kept results once closed (agreed, else the median), else only its agreed levels. With
    them, the versions its kept results are on (None when read from its agreed levels)."""
    if previous is None:
        return {}, None
    kept = RoundItemResult.objects.filter(assessment=previous).values_list(
        "item__key", "current", "agreed_current", "item__version_id"
    )
    levels, versions = {}, set()
    for key, current, agreed, version in kept:
        versions.add(version)
        if current is not None:
            levels[key] = Standing(value=plain_number(current), agreed=agreed is not None)
    if levels:
        return levels, versions
    agreed = agreed_levels(previous)
    return {key: Standing(value=v, agreed=True) for key, v in agreed.items()}, None


def previous_levels(previous: Assessment | None) -> dict[str, Standing]:
    """The previous round's levels by key (previous_reading)."""
    return previous_reading(previous)[0]


def reworded_since(
    report: Report, previous: Assessment | None, versions: set[int] | None
) -> set[str]:
    """This round's items whose levels read differently in the versions the previous round was
    scored on (reports.wording). No query when there is no previous round, or its kept results
    are on this round's versions; else one, for the previous versions' descriptors."""
    now = {v.pk for v in report.versions}
    if previous is None or (versions is not None and versions <= now):
        return set()
    rows = (
        LevelDescriptor.objects.filter(item__version__assessments=previous)
        .exclude(item__version__in=now)
        .order_by("item_id", "value")
        .values_list("item__version__framework_id", "item__key", "value", "descriptor", "label")
    )
    before: dict[tuple[int, str], list[dict]] = {}
    for framework, key, value, descriptor, label in rows:
        before.setdefault((framework, key), []).append(
            wording.level_entry(value, descriptor, label)
        )
    after = {
        (s.item.version.framework_id, s.item.key): wording.levels_of(s.item.descriptors.all())
        for s in report.summaries.values()
    }
    return {key for _, key in wording.reworded(before, after)}
