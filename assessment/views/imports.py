"""Workshop scores from a spreadsheet."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render

from assessment import selectors, services
from assessment.forms import (
    ScoresUploadForm,
)
from assessment.imports import ScoresFileError, check_rows, read_table, template_workbook
from assessment.permissions import get_assessment_for_user
from assessment.views.common import LEADS


@login_required
def assessment_import(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    form = ScoresUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        versions = list(assessment.framework_versions.prefetch_related("levels", "items"))
        try:
            rows = check_rows(read_table(upload.name, upload.read()), versions)
            with transaction.atomic():
                summary = services.scores_import(assessment=assessment, rows=rows)
        except ScoresFileError as exc:
            errors = exc.errors
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Imported {summary}.")
            return redirect("assessment-detail", pk=assessment.pk)
    status = 400 if request.method == "POST" else 200
    context = {"assessment": assessment, "form": form, "errors": errors}
    return render(request, "assessment/assessment_import.html", context, status=status)


@login_required
def assessment_import_template(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    names = [r.name for r in assessment.respondents.order_by("name")] or [
        f"Participant {n}" for n in range(1, 6)
    ]
    content = template_workbook(
        assessment=assessment, items=selectors.assessment_items(assessment), names=names
    )
    filename = f"{assessment.place.code}-{assessment.period}-workshop-scores.xlsx".replace(" ", "-")
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename)
