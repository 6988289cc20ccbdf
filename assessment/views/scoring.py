"""A respondent's answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assessment import selectors, services
from assessment.forms import (
    ResponseForm,
)
from assessment.models import Respondent
from assessment.permissions import get_assessment_for_user
from assessment.views.common import SCORERS


@login_required
def assessment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _ = get_assessment_for_user(request.user, pk, roles=SCORERS)
    items = selectors.assessment_items(assessment)
    respondent = Respondent.objects.filter(assessment=assessment, user=request.user).first()
    saved = selectors.responses_by_item(respondent)
    revision = respondent.revision if respondent else 0
    form = ResponseForm(request.POST or None, items=items, responses=saved, revision=revision)
    conflict, status = None, 200
    if request.method == "POST" and not assessment.is_open:
        messages.error(request, services.SCORING_ENDED)
        return redirect("assessment-detail", pk=assessment.pk)
    if request.method == "POST" and form.is_valid():
        try:
            respondent = respondent or services.respondent_for_user(
                assessment=assessment, user=request.user
            )
            submit = request.POST.get("action") == "submit"
            services.responses_save(
                respondent=respondent, answers=form.answers(), submit=submit,
                revision=form.cleaned_data["revision"],
            )  # fmt: skip
        except services.ResponsesConflict as exc:
            # Show what was saved elsewhere beside this tab's answers; saving again replaces it.
            conflict, status = exc, 409
            data = request.POST.copy()
            data["revision"] = exc.respondent.revision
            form = ResponseForm(data, items=items, responses=saved, revision=revision)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            assessment.refresh_from_db(fields=["status"])  # it may have moved on meanwhile
            if not assessment.is_open:
                return redirect("assessment-detail", pk=assessment.pk)
            return redirect("assessment-respond", pk=assessment.pk)
        else:
            return _after_save(request, assessment, respondent, submit, len(items))
    context = {"assessment": assessment, "form": form, "respondent": respondent,
               "answered": sum(1 for r in saved.values() if r.current is not None),
               "total": len(items), "conflict": conflict}  # fmt: skip
    return render(request, "assessment/assessment_respond.html", context, status=status)


def _after_save(request, assessment, respondent, submit: bool, total: int) -> HttpResponse:
    if submit:
        messages.success(request, "Thank you: your answers are submitted.")
        return redirect("assessment-detail", pk=assessment.pk)
    answered = respondent.responses.filter(current__isnull=False).count()
    messages.success(request, f"Draft saved: {answered} of {total} answered.")
    return redirect("assessment-respond", pk=assessment.pk)


@login_required
@require_POST
def assessment_reopen(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=SCORERS)
    respondent = get_object_or_404(Respondent, assessment=assessment, user=request.user)
    try:
        services.response_reopen(respondent=respondent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment-detail", pk=assessment.pk)
    messages.success(request, "Your answers are open again: change them and submit.")
    return redirect("assessment-respond", pk=assessment.pk)
