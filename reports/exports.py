"""The numbers behind comparisons, as CSV or XLSX for analysts' own tools (the workbook is
laid out by assessment.exports: an About sheet first, then the data)."""

from collections.abc import Iterable, Iterator
from itertools import groupby

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.crypto import salted_hmac

from assessment.exports import (
    AGREEMENT_COLUMNS,
    AGREEMENT_HEADER,
    LEVEL_NOTE,
    About,
    Sheet,
    agreement_sheet,
    level_scales,
    rows_noting,
    workbook_bytes,
)
from assessment.models import Consensus, Response
from assessment.statistics import SPLIT_RULE, plain_number
from config.cells import csv_lines, safe  # noqa: F401  (views stream exports.csv_lines)
from frameworks.models import FrameworkKind, FrameworkVersion, ScaleLevel
from reports.compare import RoundColumn
from reports.compare_mapping import Link, Scored, frameworks_linked, links_touching, place_on
from reports.models import RoundItemResult

# Column names as analysts' tools read them: one word each.
SUMMARY_HEADER = [
    "place_code",
    "place_name",
    "period",
    "framework",
    "framework_version",
    "item_key",
    "item_title",
    "agreed_current",
    "agreed_target",
    "current",
    "target",
    "median",
    "minimum",
    "maximum",
    "responses",
    "split",
    "rationale",
    "minority_view",
    "mapped",
    "mapped_from",
]
DETAIL_HEADER = [
    "place_code",
    "place_name",
    "period",
    "framework",
    "framework_version",
    "item_key",
    "item_title",
    "respondent",
    "current",
    "target",
    "confidence",
    "evidence",
]
MATRIX = FrameworkKind.MATURITY_MATRIX


def summary_rows(columns: list[RoundColumn]) -> Iterator[list]:
    """One row per round × item, with why the team agreed its position; then the round's levels
    placed on each framework it did not pin that its frameworks map onto (see
    reports.compare_mapping), one row per item marked mapped (two queries)."""
    by_id = {c.pk: c for c in columns}
    pinned = FrameworkVersion.objects.filter(assessments__in=list(by_id))
    links = links_touching(pinned) if by_id else []
    agreed = Consensus.objects.filter(assessment=OuterRef("assessment"), item=OuterRef("item"))
    results = (
        RoundItemResult.objects.filter(assessment__in=list(by_id))
        .select_related("item__version__framework")
        .annotate(
            rationale=Subquery(agreed.values("rationale")[:1]),
            minority_view=Subquery(agreed.values("minority_view")[:1]),
        )
        .order_by(
            _shown_order(columns, "assessment_id"),
            "-item__version__framework__kind",
            "item__position",
        )
    )
    for assessment_id, rows in groupby(results, key=lambda r: r.assessment_id):
        column, scored = by_id[assessment_id], {}
        for r in rows:
            version = r.item.version
            matrix_first = (version.framework.kind != MATRIX, version.framework.slug)
            if matrix_first not in scored:
                scored[matrix_first] = Scored(version.pk, version.framework.slug, version.version)
            scored[matrix_first].values[r.item.key] = r.current
            scored[matrix_first].targets[r.item.key] = r.target
            yield _own_row(column, r)
        yield from _mapped_rows(column, [scored[k] for k in sorted(scored)], links)


def _own_row(column: RoundColumn, r: RoundItemResult) -> list:
    item = r.item
    # Like evidence, the team's reasons often name the place: never out of an anonymous round.
    reasons = [r.rationale or "", r.minority_view or ""] if column.named else ["", ""]
    return [
        column.place_code,
        column.place_name,
        column.period,
        item.version.framework.slug,
        item.version.version,
        item.key,
        item.title,
        r.agreed_current,
        r.agreed_target,
        plain_number(r.current),
        plain_number(r.target),
        plain_number(r.median),
        r.minimum,
        r.maximum,
        r.responses,
        "yes" if r.split else "no",
        *reasons,
        "no",
        "",
    ]


def _mapped_rows(column: RoundColumn, scored: list[Scored], links: list[Link]) -> Iterator[list]:
    """The round's levels on each framework it did not pin that one of its frameworks maps
    onto: only where it stands (no answers, agreement or reasons were given on those items)."""
    own = {s.framework for s in scored}
    linked = set().union(*(frameworks_linked(links, slug) for slug in own)) - own
    for onto in sorted(linked):
        placed = place_on(links, scored, onto)
        for key, end in placed.onto.items() if placed else []:
            sources = ", ".join(placed.sources[key])
            yield [
                column.place_code,
                column.place_name,
                column.period,
                end.framework,
                end.version,
                key,
                end.title,
                None,
                None,
                plain_number(placed.values[key]),
                plain_number(placed.targets[key]),
                *[None] * 5,  # median, minimum, maximum, responses, split: of its own items
                "",
                "",
                "yes",
                f"{placed.source}: {sources}",
            ]


def detail_rows(columns: list[RoundColumn]) -> Iterator[list]:
    """One row per respondent × item, item by item (one query).

    Names only where the round shows them to the reader. Otherwise a row has no label, and
    each item's rows come in an order of their own (salted, so no one can work it out): no row
    can be matched to the same person's row on another item. Evidence written for a round shown
    anonymously never leaves: it often names the place.
    """
    by_id = {c.pk: c for c in columns}
    # Plain tuples: a national export has hundreds of thousands of rows.
    responses = (
        Response.objects.filter(
            respondent__assessment__in=list(by_id), respondent__submitted_at__isnull=False
        )
        .order_by(
            _shown_order(columns, "respondent__assessment_id"),
            "-item__version__framework__kind",
            "item__position",
            "respondent__name",
        )
        .values_list(
            "respondent__assessment_id",
            "pk",
            "respondent__name",
            "item__version__framework__slug",
            "item__version__version",
            "item__key",
            "item__title",
            "current",
            "target",
            "confidence",
            "evidence",
        )
        .iterator(chunk_size=5000)
    )
    # One item of one round at a time (a few dozen rows), so an unnamed round's can be shuffled.
    for (assessment_id, *_), rows in groupby(responses, key=lambda row: (row[0], *row[3:6])):
        column = by_id[assessment_id]
        named = column.named and column.assessment.show_names
        rows = list(rows)
        if not named:
            rows.sort(key=lambda row: _shuffle_key(assessment_id, row[1]))
        for _, _, name, *item, current, target, confidence, evidence in rows:
            yield [
                column.place_code,
                column.place_name,
                column.period,
                *item,
                name if named else "",
                current,
                target,
                confidence,
                evidence if column.named else "",
            ]


def _shown_order(columns: list[RoundColumn], field: str) -> Case:
    """Rounds in the order a reader knows them by (the name or label shown, then the period),
    never by database id: in id order an anonymous round would sit beside its place's named
    rounds and give itself away."""
    shown = sorted(columns, key=lambda c: (c.place_name.casefold(), c.period, c.place_code))
    whens = [When(**{field: c.pk}, then=Value(rank)) for rank, c in enumerate(shown)]
    return Case(*whens, default=Value(len(shown)), output_field=IntegerField())


def _shuffle_key(assessment_id: int, response_id: int) -> str:
    return salted_hmac(
        "reports.export-order", f"{assessment_id}:{response_id}", algorithm="sha256"
    ).hexdigest()


SUMMARY_COLUMNS = {
    "place_code": "The place's short code; blank for a place that shares its rounds anonymously.",
    "place_name": "The place, or for a place that shares anonymously, the label it goes by "
    "(the same label on every row of that round).",
    "period": "The round, as the place named it (for example 2026 Q2).",
    "framework": "The framework the item belongs to, by its short name: for example "
    "lga-maturity-matrix (the nine factors) or kingsfund-16-lessons (the sixteen lessons).",
    "framework_version": "The version of that framework the round was scored against.",
    "item_key": "The factor or lesson, by key (the same key in every version).",
    "item_title": "The factor or lesson, by title.",
    "agreed_current": f"The level the team agreed the place stands at, {LEVEL_NOTE}; blank "
    "where it agreed none.",
    "agreed_target": "The level the team agreed to aim for; blank where it agreed none.",
    "current": "Where the item stands: agreed_current where the team agreed one, else the "
    "median of the answers (which can fall between two levels, such as 2.5).",
    "target": "Where the place aims to be: agreed_target where agreed, else the median of the "
    "answers' targets.",
    "median": "The median of the answers for where the place stands now.",
    "minimum": "The lowest of those answers.",
    "maximum": "The highest of those answers.",
    "responses": "How many people's submitted answers the figures are worked out from.",
    "split": "yes when the split rule marks the answers split (see the agreement export's "
    "split_rule column; a sign to talk it through); else no.",
    "rationale": "Why the team agreed its position, as the facilitator recorded it; blank where "
    "it agreed none, and for a place that shares anonymously (it often names the place).",
    "minority_view": "A view some of the team held against the agreed position (who held it is "
    "not kept); blank where none was recorded, and for a place that shares anonymously.",
    "mapped": "no for the round's own results. yes for a row placing a round on a framework it "
    "was not scored on, through the items its own framework maps to this one: only current and "
    "target are given; where several of its items map to one, the lowest of their levels; a "
    "level on a scale of another range at the same point of this framework's scale.",
    "mapped_from": "On a mapped row, the framework and version the round was scored on and the "
    "items of it the level is placed from; blank otherwise.",
}
DETAIL_COLUMNS = {
    **{k: SUMMARY_COLUMNS[k] for k in DETAIL_HEADER[:7]},
    "respondent": "Who answered, by name where the round shows names to you; otherwise blank. "
    "A round without names gives no label, and each item's answers come in an order of their "
    "own: no answer can be matched to the same person's answer on another item.",
    "current": f"Where this person said the place stands now, {LEVEL_NOTE}.",
    "target": "Where this person said the place should aim to be.",
    "confidence": "How sure the person was: low, medium or high; blank if not said.",
    "evidence": "What the person wrote in support; blank for a round shared anonymously, as "
    "evidence often names its place.",
}


def xlsx_bytes(header: list[str], rows: Iterable[list], agreement: list | None = None) -> bytes:
    """About, then the rows on one sheet, "Results", then (given `agreement`, (place code,
    period, figures) per round) how far each round's answers agree on an "Agreement" sheet. The
    About sheet names the rounds the rows hold and the level scale of each framework version
    they use, noted as the rows stream."""
    if header == AGREEMENT_HEADER:  # ?detail=agreement: that sheet alone
        title = "Integration maturity: how far each round's answers agree"
        holds = "One row per round and framework: how far the answers agree."
        sheet = Sheet("Agreement", header, rows, AGREEMENT_COLUMNS, holds=holds)
        return workbook_bytes([sheet], lambda: About(title=title))
    detail = header == DETAIL_HEADER
    kind = "answers" if detail else "results"
    holds = (
        "One row per person and item, item by item: every submitted answer. A round without "
        "names gives its rows no label, in an order of their own on each item, so no one's "
        "answers can be followed from item to item."
        if detail
        else "One row per round and item (factor or lesson)."
    )
    rounds: set[tuple[str, str]] = set()
    versions: set[tuple[str, str]] = set()

    def note(row: list) -> None:
        rounds.add((row[1], row[2]))
        versions.add((row[3], row[4]))

    def about() -> About:
        listed = sorted(rounds)
        return About(
            title=f"Integration maturity: the {kind} of {len(listed)} "
            f"round{'s' if len(listed) != 1 else ''}",
            facts=[("Round", f"{place}, {period}") for place, period in listed],
            scales=_scales(versions),
        )

    sheet = Sheet(
        title="Results",
        header=header,
        rows=rows_noting(rows, note),
        meanings=DETAIL_COLUMNS if detail else SUMMARY_COLUMNS,
        holds=holds,
    )
    extra = [agreement_sheet(agreement, str(SPLIT_RULE))] if agreement else []
    return workbook_bytes([sheet, *extra], about)


def _scales(versions: set[tuple[str, str]]) -> list:
    """The level scales of the framework versions the rows used (one query; none for none)."""
    if not versions:
        return []
    wanted = Q()
    for slug, version in versions:
        wanted |= Q(version__framework__slug=slug, version__version=version)
    return level_scales(ScaleLevel.objects.filter(wanted))
