"""Reads that build the assessment pages, the API and the reports."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Prefetch, Q, QuerySet

from assessment.models import (
    Assessment,
    Consensus,
    Membership,
    Place,
    Respondent,
    Response,
    RoundStatus,
)
from assessment.results import FrameworkResults, ItemResult, ItemScores, item_result
from assessment.statistics import Spread, spread
from frameworks.models import (
    FrameworkVersion,
    Item,
    Level,
    LevelDescriptor,
    VersionStatus,
    matrix_first,
    round_order,
)


@dataclass
class ItemSummary:
    """One item of a round with its rows: the submitted answers and the agreed position. Its
    `result` is the results model (assessment.results) worked out from them."""

    item: Item
    levels: list[Level]  # as the item names them (a context factor has its own names)
    responses: list[Response] = field(default_factory=list)
    consensus: Consensus | None = None

    @property
    def scores(self) -> ItemScores:
        item, agreed = self.item, self.consensus
        return ItemScores(
            key=item.key,
            title=item.title,
            kind="factor" if item.version.is_matrix else "lesson",
            # As the item names its levels: Place on matrix 1.1 runs from "Highly complex" to
            # "Simple", never to "Extensive development".
            levels=tuple((lv.value, lv.label) for lv in self.levels),
            descriptors={d.value: d.descriptor for d in item.descriptors.all()},
            currents=tuple(r.current for r in self.responses if r.current is not None),
            targets=tuple(r.target for r in self.responses if r.target is not None),
            agreed_current=agreed.current if agreed else None,
            agreed_target=agreed.target if agreed else None,
            is_context=item.is_context,
            number=item.number,
            # A link to a context factor (Place, on lessons 1.0) never shows in a report: a
            # place's circumstances are not a gap for a lesson to close.
            related=tuple(other.key for other in item.related.all() if not other.is_context),
            # Why each link holds, where the version says (1.2 on): shown beside "Bears on".
            related_reasons=dict(item.related_reasons or {}),
            # Cited by author and year ("Ham and Walsh (2013), lesson 1"), never "Source 000".
            section=item.section_reference,
            rationale=agreed.rationale if agreed else "",
            minority_view=agreed.minority_view if agreed else "",
            framework=item.version.framework.slug,
        )

    @cached_property
    def result(self) -> ItemResult:
        """Worked out once, on first use: read it after the rows are all in."""
        return item_result(self.scores)

    @property
    def framework(self) -> FrameworkVersion:
        return self.item.version

    @property
    def current(self) -> Spread:
        return spread(r.current for r in self.responses)

    @property
    def target(self) -> Spread:
        return spread(r.target for r in self.responses)

    @property
    def split(self) -> bool:
        return self.current.split

    def label(self, value: int | None) -> str:
        return next((f"{lv.value} {lv.label}" for lv in self.levels if lv.value == value), "—")

    def counts(self) -> list[tuple[Level, int]]:
        """How many chose each level as current: the anonymised view of the answers."""
        return [(lv, sum(1 for r in self.responses if r.current == lv.value)) for lv in self.levels]


def level_descriptors(item: Item) -> dict[int, LevelDescriptor]:
    """An item's level descriptors by value: what each level looks like, the evidence markers
    that settle it and any illustrative example, for the pages where a team places itself (no
    query: assessment_items prefetches them)."""
    return {descriptor.value: descriptor for descriptor in item.descriptors.all()}


def places_for_user(user) -> QuerySet[Place]:
    """The places a user belongs to (every place for staff), with their rounds."""
    places = Place.objects.all() if user.is_staff else Place.objects.filter(memberships__user=user)
    rounds = Assessment.objects.annotate(
        submitted=Count("respondents", filter=Q(respondents__submitted_at__isnull=False)),
        invited=Count("respondents"),
    ).order_by("-created_at")
    return places.prefetch_related(
        Prefetch("assessments", queryset=rounds),
        Prefetch("memberships", queryset=Membership.objects.filter(user=user), to_attr="mine"),
    ).order_by("name")


# The items of published versions, which never change, kept by each process: the scoring form,
# the draft save and the report read them on every request. Keyed by what would differ if a
# version's rows were loaded anew (a test database reusing ids included). Plain reads only:
# nothing may set attributes on these Items.
_published_items: dict[tuple, list[Item]] = {}
_PUBLISHED_ITEMS_KEPT = 64


def assessment_items(assessment: Assessment) -> list[Item]:
    """The items of a round's pinned versions, framework by framework (1 query
    once a process has read its published versions, 5 before)."""
    pinned = tuple(
        FrameworkVersion.objects.filter(assessments=assessment)
        .order_by("pk")
        .values_list("pk", "status", "content_hash", "loaded_at")
    )
    if cached := _published_items.get(pinned):
        return list(cached)
    items = (
        Item.objects.filter(version__in=[pk for pk, *_ in pinned])
        .select_related("version__framework", "version__related_version")
        .prefetch_related("descriptors", "version__levels", "related")
    )
    items = sorted(items, key=_round_order)
    if items and all(status != VersionStatus.DRAFT for _, status, *_ in pinned):
        if len(_published_items) >= _PUBLISHED_ITEMS_KEPT:
            _published_items.clear()
        _published_items[pinned] = items
    return list(items)


def _round_order(item: Item) -> tuple:
    """Framework by framework: maturity ladders first, the shipped before those a programme
    brought; then each framework's items in its own order."""
    return (*round_order(item.version), item.position)


def forget_published_items() -> None:
    _published_items.clear()


def assessment_summaries(
    assessment: Assessment, *, submitted_only: bool = True
) -> list[ItemSummary]:
    """Every item of a round with its responses, spread and consensus (6 queries)."""
    items = assessment_items(assessment)
    summaries = {i.pk: ItemSummary(item=i, levels=i.level_labels()) for i in items}
    responses = Response.objects.filter(respondent__assessment=assessment).select_related(
        "respondent"
    )
    if submitted_only:
        responses = responses.filter(respondent__submitted_at__isnull=False)
    for response in responses.order_by("respondent__name"):
        summaries[response.item_id].responses.append(response)
    for record in Consensus.objects.filter(assessment=assessment).select_related("recorded_by"):
        summaries[record.item_id].consensus = record
    return list(summaries.values())


def round_results(summaries: list[ItemSummary]) -> list[FrameworkResults]:
    """A round's results per pinned framework version, in the order the round lists them
    (maturity ladders first), from its summaries (no queries)."""
    by_version: dict[int, list[ItemSummary]] = {}
    for summary in summaries:
        by_version.setdefault(summary.item.version_id, []).append(summary)
    return [
        FrameworkResults(
            version=rows[0].framework,
            kind=rows[0].scores.kind,
            items=tuple(s.result for s in rows),
        )
        for rows in by_version.values()
    ]


def responses_by_item(respondent: Respondent | None) -> dict[int, Response]:
    """A respondent's saved answers by item id (none before their first save)."""
    if respondent is None:
        return {}
    return {r.item_id: r for r in Response.objects.filter(respondent=respondent)}


def respondents_with_progress(assessment: Assessment) -> QuerySet[Respondent]:
    return (
        Respondent.objects.filter(assessment=assessment)
        .annotate(answered=Count("responses", filter=Q(responses__current__isnull=False)))
        .select_related("user")
        .order_by("name")
    )


def assessment_document(assessment: Assessment, summaries: list[ItemSummary]) -> dict:
    """The round as the JSON API gives it."""
    return {
        "id": assessment.pk,
        "place": {"code": assessment.place.code, "name": assessment.place.name},
        "period": assessment.period,
        "status": assessment.status,
        "frameworks": [
            {"slug": v.framework.slug, "version": v.version}
            for v in matrix_first({s.framework for s in summaries})
        ],
        "items": [
            {
                "framework": s.framework.framework.slug,
                "key": s.item.key,
                "title": s.item.title,
                "responses": len(s.responses),
                "current": s.current.as_dict(),
                "target": s.target.as_dict(),
                "split": s.split,
                "consensus": (
                    {
                        "current": s.consensus.current,
                        "target": s.consensus.target,
                        "rationale": s.consensus.rationale,
                        "minority_view": s.consensus.minority_view,
                    }
                    if s.consensus
                    else None
                ),
            }
            for s in summaries
        ],
    }


def previous_round(assessment: Assessment) -> Assessment | None:
    """The round this one follows: the one it was started from, else the place's latest closed
    round before it."""
    if assessment.previous_id:
        return assessment.previous
    return (
        Assessment.objects.filter(
            place_id=assessment.place_id,
            status=RoundStatus.CLOSED,
            created_at__lt=assessment.created_at,
        )
        .order_by("-created_at")
        .first()
    )


def previous_round_for(assessment: Assessment, reader) -> tuple[Assessment | None, bool]:
    """The round this one follows as `reader` may read it, and whether one is withheld from them.

    A reader sees the round before only where they may open it themselves
    (`Assessment.objects.visible_to`): the place's members and staff always, an analyst from
    outside the place only once it is closed and shared by name. Its levels beside those of the
    named round after it would otherwise unmask it where it is shared anonymously. No reader
    (None): the place's own view, for staff tools such as `manage.py board_pack`.
    """
    previous = previous_round(assessment)
    if previous is None or reader is None:
        return previous, False
    if Assessment.objects.visible_to(reader).filter(pk=previous.pk).exists():
        return previous, False
    return None, True


def previous_agreed_levels(assessment: Assessment) -> dict[str, int]:
    """Last round's agreed current level by item key (factor and lesson keys are distinct), for
    showing beside this round's items; empty when there is no earlier closed round."""
    return agreed_levels(previous_round(assessment))


def agreed_levels(assessment: Assessment | None) -> dict[str, int]:
    """A round's agreed current level by item key; empty for no round."""
    if assessment is None:
        return {}
    return dict(Consensus.objects.filter(assessment=assessment).values_list("item__key", "current"))


@dataclass
class LeftBehind:
    """What moving a round on leaves undone, said on the page that asks to confirm it."""

    not_submitted: list[str] = field(default_factory=list)  # names, when scoring ends
    unagreed: list[ItemSummary] = field(default_factory=list)  # items, when the round closes


def advance_leaves_behind(assessment: Assessment) -> LeftBehind:
    if assessment.is_open:
        waiting = assessment.respondents.filter(submitted_at__isnull=True).order_by("name")
        return LeftBehind(not_submitted=list(waiting.values_list("name", flat=True)))
    if assessment.status == RoundStatus.CONSENSUS:
        summaries = assessment_summaries(assessment)
        return LeftBehind(unagreed=[s for s in summaries if s.consensus is None])
    return LeftBehind()
