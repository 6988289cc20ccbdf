"""Build a round's report: the results, the analysis and the figures, from one set of queries."""

from dataclasses import dataclass, replace
from functools import cached_property

from django.utils.crypto import salted_hmac

from assessment.models import SMALLEST_ANONYMOUS_GROUP, Assessment
from assessment.results import FrameworkResults, ItemResult
from assessment.selectors import ItemSummary, assessment_summaries, round_results
from assessment.statistics import SPLIT_RULE
from frameworks.models import FrameworkVersion, VersionStatus, matrix_first
from reports import chart_alt, charts
from reports.analysis import GapAnalysis, gap_analysis, lesson_groups
from reports.digests import document_digest
from reports.models import RenderedPdf
from reports.reliability_kept import round_figures

EVIDENCE_EXCERPTS = 5
EXCERPT_LENGTH = 320


@dataclass(frozen=True)
class ReportSection:
    """One pinned framework's part of a report: its results, and for a maturity ladder its gap
    analysis (with the items of other frameworks that bear on its items) and its radar."""

    results: FrameworkResults
    gaps: GapAnalysis
    figure: str  # the name of its chart in Report.figures

    @property
    def version(self) -> FrameworkVersion:
        return self.results.version

    @property
    def items(self) -> list[ItemResult]:
        return list(self.results.items)

    @property
    def is_ladder(self) -> bool:
        return self.results.kind == "factor"

    @property
    def heading(self) -> str:
        return self.results.heading

    @property
    def lesson_groups(self):
        return lesson_groups(self.items)

    @property
    def unscored(self) -> list[ItemResult]:
        return [r for r in self.items if r.current is None]

    def figure_of(self):
        if self.is_ladder:
            return charts.factor_radar(self.items) if self.results.has_radar else None
        return charts.lessons_chart(self.items)

    def chart_alt(self, place: str) -> str:
        if self.is_ladder:
            return chart_alt.factor_radar_alt(place=place, factors=self.items, gaps=self.gaps)
        return chart_alt.lessons_chart_alt(self.items)


@dataclass
class Report:
    """A round's report: a section per pinned framework. The first maturity ladder (the LGA
    matrix, where pinned) is "the factors" and the first lessons framework "the lessons" of
    the summary, the plan and "since last round"; any other framework has a section of its
    own."""

    assessment: Assessment
    versions: list[FrameworkVersion]
    sections: list[ReportSection]
    summaries: dict[str, ItemSummary]
    respondents: int
    as_of: object
    split_rule: str = SPLIT_RULE

    @cached_property
    def superseded(self) -> list[tuple[FrameworkVersion, FrameworkVersion]]:
        """Each pinned version a newer published version of its framework has replaced, with the
        newest (1 query, on first use): the report keeps the version the round was scored on,
        and says that a newer one exists."""
        return newer_versions(self.versions)

    @cached_property
    def ladder(self) -> ReportSection | None:
        return next((s for s in self.sections if s.is_ladder), None)

    @cached_property
    def lessons_section(self) -> ReportSection | None:
        return next((s for s in self.sections if not s.is_ladder), None)

    @property
    def others(self) -> list[ReportSection]:
        return [s for s in self.sections if s not in (self.ladder, self.lessons_section)]

    @property
    def factors(self) -> list[ItemResult]:
        return self.ladder.items if self.ladder else []

    @property
    def lessons(self) -> list[ItemResult]:
        return self.lessons_section.items if self.lessons_section else []

    @cached_property
    def gaps(self) -> GapAnalysis:
        """The factors' gap analysis; splits and unscored items from every framework."""
        gaps = self.ladder.gaps if self.ladder else gap_analysis([], [])
        return replace(
            gaps,
            splits=tuple(r for r in self.results if r.split),
            unscored=tuple(r for r in self.results if r.current is None),
        )

    @property
    def results(self) -> list[ItemResult]:
        return [r for section in self.sections for r in section.items]

    @cached_property
    def figures(self) -> dict:
        """Each section's chart by name, built on first use: a cached PDF is served without
        them."""
        figures = {s.figure: s.figure_of() for s in self.sections}
        return {name: figure for name, figure in figures.items() if figure is not None}

    def chart_labels(self) -> dict[str, str]:
        """Each chart's name in a few words: "Radar chart of the nine factors"."""
        return {
            s.figure: f"{'Radar chart' if s.is_ladder else 'Chart'} of {s.heading.lower()}"
            + ("" if s.version.framework.shipped else f" of {s.version.title}")
            for s in self.sections
        }

    def chart_alts(self) -> dict[str, str]:
        """Each chart's message in words, by the chart's name."""
        place = f"{self.assessment.place.name}, {self.assessment.period}"
        return {s.figure: s.chart_alt(place) for s in self.sections if s.figure in self.figures}

    @property
    def has_results(self) -> bool:
        """Whether any item has a level to report: none until someone submits (or the team
        records an agreed position), and then the report says so rather than drawing empty
        charts."""
        return any(r.current is not None for r in self.results)

    @property
    def few_respondents(self) -> bool:
        """A round without names answered by one or two people: their answers can be told
        apart (a median of one answer is that person's answer), and the report says so."""
        return not self.assessment.show_names and 0 < self.respondents < SMALLEST_ANONYMOUS_GROUP

    @cached_property
    def reliability(self):
        """Each framework's reliability figures (reports.reliability_kept.round_figures)."""
        return round_figures(self.assessment, self.summaries.values())

    @property
    def without_agreement(self) -> list[ItemResult]:
        """Items with no agreed position: once the round is closed, none will be recorded."""
        return [r for r in self.results if not r.agreed]

    @property
    def agreed_anywhere(self) -> bool:
        return any(r.agreed for r in self.results)

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
        """A hash of everything the report shows and of the code that draws it
        (reports.digests): any change to the round, or to a template, chart or style, gives a
        new PDF and new figures."""
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
            "links": {x.key: x.scores.related for x in self.results if x.scores.related},
        }
        return document_digest(content)


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


def report_build(assessment: Assessment) -> Report:
    """The report of a round (7 queries); its figures are built once, when first used."""
    summaries = assessment_summaries(assessment)
    frameworks = round_results(summaries)
    latest = [r.updated_at for s in summaries for r in s.responses] + [
        s.consensus.recorded_at for s in summaries if s.consensus
    ]
    as_of = max(latest, default=assessment.updated_at)
    as_of = max(as_of, assessment.updated_at)
    return Report(
        assessment=assessment,
        versions=matrix_first(f.version for f in frameworks),
        sections=_sections(frameworks),
        summaries={s.item.key: s for s in summaries},
        respondents=len({r.respondent_id for s in summaries for r in s.responses}),
        as_of=as_of,
    )


def _sections(frameworks: list[FrameworkResults]) -> list[ReportSection]:
    """A section per framework. A maturity ladder's gaps list the items of the frameworks whose
    relations name its framework (the lessons bear on the matrix's factors): data, not code."""
    sections = []
    for n, f in enumerate(frameworks):
        bearing = [
            item
            for other in frameworks
            if other.kind == "lesson" and _relates_to(other.version, f.version)
            for item in other.items
        ]
        name = "radar" if f.kind == "factor" else "lessons"
        if any(s.figure == name for s in sections):
            name = f"{name}-{n}"
        items = list(f.items)
        gaps = gap_analysis(items if f.kind == "factor" else [], bearing)
        sections.append(ReportSection(results=f, gaps=gaps, figure=name))
    return sections


def _relates_to(version: FrameworkVersion, other: FrameworkVersion) -> bool:
    related = version.related_version_id and version.related_version
    return bool(related) and related.framework_id == other.framework_id


def newer_versions(
    versions: list[FrameworkVersion],
) -> list[tuple[FrameworkVersion, FrameworkVersion]]:
    """(pinned, newest) for each of `versions` whose framework has a newer published version
    (1 query)."""
    newest: dict[int, FrameworkVersion] = {}
    published = FrameworkVersion.objects.filter(
        framework__in={v.framework_id for v in versions}, status=VersionStatus.PUBLISHED
    )
    for version in published.order_by("-major", "-minor"):
        newest.setdefault(version.framework_id, version)
    return [
        (v, newer)
        for v in versions
        if (newer := newest.get(v.framework_id)) and (newer.major, newer.minor) > (v.major, v.minor)
    ]


def rendered_pdf(*, kind: str, key: str, digest: str) -> RenderedPdf | None:
    """The row of a PDF with this content: ready, being rendered, or recently failed."""
    return RenderedPdf.objects.filter(kind=kind, key=key, digest=digest).first()
