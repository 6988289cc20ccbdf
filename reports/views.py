import json

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.tasks import TaskResultStatus

from assessment.permissions import get_assessment_for_user
from reports.chart_export import ChartExportError
from reports.pdf import cache_name, report_filename, report_print_html
from reports.selectors import report_build
from reports.tasks import render_report_pdf


def _report_for(request, pk):
    assessment, role = get_assessment_for_user(request.user, pk)
    return report_build(assessment), role


@login_required
def report_page(request, pk):
    report, role = _report_for(request, pk)
    figures = {name: json.loads(fig.to_json()) for name, fig in report.figures.items()}
    context = {"report": report, "assessment": report.assessment, "role": role, "figures": figures}
    return render(request, "reports/report_page.html", context)


@login_required
def report_print(request, pk):
    """The exact HTML that WeasyPrint lays out, charts inline as SVG."""
    report, _ = _report_for(request, pk)
    try:
        return HttpResponse(report_print_html(report))
    except ChartExportError as exc:
        return _unavailable(request, report, str(exc))


@login_required
def report_pdf(request, pk):
    report, _ = _report_for(request, pk)
    name = cache_name(report)
    if not default_storage.exists(name):
        result = render_report_pdf.enqueue(report.assessment.pk)
        if result.status == TaskResultStatus.FAILED:
            reason = "; ".join(e.traceback.strip().splitlines()[-1] for e in result.errors)
            return _unavailable(request, report, reason)
        if result.status != TaskResultStatus.SUCCESSFUL:
            # A background worker is rendering it: say so, and look again shortly.
            context = {"report": report, "assessment": report.assessment}
            return render(request, "reports/report_pending.html", context, status=202)
    response = FileResponse(
        default_storage.open(name, "rb"), content_type="application/pdf", as_attachment=False
    )
    response["Content-Disposition"] = f'inline; filename="{report_filename(report)}"'
    return response


def _unavailable(request, report, reason: str):
    context = {"report": report, "assessment": report.assessment, "reason": reason}
    return render(request, "reports/report_unavailable.html", context, status=503)
