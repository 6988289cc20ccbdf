"""PDFs of a round's report and of a comparison: print HTML (charts as SVG images, each with its
message in words) laid out by WeasyPrint as tagged PDF/UA-1, for screen readers.

Each is a Document (reports.documents) whose digest is that of its print HTML as laid out
without its charts (every word, number and table it shows, the charts' data among them: a chart
is always beside its table) and of the code that draws the charts (reports.digests). Nothing
shown is left out by a list kept by hand.
"""

import base64
import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from assessment.text import file_name_part
from reports import chart_alt, charts, compare_charts, plan_sections
from reports.chart_export import figures_to_svg
from reports.compare import Comparison
from reports.digests import content_hash, document_digest
from reports.documents import Document
from reports.models import PdfKind
from reports.pdf_tags import finish_tags, links_in
from reports.plan_sections import PlanSections
from reports.selectors import Report
from reports.tasks import render_pdf

COMPARISON_FILENAME = "place-comparison.pdf"
PDF_VARIANT = "pdf/ua-1"


def _digest(html_without_charts: str) -> str:
    # The variant too: a PDF laid out before it was tagged is made again.
    return document_digest({"html": html_without_charts, "variant": PDF_VARIANT})


def _pdf_of(html: Callable[[], str]) -> Callable[[Path], None]:
    """Writes the PDF of print HTML, built only when the PDF must be made."""

    def write(out: Path) -> None:
        out.write_bytes(html_to_pdf(html()))

    return write


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
    svgs = figures_to_svg([charts.in_print(report.figures[name]) for name in names])
    alts = report.chart_alts()
    return {name: _accessible(svg, alts[name]) for name, svg in zip(names, svgs, strict=True)}


def _accessible(svg: str, alt: str) -> str:
    """The chart as an image whose alternative text is its message: WeasyPrint tags an <img>
    as a /Figure with its alt as the /Alt. An image of the SVG, not the SVG inline: WeasyPrint
    then reads the chart once, with an XML parser, where inline it went through the HTML parser
    and the style cascade, node by node, before being drawn."""
    data = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'


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


def round_document_key(report: Report, sections: PlanSections) -> str:
    """Which of a round's two documents of a kind: as its place's members read it (its id), or
    as shared with readers from outside who may not open the round before it ("<id>-shared")."""
    pk = report.assessment.pk
    return f"{pk}-shared" if sections.since.withheld else str(pk)


def report_document(
    report: Report, *, reader=None, read_at: datetime | None = None, outside: bool = False
) -> Document:
    """The report PDF as `reader` may read it (None: as the place's own members do; `outside`:
    as readers from outside the place who may not open the round before it).

    A round has two documents: as its place's members read it (keyed by its id), and as shared
    with readers from outside who may not open the round before it, which shows nothing of that
    round (keyed "<id>-shared"). Each is cached apart, so neither is served to the other's
    readers."""
    read_at = read_at or timezone.now()  # before the plan is read, as the report was
    sections = plan_sections.build(report, reader=reader, outside=outside)
    pk = report.assessment.pk
    return Document(
        kind=PdfKind.REPORT,
        key=round_document_key(report, sections),
        digest=_digest(report_print_html(report, svgs={}, sections=sections)),
        filename=report_filename(report),
        write=_pdf_of(lambda: report_print_html(report, sections=sections)),
        # Plain ids only: the task builds the report again, as this person may read it.
        task=render_pdf,
        task_kwargs={"kind": PdfKind.REPORT, "assessment_id": pk, "user_id": reader and reader.pk},
        read_at=read_at,
    )


# --- a comparison of places ---------------------------------------------------------------------


def comparison_key(comparison: Comparison) -> str:
    """The rounds compared and which of them are shown by name: readers who see the same
    rounds the same way share one PDF."""
    return content_hash(
        {
            "rounds": sorted(c.pk for c in comparison.rounds),
            "named": sorted(c.pk for c in comparison.rounds if c.named),
            # A member and an analyst may see the same rounds with different detail.
            "smallest_shown": comparison.smallest_shown,
            # The same rounds compared on another framework make another document.
            "framework": comparison.framework,
        }
    )


def comparison_svgs(comparison: Comparison) -> dict[str, str]:
    """The comparison's charts as SVG, each with its message in words. Beyond two dozen rounds
    no radar is drawn (the heat map leads): only the distribution."""
    rounds = compare_charts.rounds_chart(comparison.rounds, comparison.factors, comparison.levels)
    figures = [compare_charts.distribution_chart(comparison), *([rounds] if rounds else [])]
    distribution, *overlay = figures_to_svg([charts.in_print(figure) for figure in figures])
    summary = comparison.distribution_summary()
    svgs = {
        "distribution": _accessible(
            distribution,
            chart_alt.distribution_alt(summary, smallest_shown=comparison.smallest_shown),
        )
    }
    if overlay:
        alt = chart_alt.rounds_chart_alt(comparison.rounds, comparison.factors)
        svgs["overlay"] = _accessible(overlay[0], alt)
    return svgs


def comparison_print_html(
    comparison: Comparison, *, printed: date, svgs: dict[str, str] | None = None
) -> str:
    context = {
        "comparison": comparison,
        "svgs": comparison_svgs(comparison) if svgs is None else svgs,
        "printed": printed,
        "rounds_chart": compare_charts.rounds_chart_kind(len(comparison.rounds)),
        "standings": compare_charts.standings(comparison),
    }
    return render_to_string("reports/compare_print.html", context)


def comparison_document(
    comparison: Comparison, *, reader, printed: date, read_at: datetime | None = None
) -> Document:
    """The comparison PDF as `reader` sees the rounds, dated `printed`."""
    return Document(
        kind=PdfKind.COMPARISON,
        key=comparison_key(comparison),
        digest=_digest(comparison_print_html(comparison, printed=printed, svgs={})),
        filename=COMPARISON_FILENAME,
        write=_pdf_of(lambda: comparison_print_html(comparison, printed=printed)),
        # Plain ids only: the task builds the comparison again, as this person may see it.
        task=render_pdf,
        task_kwargs={
            "kind": PdfKind.COMPARISON,
            "user_id": reader.pk,
            "round_ids": [c.pk for c in comparison.rounds],
            "framework": comparison.framework,
        },
        read_at=read_at or timezone.now(),
    )


# --- laying out -----------------------------------------------------------------------------------


def html_to_pdf(html: str) -> bytes:
    """A report's or a comparison's print HTML as a tagged PDF (tagged_pdf)."""
    return tagged_pdf(html, base_url=str(settings.BASE_DIR))


def tagged_pdf(html: str, *, base_url: str | None) -> bytes:
    """A tagged PDF (PDF/UA-1): headings, tables and figures in a structure tree, read in the
    order they are laid out; its language and title from the HTML's lang and <title>; running
    headers and footers as artifacts, words on every link and a scope on every table header
    (reports.pdf_tags). Every PDF the app makes is laid out here (the board pack's index too).

    WeasyPrint writes it uncompressed: pikepdf, reading it to finish the tags, compresses it as
    it saves it, once, in C++ where WeasyPrint would in Python."""
    from weasyprint import HTML  # imported late: a large import most requests never need

    with _collector_paused():
        page = HTML(string=html, base_url=base_url, url_fetcher=_charts_only())
        laid_out = page.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=True)
        return finish_tags(laid_out, links_in(html))


@functools.cache
def _charts_only():
    """What WeasyPrint may fetch: the charts, inline as data: URIs, and never a file or an
    address a report's words might name. Made once: each of WeasyPrint's own fetchers opens a
    TLS context (some 17 ms) that a document with nothing to fetch over the network never uses."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


class _CollectorPause:
    """Python's cycle collector paused while PDFs are made. WeasyPrint makes a hundred thousand
    objects in cycles (boxes and their parents) for a long report; the collector would walk
    them, and the rest of the process, some hundreds of times on the way. Paused, they are
    freed in one pass afterwards, when the collector next runs. Threads making PDFs at once
    share one pause: the first pauses it, the last resumes it, if it was running."""

    def __init__(self):
        self._lock = threading.Lock()
        self._making = 0
        self._resume = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if not self._making:
                self._resume = gc.isenabled()
                gc.disable()
            self._making += 1
        try:
            yield
        finally:
            with self._lock:
                self._making -= 1
                if not self._making and self._resume:
                    gc.enable()


_collector_paused = _CollectorPause()
