"""A round's report: its page, its print version and its PDF; and how every document view
answers, with the file, why it could not be made, or a page that looks again shortly."""

import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.audit import record
from accounts.models import AuditKind
from assessment.disclosure import get_assessment_for_reader
from assessment.permissions import reader_from_outside
from assessment.views.common import withheld
from reports.board_paper import paper_document
from reports.documents import Document, document_get_or_queue
from reports.pdf import report_document, report_print_html
from reports.selectors import Report, report_build

# Sent by the preparing page's script: "is it ready?", answered 204 once it is.
READY_CHECK = "X-Document-Check"


@login_required
@require_GET
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:
        return withheld(request, assessment, disclosure, what="the report")
    report = report_build(assessment)
    figures = _figure_data(report)
    context = {
        "report": report,
        "assessment": assessment,
        "role": role,
        "disclosure": disclosure,
        "figures": figures,
    }
    return render(request, "reports/report_page.html", context)


def _figure_data(report: Report) -> dict:
    if not report.has_results:
        return {}  # the page says there is nothing to report yet, and draws no chart
    # Building Plotly figures costs more than the rest of the page: keep them per digest.
    key = f"report-figures:{report.digest}"
    figures = cache.get(key)
    if figures is None:
        figures = {name: json.loads(fig.to_json()) for name, fig in report.figures.items()}
        cache.set(key, figures, timeout=3600)
    return figures


@login_required
@require_GET
def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTML that WeasyPrint lays out, for the browser to print. Its charts are drawn by
    plotly.js in the reader's browser, from the same figures: a web process never starts one."""
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:
        return withheld(request, assessment, disclosure, what="the print view of the report")
    report = report_build(assessment)
    charts = _print_charts(_figure_data(report), report.chart_labels())
    reader = reader_from_outside(request.user, role)
    return HttpResponse(report_print_html(report, svgs=charts, reader=reader))


def _print_charts(figures: dict, labels: dict[str, str]) -> dict[str, str]:
    """Each chart as a place for plotly.js to draw it and its figure beside it, in the markup
    the print template shows where the PDF has the exported SVG."""
    return {
        name: render_to_string(
            "reports/_print_chart.html",
            {
                "name": name,
                "data_id": f"{name}-data",
                "label": labels.get(name, "Chart"),
                "figure": figure,
                "scripts": index == 0,  # once; deferred, so they run when the page is read
            },
        )
        for index, (name, figure) in enumerate(figures.items())
    }


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    # The report quotes evidence, by name where the round shows names: response-level.
    return _round_document(request, pk, report_document, "the report as PDF", "report PDF")


@login_required
@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a board paper in Word (reports.board_paper), under the PDF's rules."""
    return _round_document(
        request, pk, paper_document, "the board paper", "report Word paper", thing="board paper"
    )


def _round_document(request, pk: int, document_of, withheld_as: str, audited_as: str, thing=""):
    """A round's document as this reader may read it, once its team's figures are theirs to
    see; recorded in the audit log as it is handed over (it names people, as the report does)."""
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:
        return withheld(request, assessment, disclosure, what=withheld_as)
    report = report_build(assessment)
    document = document_of(report, reader=reader_from_outside(request.user, role))
    kind = thing or "report"
    about = {
        "assessment": assessment,
        "what": f"The {kind} for {assessment.place.name}, {assessment.period}",
        "back_url": reverse("reports-page", args=[assessment.pk]),
    } | ({"thing": thing} if thing else {})
    audited = f"{audited_as}: round {assessment.pk}"
    return document_response(request, document, about, audited=audited)


def document_response(
    request: HttpRequest, document: Document, about: dict, *, audited: str = ""
) -> HttpResponse:
    """The file; else why it could not be made; else a page that looks again shortly. A file
    with response-level data in it is recorded in the audit log (``audited`` says what) as it
    is handed over, not while it is still being made, nor when that page's script only asks
    whether it is ready (static/js/preparing.js)."""
    delivery = document_get_or_queue(document=document)
    if delivery.file:
        if request.headers.get(READY_CHECK):
            delivery.file.close()
            return HttpResponse(status=204)  # ready: the script now opens it for the reader
        if audited:
            record_export(request, audited)
        return FileResponse(
            delivery.file,
            content_type=document.content_type,
            as_attachment=document.as_attachment,
            filename=document.filename,
        )
    if delivery.problem:
        context = {**about, "reason": delivery.problem}
        return render(request, "reports/pdf_unavailable.html", context, status=503)
    context = {**about, "queued_at": delivery.queued_at, "started_at": delivery.started_at}
    return render(request, "reports/pdf_pending.html", context, status=202)


def record_export(request: HttpRequest, what: str) -> None:
    """Keep in the audit log that this person took response-level data away."""
    record(AuditKind.EXPORTED, person=request.user, request=request, detail=what)
