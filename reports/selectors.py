"""Build a round's report: the results, the analysis and the figures, from one set of queries."""

import hashlib
import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac

from assessment.models import SMALLEST_ANONYMOUS_GROUP, Assessment
from assessment.selectors import ItemSummary, assessment_summaries
from assessment.statistics import SPLIT_RULE
from frameworks.models import FrameworkVersion, matrix_first
from reports import charts
from reports.analysis import (
    GapAnalysis,
    ItemResult,
    ItemScores,
    gap_analysis,
    item_result,
    lesson_groups,
)
from reports.models import RenderedPdf

EVIDENCE_EXCERPTS = 5
EXCERPT_LENGTH = 320
PRINT_TEMPLATES = (
    "reports/report_print.html",
    "reports/_print_style.html",
    "reports/_summary.html",
    "reports/_factor_table.html",
    "reports/_gaps.html",
    "reports/_factor_page.html",
    "reports/_lessons.html",
    "reports/_method.html",
    "reports/_agreed_reason.html",
    "reports/_split_badge.html",
    "reports/_few_respondents.html",
    "reports/_summary_closed_splits.html",
)


@dataclass
class Report:
    assessment: Assessment
    versions: list[FrameworkVersion]
    factors: list[ItemResult]
    lessons: list[ItemResult]
    gaps: GapAnalysis
    summaries: dict[str, ItemSummary]
    respondents: int
    as_of: object
    split_rule: str = SPLIT_RULE

    @cached_property
    def figures(self) -> dict:
        """Built on first use: a cached PDF is served without them."""
        return {
            "radar": charts.factor_radar(self.factors),
            "lessons": charts.lessons_chart(self.lessons),
        }

    @property
    def has_results(self) -> bool:
        """Whether any item has a level to report: none until someone submits (or the team
        records an agreed position), and then the report says so rather than drawing empty
        charts."""
        return any(r.current is not None for r in [*self.factors, *self.lessons])

    @property
    def lesson_groups(self):
        return lesson_groups(self.lessons)

    @property
    def matrix(self) -> FrameworkVersion | None:
        return next((v for v in self.versions if v.is_matrix), None)

    @property
    def few_respondents(self) -> bool:
        """A round without names answered by one or two people: their answers can be told
        apart (a median of one answer is that person's answer), and the report says so."""
        return not self.assessment.show_names and 0 < self.respondents < SMALLEST_ANONYMOUS_GROUP

    @property
    def without_agreement(self) -> list[ItemResult]:
        """Items with no agreed position: once the round is closed, none will be recorded."""
        return [r for r in [*self.factors, *self.lessons] if not r.agreed]

    @property
    def agreed_anywhere(self) -> bool:
        return any(r.agreed for r in [*self.factors, *self.lessons])

    def evidence(self, key: str) -> list[tuple[str, str]]:
        """Excerpts of what respondents wrote: (who, text), named only where the round shows
        names. Without names there is no label, and the excerpts come in an order of their own
        on each item (salted, so no one can work it out): nothing matches one item's excerpt to
        another's, so the same writer cannot be followed from item to item."""
        named = self.assessment.show_names
        responses = [r for r in self.summaries[key].responses if r.evidence]
        if not named:
            responses.sort(key=lambda r: _shuffle_key(self.assessment.pk, key, r.pk))
        out = []
        for response in responses[:EVIDENCE_EXCERPTS]:
            text = response.evidence
            if len(text) > EXCERPT_LENGTH:
                text = text[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"
            out.append((response.respondent.name if named else "", text))
        return out

    def factor_pages(self) -> list[dict]:
        return [
            {
                "result": f,
                "evidence": self.evidence(f.key),
                "lessons": [x for x in self.lessons if f.key in x.scores.related],
                "counts": self.summaries[f.key].counts(),
            }
            for f in self.factors
        ]

    @cached_property
    def digest(self) -> str:
        """A hash of everything the PDF shows: any change to the round gives a new PDF."""
        a, place = self.assessment, self.assessment.place
        shown = [place.name, place.code, place.kind, place.region, a.period, a.status]
        items = [
            [s.item.key, [_answer(r) for r in s.responses], _agreed(s.consensus)]
            for s in self.summaries.values()
        ]
        content = {
            "round": [a.pk, *shown, a.show_names],
            "as_of": str(self.as_of),
            # The excerpts as shown (who, in what order): how they are labelled is covered too.
            "evidence": {key: self.evidence(key) for key in self.summaries},
            "versions": sorted(v.content_hash for v in self.versions),
            "items": items,
            # Which factors each lesson is shown to bear on (links to context factors never
            # show): reports made before that rule are made again.
            "links": {x.key: x.scores.related for x in self.lessons},
            "layout": templates_hash(PRINT_TEMPLATES),
            # The charts' builders: a chart drawn anew after a deploy is never served from cache.
            "charts": source_hash(charts.__file__),
        }
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]


def _answer(r) -> list:
    return [r.respondent.name, r.current, r.target, r.evidence, r.confidence]


def _agreed(consensus) -> list | None:
    fields = ("current", "target", "rationale", "minority_view")
    return consensus and [getattr(consensus, name) for name in fields]


def _shuffle_key(assessment_pk: int, item_key: str, response_pk: int) -> str:
    """A response's place in an item's order: fixed (the page and the PDF agree), different on
    every item, and not to be worked out without the secret key."""
    value = f"{assessment_pk}:{item_key}:{response_pk}"
    return salted_hmac("reports.evidence-order", value, algorithm="sha256").hexdigest()


@cache
def source_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@cache
def templates_hash(names: tuple[str, ...]) -> str:
    """The print templates' text: a new layout after a deploy is never served from cache."""
    base = Path(settings.BASE_DIR) / "templates"
    return hashlib.sha256(b"".join((base / name).read_bytes() for name in names)).hexdigest()


def scores_of(summary: ItemSummary) -> ItemScores:
    item = summary.item
    return ItemScores(
        key=item.key,
        title=item.title,
        kind="factor" if item.version.is_matrix else "lesson",
        # As the item names its levels (item.level_labels()): Place on matrix 1.1 runs from
        # "Highly complex" to "Simple", never to "Extensive development".
        levels=tuple((lv.value, lv.label) for lv in summary.levels),
        descriptors={d.value: d.descriptor for d in item.descriptors.all()},
        currents=tuple(r.current for r in summary.responses if r.current is not None),
        targets=tuple(r.target for r in summary.responses if r.target is not None),
        agreed_current=summary.consensus.current if summary.consensus else None,
        agreed_target=summary.consensus.target if summary.consensus else None,
        is_context=item.is_context,
        number=item.number,
        # A lesson's link to a context factor (Place, on lessons 1.0) never shows in a report:
        # a place's circumstances are not a gap for a lesson to close.
        related=tuple(other.key for other in item.related.all() if not other.is_context),
        # Cited by author and year ("Ham and Walsh (2013), lesson 1"), never "Source 000".
        section=item.section_reference,
        rationale=summary.consensus.rationale if summary.consensus else "",
        minority_view=summary.consensus.minority_view if summary.consensus else "",
    )


def report_build(assessment: Assessment) -> Report:
    """The report of a round (7 queries); its figures are built once, when first used."""
    summaries = assessment_summaries(assessment)
    results = [(s, item_result(scores_of(s))) for s in summaries]
    factors = [r for _, r in results if r.scores.kind == "factor"]
    lessons = [r for _, r in results if r.scores.kind == "lesson"]
    versions = matrix_first({s.framework for s in summaries})
    latest = [r.updated_at for s in summaries for r in s.responses] + [
        s.consensus.recorded_at for s in summaries if s.consensus
    ]
    as_of = max(latest, default=assessment.updated_at)
    as_of = max(as_of, assessment.updated_at)
    return Report(
        assessment=assessment,
        versions=versions,
        factors=factors,
        lessons=lessons,
        gaps=gap_analysis(factors, lessons),
        summaries={s.item.key: s for s in summaries},
        respondents=len({r.respondent_id for s in summaries for r in s.responses}),
        as_of=as_of,
    )


def rendered_pdf(*, kind: str, key: str, digest: str) -> RenderedPdf | None:
    """The row of a PDF with this content: ready, being rendered, or recently failed."""
    return RenderedPdf.objects.filter(kind=kind, key=key, digest=digest).first()
