"""A respondent's answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessment import selectors, services
from assessment.forms import ResponseForm
from assessment.models import Assessment, Respondent
from assessment.permissions import get_assessment_for_user
from assessment.views.common import SCORERS
from frameworks.models import Item


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
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
            return _save(request, assessment, respondent, form, items)
        except services.ResponsesConflict as exc:
            # Show what was saved elsewhere beside this tab's answers; saving again replaces it.
            conflict, status = exc, 409
            data = request.POST.copy()
            data["revision"] = exc.respondent.revision
            form = ResponseForm(data, items=items, responses=saved, revision=revision)
    previous = selectors.previous_round(assessment)
    context = {
        "assessment": assessment,
        "form": form,
        "respondent": respondent,
        "rows": _rows(form, saved, selectors.agreed_levels(previous)),
        "answered": sum(1 for r in saved.values() if r.current is not None),
        "next_unanswered": _first_unanswered(items, saved),
        "total": len(items),
        "previous_round": previous,
        "conflict": conflict,
        "editable": assessment.is_open and not (respondent and respondent.submitted_at),
    }
    return render(request, "assessment/assessment_respond.html", context, status=status)


def _save(request, assessment, respondent, form, items) -> HttpResponse:
    """Save the answers; a ValidationError (an incomplete submission, scoring ended) is shown as
    a message, a ResponsesConflict goes back to the caller to draw the page again."""
    # A per-item "save" button names its item: a draft save that returns there.
    save_at = request.POST.get("save_at")
    submit = save_at is None and request.POST.get("action") == "submit"
    try:
        respondent = respondent or services.respondent_for_user(
            assessment=assessment, user=request.user
        )
        services.responses_save(
            respondent=respondent,
            answers=form.answers(),
            submit=submit,
            revision=form.cleaned_data["revision"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        assessment.refresh_from_db(fields=["status"])  # it may have moved on meanwhile
        if not assessment.is_open:
            return redirect("assessment-detail", pk=assessment.pk)
        return redirect("assessment-respond", pk=assessment.pk)
    if submit:
        messages.success(request, "Thank you: your answers are submitted.")
        return redirect("assessment-detail", pk=assessment.pk)
    answered = set(
        respondent.responses.filter(current__isnull=False).values_list("item_id", flat=True)
    )
    following = next((item for item in items if item.pk not in answered), None)
    if following:
        after = f"Next unanswered: {following.title}."
    else:
        after = "Every item has an answer: submit them when you are ready."
    messages.success(request, f"Draft saved: {len(answered)} of {len(items)} answered. {after}")
    return redirect(_return_to(assessment, items, save_at))


def _return_to(assessment: Assessment, items: list[Item], save_at: str | None) -> str:
    """The page again, at the item whose button was pressed; at the top for anything else."""
    url = reverse("assessment-respond", args=[assessment.pk])
    item = {str(item.pk): item for item in items}.get(save_at or "")
    return f"{url}#item-{item.pk}" if item else url


def _first_unanswered(items: list[Item], saved: dict) -> Item | None:
    return next((i for i in items if getattr(saved.get(i.pk), "current", None) is None), None)


def _rows(form: ResponseForm, saved: dict, previous_levels: dict[str, int]) -> list[dict]:
    """The form's rows, each with its saved state and last round's agreed level."""
    rows = form.rows()
    for row in rows:
        item = row["item"]
        agreed = previous_levels.get(item.key)
        names = {level["value"]: level["name"] for level in row["levels"]}
        row.update(
            answered=getattr(saved.get(item.pk), "current", None) is not None,
            previous_agreed=names.get(agreed, str(agreed)) if agreed is not None else None,
        )
    return rows


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _ = get_assessment_for_user(request.user, pk, roles=SCORERS)
    respondent = get_object_or_404(Respondent, assessment=assessment, user=request.user)
    try:
        services.response_reopen(respondent=respondent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment-detail", pk=assessment.pk)
    messages.success(request, "Your answers are open again: change them and submit.")
    return redirect("assessment-respond", pk=assessment.pk)
