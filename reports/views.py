import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.tasks import TaskResultStatus
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from assessment.permissions import get_assessment_for_user
from reports import charts, compare, exports
from reports.chart_export import ChartExportError, figures_to_svg
from reports.compare import columns_for, comparable_rounds, comparison_build, visible_rounds
from reports.forms import CompareFilterForm, chosen_ids
from reports.pdf import cache_name, html_to_pdf, report_filename, report_print_html
from reports.selectors import report_build
from reports.tasks import render_report_pdf


def _report_for(request, pk):
    assessment, role = get_assessment_for_user(request.user, pk)
    return report_build(assessment), role


@login_required
@require_GET
def report_page(request, pk):
    report, role = _report_for(request, pk)
    # Building Plotly figures costs more than the rest of the page: keep them per digest.
    key = f"report-figures:{report.digest}"
    figures = cache.get(key)
    if figures is None:
        figures = {name: json.loads(fig.to_json()) for name, fig in report.figures.items()}
        cache.set(key, figures, timeout=3600)
    context = {"report": report, "assessment": report.assessment, "role": role, "figures": figures}
    return render(request, "reports/report_page.html", context)


@login_required
@require_GET
def report_print(request, pk):
    """The exact HTML that WeasyPrint lays out, charts inline as SVG."""
    report, _ = _report_for(request, pk)
    try:
        return HttpResponse(report_print_html(report))
    except ChartExportError as exc:
        return _unavailable(request, report, str(exc))


@login_required
@require_GET
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


# --- comparing places -------------------------------------------------------------------------


# Factor keys are lower-case words and hyphens, so this can never be mistaken for one.
PLACE_ORDER = "_place"


def _comparison(request):
    form = CompareFilterForm(request.GET)
    ids = chosen_ids(request.GET)
    comparison = comparison_build(request.user, ids, trend_code=request.GET.get("trend"))
    return form, ids, comparison


@login_required
@require_GET
def compare_page(request):
    form, ids, comparison = _comparison(request)
    candidates = columns_for(request.user, form.filter(comparable_rounds(request.user)))
    candidates.sort(key=lambda c: (c.place_name, c.assessment.period))
    rows = list(comparison.rounds)
    sort = request.GET.get("sort", "")
    if sort in {f.key for f in comparison.factors}:
        rows.sort(key=lambda c: (c.values.get(sort) is None, -(c.values.get(sort) or 0)))
    elif sort == PLACE_ORDER:
        rows.sort(key=lambda c: c.label)
    figures = {}
    if comparison.rounds:
        figures["overlay"] = charts.overlay_radar(
            comparison.rounds[: compare.MAX_OVERLAY], comparison.factors, comparison.levels
        )
        figures["distribution"] = charts.distribution_chart(comparison)
    if len(comparison.trend) > 1:
        figures["trend"] = charts.trend_chart(
            comparison.trend, comparison.trend_factors, comparison.levels,
            title=f"{comparison.trend_place.name} over time",
        )  # fmt: skip
    context = {
        "nav": "compare", "form": form, "candidates": candidates, "chosen": set(ids),
        "comparison": comparison, "rows": rows, "sort": sort,
        "figures": {name: json.loads(fig.to_json()) for name, fig in figures.items()},
        "ignored": len(ids) - len(comparison.rounds), "max_overlay": compare.MAX_OVERLAY,
        "query": request.GET.urlencode(),
    }  # fmt: skip
    return render(request, "reports/compare.html", context)


@login_required
@require_GET
def compare_pdf(request):
    _, _, comparison = _comparison(request)
    if not comparison.rounds:
        return HttpResponse("Choose at least one round to compare.", status=400)
    figures = [
        charts.overlay_radar(comparison.rounds[: compare.MAX_OVERLAY], comparison.factors,
                             comparison.levels),
        charts.distribution_chart(comparison),
    ]  # fmt: skip
    try:
        overlay, distribution = figures_to_svg(figures)
    except ChartExportError as exc:
        return HttpResponse(f"The PDF could not be made: {exc}", status=503)
    html = render_to_string(
        "reports/compare_print.html",
        {"comparison": comparison, "svgs": {"overlay": overlay, "distribution": distribution}},
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="place-comparison.pdf"'
    return response


def _export_rows(request):
    form, ids = CompareFilterForm(request.GET), chosen_ids(request.GET)
    rounds = comparable_rounds(request.user)
    rounds = rounds.filter(pk__in=ids) if ids else form.filter(rounds)
    columns = sorted(
        columns_for(request.user, rounds), key=lambda c: (c.place_name, c.assessment.period)
    )
    if request.GET.get("detail") == "responses":
        return exports.DETAIL_HEADER, exports.detail_rows(columns), "responses"
    return exports.SUMMARY_HEADER, exports.summary_rows(columns), "results"


@login_required
@require_GET
def compare_export_csv(request):
    header, rows, kind = _export_rows(request)
    response = StreamingHttpResponse(
        exports.csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="integration-maturity-{kind}.csv"'
    return response


@login_required
@require_GET
def compare_export_xlsx(request):
    header, rows, kind = _export_rows(request)
    response = HttpResponse(
        exports.xlsx_bytes(header, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="integration-maturity-{kind}.xlsx"'
    return response


@login_required
@require_GET
def assessments_api(request):
    """The rounds the caller may see, filtered by ?place=<code>&period=&status=."""
    rounds = visible_rounds(request.user).order_by("-created_at")
    place = request.GET.get("place")
    if place:
        rounds = rounds.filter(place__code=place)
    if period := request.GET.get("period"):
        rounds = rounds.filter(period=period)
    if status := request.GET.get("status"):
        rounds = rounds.filter(status=status)
    columns = columns_for(request.user, rounds)
    if place:  # an anonymous round is never found by the code it hides
        columns = [c for c in columns if c.place_code == place]
    columns.sort(key=lambda c: c.place_name)  # by the name shown, not the one hidden
    return JsonResponse(
        {
            "assessments": [
                {"id": c.pk, "place": {"code": c.place_code, "name": c.place_name},
                 "period": c.assessment.period, "status": c.assessment.status,
                 "sharing": c.assessment.sharing,
                 "url": request.build_absolute_uri(reverse("assessment-api", args=[c.pk]))
                 if c.named else None}
                for c in columns
            ]
        }
    )  # fmt: skip
