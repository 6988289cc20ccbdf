"""Workshop scores from a spreadsheet."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from assessment import selectors, services, states
from assessment.forms import ImportConfirmForm, ScoresUploadForm
from assessment.import_forms import ImportGoAheadForm
from assessment.import_template import template_workbook
from assessment.imports import ScoresFileError, check_rows, plural, read_table
from assessment.permissions import get_assessment_for_user
from assessment.text import file_name_part
from assessment.views.common import LEADS


def assessment_for_import(request: HttpRequest, pk: int):
    """The round whose scores this user may import (404/403 otherwise). Asked from the session
    alone, so config.uploads asks it too, before an upload is read."""
    assessment, _, _ = states.get_assessment_for_move(request.user, pk, states.IMPORT_SCORES)
    return assessment


@login_required
@require_http_methods(["GET", "POST"])
def assessment_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload, see what it would do, then import: nothing is written before the go-ahead."""
    assessment = assessment_for_import(request, pk)
    if request.method == "POST" and not states.stage_allows(states.IMPORT_SCORES, assessment):
        messages.error(request, states.IMPORT_SCORES.refusal_at(assessment.status))
        return redirect("assessment-detail", pk=assessment.pk)
    if "token" in request.POST:
        return _import_confirmed(request, assessment)
    form = ScoresUploadForm(request.POST or None, request.FILES or None)
    errors, status = [], 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            rows = check_rows(read_table(upload.name, content), _versions(assessment))
            token = services.upload_stash(assessment=assessment, name=upload.name, content=content)
        except ScoresFileError as exc:
            errors = exc.errors
        except ValidationError as exc:  # storage could not keep the file until the go-ahead
            messages.error(request, " ".join(exc.messages))
            status = 503
        else:
            return _preview(request, assessment, rows, upload.name, initial={"token": token})
    context = {"assessment": assessment, "form": form, "errors": errors}
    return render(request, "assessment/assessment_import.html", context, status=status)


def _versions(assessment):
    return list(assessment.framework_versions.prefetch_related("levels", "items"))


def _preview(request, assessment, rows, filename: str, *, initial=None, data=None, status=200):
    preview = services.import_preview(assessment=assessment, rows=rows)
    confirm = ImportGoAheadForm(data, initial=initial, incomplete=preview.incomplete)
    context = {
        "assessment": assessment,
        "preview": preview,
        "form": confirm,
        "filename": filename,
        "rows": len(rows),
    }
    return render(request, "assessment/assessment_import_preview.html", context, status=status)


def _import_confirmed(request: HttpRequest, assessment) -> HttpResponse:
    confirm = ImportConfirmForm(request.POST)
    try:
        if not confirm.is_valid():
            raise ValidationError("That upload has expired: upload the file again.")
        stored, content = services.upload_unstash(
            assessment=assessment, token=confirm.cleaned_data["token"]
        )
        # Checked again: the round, or the frameworks' levels, may have changed meanwhile.
        rows = check_rows(read_table(stored, content), _versions(assessment))
        preview = services.import_preview(assessment=assessment, rows=rows)
        go_ahead = ImportGoAheadForm(request.POST, incomplete=preview.incomplete)
        if not go_ahead.is_valid():
            # Someone ticked has submitted (or was removed) since the preview: show it again.
            messages.error(request, "The round changed since this preview: check it again.")
            return _preview(request, assessment, rows, "The file", data=request.POST, status=409)
        summary = services.scores_import(
            assessment=assessment,
            rows=rows,
            add_respondents=go_ahead.cleaned_data["add_respondents"],
            mark_submitted=go_ahead.cleaned_data["mark_submitted"],
        )
    except ScoresFileError as exc:
        messages.error(request, f"Nothing was imported: {plural(len(exc.errors), 'problem')}.")
        context = {"assessment": assessment, "form": ScoresUploadForm(), "errors": exc.errors}
        return render(request, "assessment/assessment_import.html", context, status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment-import", pk=assessment.pk)
    services.upload_forget(name=stored)
    messages.success(request, f"Imported {summary}.")
    return redirect("assessment-detail", pk=assessment.pk)


@login_required
@require_GET
def assessment_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    names = [r.name for r in assessment.respondents.order_by("name")] or [
        f"Participant {n}" for n in range(1, 6)
    ]
    content = template_workbook(
        assessment=assessment, items=selectors.assessment_items(assessment), names=names
    )
    filename = f"{assessment.place.code}-{file_name_part(assessment.period)}-workshop-scores.xlsx"
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename)
