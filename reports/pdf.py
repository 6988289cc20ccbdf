"""The report as a PDF: the print HTML (charts inline as SVG) laid out by WeasyPrint.

A rendered PDF is kept in storage under a hash of everything it shows, so an unchanged round is
served at once and a changed one is rendered afresh. A file lands in the cache only once it is
complete.
"""

import fcntl
import re
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.text import slugify

from reports.chart_export import figures_to_svg
from reports.selectors import Report


def report_filename(report: Report) -> str:
    a = report.assessment
    return f"{slugify(a.place.name)}-{slugify(a.period)}-integration-maturity.pdf"


def cache_name(report: Report) -> str:
    return f"reports/{report.assessment.pk}-{report.digest}.pdf"


def report_svgs(report: Report) -> dict[str, str]:
    """Every chart of the report exported in one batch through the warm browser."""
    names = list(report.figures)
    svgs = figures_to_svg([report.figures[name] for name in names])
    return {name: _accessible(svg, name) for name, svg in zip(names, svgs, strict=True)}


def _accessible(svg: str, name: str) -> str:
    # The same numbers are in a table beside each chart; tell assistive technology so.
    label = "Radar chart of the nine factors" if name == "radar" else "Chart of the sixteen lessons"
    return re.sub(
        r"^<svg ", f'<svg role="img" aria-label="{label}; data in the table" ', svg, count=1
    )


def report_print_html(report: Report, svgs: dict[str, str] | None = None) -> str:
    svgs = report_svgs(report) if svgs is None else svgs
    return render_to_string("reports/report_print.html", {"report": report, "svgs": svgs})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: a large import most requests never need

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def report_pdf(report: Report) -> str:
    """The storage name of the report's PDF, rendering it if the cache does not have it."""
    name = cache_name(report)
    if default_storage.exists(name):
        return name
    with _rendering(name):
        # Whoever waited on the lock may find the PDF ready: many people open a new report
        # at once when a round closes, and one render serves them all.
        if default_storage.exists(name):
            return name
        return _render(report, name)


@contextmanager
def _rendering(name: str):
    """One render of a report at a time across this machine's processes (a file lock)."""
    try:
        folder = Path(default_storage.path(".locks"))
    except NotImplementedError:  # storage without local files: rendering runs as a task
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{Path(name).stem}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _render(report: Report, name: str) -> str:
    pdf = html_to_pdf(report_print_html(report))
    # Everything is rendered before anything is written: a failed render leaves no file.
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(pdf))
        if saved != name:  # another process wrote the same report meanwhile
            default_storage.delete(saved)
    _forget_older(report, keep=name)
    return name


def _forget_older(report: Report, *, keep: str) -> None:
    """Earlier PDFs of the same round can never be served again: remove them."""
    prefix = f"{report.assessment.pk}-"
    try:
        _, files = default_storage.listdir("reports")
    except FileNotFoundError:
        return
    for file in files:
        name = f"reports/{file}"
        if file.startswith(prefix) and name != keep:
            default_storage.delete(name)
