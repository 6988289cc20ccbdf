"""PDFs of a round's report and of a comparison: print HTML (charts inline as SVG, each with its
message in words) laid out by WeasyPrint as tagged PDF/UA-1, for screen readers.

Both are a PdfDocument: which document it is (kind and key), a digest of everything it shows,
the name a reader's browser saves it under, and how to make its HTML. reports.services.pdf_render
renders a document into storage once per digest; reports.tasks.render_pdf runs it on a worker.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from assessment.text import file_name_part
from reports import chart_alt, charts, compare, plan_sections
from reports.chart_export import figures_to_svg
from reports.compare import Comparison
from reports.models import PdfKind
from reports.plan_sections import PlanSections
from reports.selectors import Report, templates_hash

COMPARISON_TEMPLATES = (
    "reports/compare_print.html",
    "reports/_print_style.html",
    "reports/_heatmap.html",
    "reports/_distribution_table.html",
)
COMPARISON_FILENAME = "place-comparison.pdf"
# The report's print templates beyond those its own digest covers (reports.selectors).
PLAN_TEMPLATES = ("reports/_since_last_round.html", "reports/_plan.html")
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfDocument:
    kind: str  # a PdfKind
    key: str
    digest: str
    filename: str  # what the reader's browser saves it as
    html: Callable[[], str] = field(repr=False)  # built only when the PDF must be rendered
    # When its content was read: taken before the reads, so newer content has a later time.
    read_at: datetime = field(default_factory=timezone.now)

    @property
    def storage_name(self) -> str:
        return f"pdf/{self.kind}/{self.key}-{self.digest}.pdf"


def _hash(content) -> str:
    encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


# --- a round's report ---------------------------------------------------------------------------


def report_filename(report: Report) -> str:
    a = report.assessment
    # Letters of any language stay (Ynys Môn); what a file name cannot hold becomes a hyphen.
    words = (file_name_part(a.place.name), file_name_part(a.period))
    return "-".join([*filter(None, words), "integration-maturity.pdf"])


def report_svgs(report: Report) -> dict[str, str]:
    """Every chart of the report exported in one batch through the warm browser, each with
    its message in words. A round nobody has answered shows no chart: nothing to export."""
    if not report.has_results:
        return {}
    names = list(report.figures)
    svgs = figures_to_svg([report.figures[name] for name in names])
    place = f"{report.assessment.place.name}, {report.assessment.period}"
    alts = {
        "radar": chart_alt.factor_radar_alt(place=place, factors=report.factors, gaps=report.gaps),
        "lessons": chart_alt.lessons_chart_alt(report.lessons),
    }
    return {name: _accessible(svg, alts[name]) for name, svg in zip(names, svgs, strict=True)}


def _accessible(svg: str, alt: str) -> str:
    """The chart as a figure whose alternative text is its message. WeasyPrint tags an inline
    <svg> as a /Figure and takes its /Alt from the svg's own first <title>; a browser reads
    role and aria-label."""
    alt = escape(alt)
    return re.sub(
        r"^<svg ([^>]*)>",
        lambda m: f'<svg role="img" aria-label="{alt}" {m[1]}><title>{alt}</title>',
        svg,
        count=1,
    )


def report_print_html(
    report: Report,
    svgs: dict[str, str] | None = None,
    sections: PlanSections | None = None,
    *,
    reader=None,
) -> str:
    """The print HTML as `reader` may read it (None: as the place's own members do)."""
    svgs = report_svgs(report) if svgs is None else svgs
    sections = plan_sections.build(report, reader=reader) if sections is None else sections
    context = {"report": report, "svgs": svgs, "sections": sections}
    return render_to_string("reports/report_print.html", context)


def report_digest(report: Report, sections: PlanSections) -> str:
    """A hash of everything the report PDF shows: the round's scores (the report's own digest),
    its plan and the round before it. A changed action, or one that falls overdue, makes a new
    PDF."""
    return _hash(
        {
            "report": report.digest,
            "plan": sections.digest_content(),
            "layout": templates_hash(PLAN_TEMPLATES),
            "variant": PDF_VARIANT,  # a PDF laid out before it was tagged is made again
        }
    )


def report_document(report: Report, *, reader=None, read_at: datetime | None = None) -> PdfDocument:
    """The report PDF as `reader` may read it (None: as the place's own members do).

    A round has two documents: as its place's members read it (keyed by its id), and as shared
    with readers from outside who may not open the round before it, which shows nothing of that
    round (keyed "<id>-shared"). Each is cached apart, so neither is served to the other's
    readers."""
    read_at = read_at or timezone.now()  # before the plan is read, as the report was
    sections = plan_sections.build(report, reader=reader)
    pk = report.assessment.pk
    return PdfDocument(
        kind=PdfKind.REPORT,
        key=f"{pk}-shared" if sections.since.withheld else str(pk),
        digest=report_digest(report, sections),
        filename=report_filename(report),
        html=lambda: report_print_html(report, sections=sections),
        read_at=read_at,
    )


# --- a comparison of places ---------------------------------------------------------------------


def comparison_key(comparison: Comparison) -> str:
    """The rounds compared and which of them are shown by name: readers who see the same
    rounds the same way share one PDF."""
    return _hash(
        {
            "rounds": sorted(c.pk for c in comparison.rounds),
            "named": sorted(c.pk for c in comparison.rounds if c.named),
            # A member and an analyst may see the same rounds with different detail.
            "smallest_shown": comparison.smallest_shown,
        }
    )


def comparison_digest(comparison: Comparison, *, printed: date) -> str:
    """A hash of everything the comparison PDF shows, its date included."""
    return _hash(
        {
            "rounds": [[c.pk, c.label, c.named, c.values] for c in comparison.rounds],
            "factors": [[f.key, f.title, f.is_context] for f in comparison.factors],
            "levels": comparison.levels,
            "mixed_versions": comparison.mixed_versions,
            "distribution": comparison.distribution,
            "printed": printed,
            "layout": templates_hash(COMPARISON_TEMPLATES),
            "variant": PDF_VARIANT,
        }
    )


def comparison_svgs(comparison: Comparison) -> dict[str, str]:
    shown = comparison.rounds[: compare.MAX_OVERLAY]
    overlay, distribution = figures_to_svg(
        [
            charts.overlay_radar(shown, comparison.factors, comparison.levels),
            charts.distribution_chart(comparison),
        ]
    )
    summary = comparison.distribution_summary()
    return {
        "overlay": _accessible(overlay, chart_alt.overlay_radar_alt(shown, comparison.factors)),
        "distribution": _accessible(
            distribution,
            chart_alt.distribution_alt(summary, smallest_shown=comparison.smallest_shown),
        ),
    }


def comparison_print_html(comparison: Comparison, *, printed: date) -> str:
    context = {
        "comparison": comparison,
        "svgs": comparison_svgs(comparison),
        "printed": printed,
        "max_overlay": compare.MAX_OVERLAY,
    }
    return render_to_string("reports/compare_print.html", context)


def comparison_document(
    comparison: Comparison, *, printed: date, read_at: datetime | None = None
) -> PdfDocument:
    return PdfDocument(
        kind=PdfKind.COMPARISON,
        key=comparison_key(comparison),
        digest=comparison_digest(comparison, printed=printed),
        filename=COMPARISON_FILENAME,
        html=lambda: comparison_print_html(comparison, printed=printed),
        read_at=read_at or timezone.now(),
    )


# --- laying out -----------------------------------------------------------------------------------


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1): headings, tables and figures in a structure tree, read in the
    order they are laid out; its language and title from the HTML's lang and <title>."""
    from weasyprint import HTML  # imported late: a large import most requests never need

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def failure_reason_of(exc: BaseException) -> str:
    return failure_reason(f"{type(exc).__module__}.{type(exc).__qualname__}")


def failure_reason(exception_class_path: str) -> str:
    """What a reader is told when a PDF could not be made: short, and never a path or a trace."""
    name = exception_class_path.rsplit(".", 1)[-1]
    if name == "ChartExportError":
        return "the charts could not be drawn"
    if name in {"DoesNotExist", "PermissionDenied"}:
        return "what it shows is no longer there to see"
    return "the PDF could not be laid out"
