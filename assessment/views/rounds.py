"""A round's life: opening, its page, moving it on, sharing, history and the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessment import selectors, services
from assessment.forms import (
    AdvanceForm,
    AssessmentOpenForm,
    SharingForm,
)
from assessment.models import Consensus, Response
from assessment.permissions import get_assessment_for_user, get_place_for_user
from assessment.views.common import LEADS


@login_required
def assessment_open(request, code):
    place, _ = get_place_for_user(request.user, code, roles=LEADS)
    members = services.participants_default(place)
    form = AssessmentOpenForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_open(
                place=place, period=data["period"],
                versions=[data["matrix_version"], data["lessons_version"]],
                participants=data["participants"], deadline=data["deadline"],
                show_names=data["show_names"], user=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error("period", exc)
        else:
            messages.success(request, f"Round {assessment.period} is open for scoring.")
            return redirect("assessment-detail", pk=assessment.pk)
    return render(request, "assessment/assessment_open.html", {"place": place, "form": form})


@login_required
def assessment_detail(request, pk):
    assessment, role = get_assessment_for_user(request.user, pk)
    respondents = selectors.respondents_with_progress(assessment)
    mine = next((r for r in respondents if r.user_id == request.user.pk), None)
    context = {
        "assessment": assessment, "role": role, "respondents": respondents, "mine": mine,
        "item_count": len(selectors.assessment_items(assessment)),
        "versions": assessment.framework_versions.select_related("framework").order_by(
            "-framework__kind"
        ),
        "sharing_form": SharingForm(initial={"sharing": assessment.sharing}),
        "advance_form": AdvanceForm(initial={"status": assessment.status}),
    }  # fmt: skip
    return render(request, "assessment/assessment_detail.html", context)


@login_required
@require_POST
def assessment_advance(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    form = AdvanceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Reload the round's page and try again.")
        services.assessment_advance(assessment=assessment, shown_status=form.cleaned_data["status"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The round is now: {assessment.get_status_display()}.")
    return redirect("assessment-detail", pk=assessment.pk)


@login_required
@require_POST
def assessment_share(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    form = SharingForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose how to share the round.")
        services.assessment_share(assessment=assessment, sharing=form.cleaned_data["sharing"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Sharing: {assessment.get_sharing_display()}.")
    return redirect("assessment-detail", pk=assessment.pk)


@login_required
def assessment_history(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    responses = (
        Response.history.filter(respondent__assessment=assessment)
        .select_related("history_user", "respondent", "item")
        .order_by("-history_date")[:300]
    )
    consensus = (
        Consensus.history.filter(assessment=assessment)
        .select_related("history_user", "item")
        .order_by("-history_date")[:300]
    )
    context = {"assessment": assessment, "responses": responses, "consensus": consensus}
    return render(request, "assessment/assessment_history.html", context)


@login_required
def assessment_api(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk)
    summaries = selectors.assessment_summaries(assessment)
    return JsonResponse(selectors.assessment_document(assessment, summaries))
