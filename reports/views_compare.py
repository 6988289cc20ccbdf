"""Comparing places: the page, its PDF, the board pack, the exports and the rounds API."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from assessment.exports import AGREEMENT_HEADER, agreement_rows
from assessment.models import can_compare
from assessment.statistics import SPLIT_RULE
from reports import compare, compare_charts, exports
from reports.compare import (
    chosen_columns,
    comparison_build,
    own_place_ids,
    rounds_listed,
    rounds_on_offer,
)
from reports.compare_offer import no_match, shared_summary
from reports.forms import FILTERS, CompareFilterForm, RoundsQueryForm
from reports.pack import pack_choice, pack_document
from reports.pdf import comparison_document
from reports.reliability_kept import RELIABLE_ALPHA, across_rounds, kept_reliability
from reports.views import document_response, record_export

# Factor keys are lower-case words and hyphens, so this can never be mistaken for one.
PLACE_ORDER = "_place"


def _refused(request: HttpRequest, message: str, problems: list[str]) -> HttpResponse:
    """A 400 page in the site's layout: what could not be made, why, and the way back."""
    back_url = f"{reverse('reports-compare')}?{request.GET.urlencode()}"
    context = {"message": message, "problems": problems, "back_url": back_url}
    return render(request, "reports/refused.html", context, status=400)


@login_required
@require_GET
def compare_page(request: HttpRequest) -> HttpResponse:
    form = CompareFilterForm(request.GET)
    valid = form.is_valid()
    user = request.user
    own = own_place_ids(user)
    analyst = user.is_staff or can_compare(user)
    candidates = rounds_on_offer(user, form, own=own)
    # Every round that matches is the list itself: read once.
    columns = list(candidates) if form.chooses_all else []
    if valid and not form.chooses_all:
        columns = chosen_columns(user, form, own=own)
    trend = form.cleaned_data.get("trend") if valid else None
    framework = (form.cleaned_data.get("framework") if valid else None) or None
    comparison = comparison_build(
        user,
        columns=columns,
        keys=None if form.chooses_all else form.chosen_keys,
        trend_code=trend or None,
        own=own,
        framework=framework,
    )
    everything = _on_offer_unfiltered(user, form, candidates, own) if valid and analyst else None
    sort = form.cleaned_data.get("sort", "")
    context = {
        "nav": "compare",
        "can_compare": analyst,
        "min_group": compare.min_group(),
        "form": form,
        "problems": form.problems(),
        "candidates": candidates,
        "chooses_all": form.chooses_all,
        "filtered": bool(valid and form.filters),
        "summary": shared_summary(everything) if everything else None,
        "no_match": _no_match(user, form, candidates, everything, own) if valid else [],
        "comparison": comparison,
        "rows": _sorted_rows(comparison, sort),
        "sort": sort,
        "figures": _compare_figures(comparison),
        "rounds_chart": compare_charts.rounds_chart_kind(len(comparison.rounds)),
        "standings": compare_charts.standings(comparison),
        "query": request.GET.urlencode(),
        # A board pack holds reports: not those of rounds shown without their place's name.
        "left_out_of_pack": sum(1 for c in comparison.rounds if not c.named),
        "agreement": (agreement := _agreement_rows(comparison)),
        "agreement_across": across_rounds([figures for _, figures in agreement]),
        # Past the small radars' count, the table of every round folds behind its summary.
        "agreement_folded": len(agreement) > compare_charts.GRID_MOST,
        "reliable_alpha": RELIABLE_ALPHA,
        "split_rule": SPLIT_RULE,
    }
    return render(request, "reports/compare.html", context, status=200 if valid else 400)


def _agreement_rows(comparison) -> list[tuple]:
    """Each chosen round with its reliability figures per framework, as kept when it closed
    (reports.reliability_kept): a row per round, so hundreds of rounds stay readable."""
    figures = kept_reliability([c.pk for c in comparison.rounds])
    return [(c, figures[c.pk]) for c in comparison.rounds]


def _on_offer_unfiltered(user, form: CompareFilterForm, candidates, own) -> list:
    """Every round an analyst may compare, for the summary of what is shared: the list itself
    when no filter is given, else read once more without the filters."""
    if not form.filters:
        return list(candidates)
    return rounds_on_offer(user, form.without(*FILTERS), own=own)


def _no_match(user, form: CompareFilterForm, candidates, everything, own) -> list[str]:
    """Why the list is empty, where it is (reports.compare.no_match)."""
    if candidates:
        return []
    offered = len(everything) if everything is not None else None
    return no_match(user, form, own=own, offered=offered)


def _sorted_rows(comparison, sort: str) -> list:
    rows = list(comparison.rounds)
    if sort in {f.key for f in comparison.factors}:
        rows.sort(key=lambda c: (c.values.get(sort) is None, -(c.values.get(sort) or 0)))
    elif sort == PLACE_ORDER:
        rows.sort(key=lambda c: c.label)
    return rows


def _compare_figures(comparison) -> dict:
    figures = {}
    if comparison.rounds:
        rounds = compare_charts.rounds_chart(
            comparison.rounds, comparison.factors, comparison.levels
        )
        if rounds is not None:  # beyond two dozen rounds the heat map leads
            figures["overlay"] = rounds
        figures["distribution"] = compare_charts.distribution_chart(comparison)
    if len(comparison.trend) > 1:
        trend = comparison.trend, comparison.trend_factors, comparison.levels
        figures["trend"] = compare_charts.trend_chart(*trend)
    return {name: json.loads(fig.to_json()) for name, fig in figures.items()}


@login_required
@require_GET
def compare_pdf(request: HttpRequest) -> HttpResponse:
    form = CompareFilterForm(request.GET)
    if not form.is_valid():
        return _refused(request, "The PDF cannot be made as asked.", form.problems())
    framework = form.cleaned_data["framework"] or None
    own = own_place_ids(request.user)
    columns = chosen_columns(request.user, form, own=own)
    keys = None if form.chooses_all else form.chosen_keys
    comparison = comparison_build(
        request.user, columns=columns, keys=keys, own=own, framework=framework
    )
    if not comparison.rounds:
        return _refused(request, "Choose at least one round to compare.", [])
    printed = timezone.localdate()
    document = comparison_document(comparison, reader=request.user, printed=printed)
    count = len(comparison.rounds)
    about = {
        "what": f"The comparison of {count} round{'s' if count > 1 else ''}",
        "back_url": f"{reverse('reports-compare')}?{request.GET.urlencode()}",
    }
    return document_response(request, document, about)


@login_required
@require_GET
def compare_board_pack(request: HttpRequest) -> HttpResponse:
    """The report PDFs of the chosen rounds the reader may open, in one zip with an index; made
    by a task, and kept for whoever asks for the same rounds again."""
    if not (request.user.is_staff or can_compare(request.user)):
        raise PermissionDenied("Board packs are for analysts and administrators.")
    form = CompareFilterForm(request.GET)
    if not form.is_valid():
        return _refused(request, "The board pack cannot be made as asked.", form.problems())
    columns = chosen_columns(request.user, form)
    keys = [] if form.chooses_all else form.chosen_keys
    rounds, left_out = pack_choice(request.user, columns, keys)
    if not rounds:
        why = [f"{entry.label}: {entry.reason}." for entry in left_out]
        return _refused(request, "Choose at least one round whose report you may open.", why)
    if len(rounds) > (most := settings.BOARD_PACK_MAX_REPORTS):
        return _refused(
            request,
            f"A board pack made here holds at most {most} reports.",
            [
                f"These rounds have {len(rounds)}. Narrow them by region, kind of place or "
                "period, or ask an administrator for one made with manage.py board_pack."
            ],
        )
    about = {
        "thing": "board pack",
        "what": f"The board pack of {len(rounds)} report{'s' if len(rounds) > 1 else ''}",
        "back_url": f"{reverse('reports-compare')}?{request.GET.urlencode()}",
    }
    audited = f"board pack: {_rounds_words([a.pk for a in rounds])}"
    document = pack_document(rounds, reader=request.user, left_out=left_out)
    return document_response(request, document, about, audited=audited)


def _agreement_export(columns) -> list[tuple]:
    """(place code, period, figures) per round for the exports' Agreement rows, as each round
    is shown to the reader (an anonymous round without its place's code)."""
    figures = kept_reliability([c.pk for c in columns])
    return [(c.place_code, c.period, figures[c.pk]) for c in columns]


def _export_rows(form: CompareFilterForm, user):
    """The rounds chosen (whatever the filters say), or else every round the filters offer (as
    when every round that matches is chosen)."""
    if form.chosen_keys and not form.chooses_all:
        columns = chosen_columns(user, form)
        columns.sort(key=lambda c: (c.place_name, c.period))
    else:
        columns = rounds_on_offer(user, form)
    if form.cleaned_data["detail"] == "agreement":
        rows = agreement_rows(_agreement_export(columns), str(SPLIT_RULE))
        return AGREEMENT_HEADER, rows, "agreement", columns
    if form.cleaned_data["detail"] == "responses":
        return exports.DETAIL_HEADER, exports.detail_rows(columns), "responses", columns
    return exports.SUMMARY_HEADER, exports.summary_rows(columns), "results", columns


def _record_answers(request: HttpRequest, kind: str, columns, file_type: str) -> None:
    """Every person's answers (and evidence) leaving in a file is recorded in the audit log;
    the results, one row per round and item, are figures for the team and are not."""
    if kind == "responses" and columns:
        record_export(request, f"answers {file_type}: {_rounds_words([c.pk for c in columns])}")


def _rounds_words(pks: list[int]) -> str:
    """The rounds an export held, as the audit log says it ("round 7", "rounds 3, 7, 9"). Its
    detail holds 500 characters, so a long list is cut and says how many there were."""
    if len(pks) == 1:
        return f"round {pks[0]}"
    listed = ", ".join(str(pk) for pk in sorted(pks))
    if len(listed) > 400:
        listed = listed[:400].rsplit(", ", 1)[0] + ", …"
        return f"{len(pks)} rounds: {listed}"
    return f"rounds {listed}"


def _attachment(filename: str) -> dict:
    return {"Content-Disposition": content_disposition_header(True, filename)}


@login_required
@require_GET
def compare_export_csv(request: HttpRequest) -> HttpResponse:
    form = CompareFilterForm(request.GET)
    if not form.is_valid():
        return _refused(request, "The export cannot be made as asked.", form.problems())
    header, rows, kind, columns = _export_rows(form, request.user)
    _record_answers(request, kind, columns, "CSV")
    return StreamingHttpResponse(
        exports.csv_lines(header, rows),
        content_type="text/csv; charset=utf-8",
        headers=_attachment(f"integration-maturity-{kind}.csv"),
    )


@login_required
@require_GET
def compare_export_xlsx(request: HttpRequest) -> HttpResponse:
    form = CompareFilterForm(request.GET)
    if not form.is_valid():
        return _refused(request, "The export cannot be made as asked.", form.problems())
    header, rows, kind, columns = _export_rows(form, request.user)
    _record_answers(request, kind, columns, "XLSX")
    return HttpResponse(
        exports.xlsx_bytes(
            header, rows, agreement=_agreement_export(columns) if kind == "results" else None
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_attachment(f"integration-maturity-{kind}.xlsx"),
    )


@login_required
@require_GET
def assessments_api(request: HttpRequest) -> JsonResponse:
    """The rounds the caller may see, filtered by ?place=<code>&period=&status=."""
    form = RoundsQueryForm(request.GET)
    if not form.is_valid():
        problems = {name: list(errors) for name, errors in form.errors.items()}
        return JsonResponse({"errors": problems}, status=400)
    columns = rounds_listed(request.user, form)
    return JsonResponse({"assessments": [_api_entry(request, c) for c in columns]})


def _api_entry(request: HttpRequest, column) -> dict:
    url = reverse("assessment-api", args=[column.pk])
    return {
        # An anonymous round has no id here: ids run in order, so one beside a named round's
        # would tell which rounds came together. `key` chooses it on /compare/.
        "id": column.pk if column.named else None,
        "key": column.key,
        "place": {"code": column.place_code, "name": column.place_name},
        "period": column.period,
        "status": column.assessment.status,
        "sharing": column.assessment.sharing,
        "url": request.build_absolute_uri(url) if column.named else None,
    }
