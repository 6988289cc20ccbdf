"""A respondent's answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from assessment import selectors, services, states
from assessment.models import Respondent
from assessment.response_forms import ResponseForm
from assessment.text import level_summary
from frameworks.models import Item


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring page: every item on one page, or (``?item=<n>``) one item at a time, as a
    phone needs, ending on a review (``?review=1``) with the submit button. ``?item=next``
    goes to the first item still unanswered."""
    assessment, role, verdict = states.get_assessment_for_move(
        request.user, pk, states.SAVE_ANSWERS
    )
    items = selectors.assessment_items(assessment)
    respondent = Respondent.objects.filter(assessment=assessment, user=request.user).first()
    saved = selectors.responses_by_item(respondent)
    step = _step(request, items, saved)
    if isinstance(step, HttpResponse):
        return step
    shown = items if step is None else [] if step == REVIEW else [items[step - 1]]
    revision = respondent.revision if respondent else 0
    form = ResponseForm(request.POST or None, items=shown, responses=saved, revision=revision)
    conflict = None
    if request.method == "POST" and not verdict:
        messages.error(request, verdict.reason)
        return redirect("assessment-detail", pk=assessment.pk)
    if request.method == "POST" and form.is_valid():
        try:
            return _save(request, assessment, respondent, form, items, step)
        except services.ResponsesConflict as exc:
            # Show what was saved elsewhere beside this tab's answers; saving again replaces it.
            conflict = exc
            data = request.POST.copy()
            data["revision"] = exc.respondent.revision
            form = ResponseForm(data, items=shown, responses=saved, revision=revision)
    moves = states.allowed_moves(assessment, user=request.user, role=role)
    return _page(request, assessment, respondent, items, saved, form, step, conflict, moves)


def _page(
    request, assessment, respondent, items, saved, form, step, conflict, moves
) -> HttpResponse:
    """The whole form, one item's step or the review, with the answers saved so far."""
    previous = selectors.previous_round(assessment)
    answered = sum(1 for r in saved.values() if r.current is not None)
    following = _first_unanswered(items, saved)
    scoring = states.SAVE_ANSWERS.name in moves.can
    context = {
        "assessment": assessment,
        "form": form,
        "respondent": respondent,
        "rows": _rows(form, saved, selectors.agreed_levels(previous)),
        "answered": answered,
        "next_unanswered": following,
        "total": len(items),
        "previous_round": previous,
        "conflict": conflict,
        "moves": moves,
        "editable": scoring and not (respondent and respondent.submitted_at),
        "steps": _jump_list(items, saved),
        "here": request.get_full_path(),
    }
    if step is None:
        context["saved_note"] = _saved_note(request, items, answered, following)
        template = "assessment/assessment_respond.html"
    elif step == REVIEW:
        template = "assessment/assessment_respond_review.html"
    else:
        row = context["rows"][0]
        # The item's summary can run to a paragraph: its first sentence leads, the rest folds.
        row["summary_gist"] = level_summary(row["item"].summary, length=160)
        context.update(position=step, row=row)
        template = "assessment/assessment_respond_step.html"
    return render(request, template, context, status=409 if conflict else 200)


REVIEW = "review"


def _step(request: HttpRequest, items: list[Item], saved: dict) -> int | str | None:
    """Which step the address asks for: an item's position (from 1), the review, or None for
    the whole form; the first unanswered item is a redirect to its step, a step out of range
    a 404."""
    if "review" in request.GET:
        return REVIEW
    wanted = request.GET.get("item")
    if wanted is None:
        return None
    if wanted == "next":
        following = _first_unanswered(items, saved)
        if following is None:
            return redirect(_step_url(request, REVIEW))
        return redirect(_step_url(request, items.index(following) + 1))
    # ASCII digits, and few of them: int() of thousands of digits is refused, not a 404.
    if not (wanted.isascii() and wanted.isdigit() and len(wanted) <= 4):
        raise Http404("No such item in this round.")
    if not 1 <= int(wanted) <= len(items):
        raise Http404("No such item in this round.")
    return int(wanted)


def _step_url(request: HttpRequest, step: int | str | None) -> str:
    url = request.path
    if step == REVIEW:
        return f"{url}?review=1"
    return f"{url}?item={step}" if step else url


def _jump_list(items: list[Item], saved: dict) -> list[dict]:
    """Every item's step with its saved levels by name, for the jump list and the review."""
    steps = []
    for position, item in enumerate(items, start=1):
        response = saved.get(item.pk)
        names = {level.value: f"{level.value} {level.label}" for level in item.level_labels()}
        current = getattr(response, "current", None)
        target = getattr(response, "target", None)
        steps.append(
            {
                "item": item,
                "position": position,
                "answered": current is not None,
                "current": names.get(current),
                "target": None if item.is_context else names.get(target),
            }
        )
    return steps


def _save(request, assessment, respondent, form, items, step) -> HttpResponse:
    """Save the answers; a ValidationError (an incomplete submission, scoring ended) is shown as
    a message, a ResponsesConflict goes back to the caller to draw the page again."""
    # A per-item "save" button names its item: a draft save that returns there.
    save_at = request.POST.get("save_at") if step is None else None
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
        if not states.stage_allows(states.SAVE_ANSWERS, assessment):
            return redirect("assessment-detail", pk=assessment.pk)
        return redirect(_step_url(request, step))
    if submit:
        messages.success(request, "Thank you: your answers are submitted.")
        return redirect("assessment-detail", pk=assessment.pk)
    if step is not None:
        return _after_step(request, respondent, items, step)
    item = {str(item.pk): item for item in items}.get(save_at or "")
    if item:
        # The note is drawn beside the item the page returns to, where the person is looking;
        # a message would sit at the top of a long page, off-screen.
        return redirect(f"{_step_url(request, None)}?saved={item.pk}#item-{item.pk}")
    answered = _answered(respondent)
    following = next((item for item in items if item.pk not in answered), None)
    messages.success(request, _draft_saved(len(answered), len(items), following))
    return redirect(_step_url(request, None))


def _after_step(request, respondent, items: list[Item], step) -> HttpResponse:
    """Saved from one item's step: on to the next (or back), the last step leading to review."""
    answered = _answered(respondent)
    messages.success(request, f"Draft saved: {len(answered)} of {len(items)} answered.")
    if step == REVIEW:
        return redirect(_step_url(request, REVIEW))
    if request.POST.get("step") == "previous":
        return redirect(_step_url(request, max(step - 1, 1)))
    return redirect(_step_url(request, step + 1 if step < len(items) else REVIEW))


def _answered(respondent: Respondent) -> set[int]:
    return set(respondent.responses.filter(current__isnull=False).values_list("item_id", flat=True))


def _draft_saved(count: int, total: int, following: Item | None) -> str:
    if following:
        after = f"Next unanswered: {following.title}."
    else:
        after = "Every item has an answer: submit them when you are ready."
    return f"Draft saved: {count} of {total} answered. {after}"


def _saved_note(request, items: list[Item], answered: int, following: Item | None) -> dict | None:
    """After "Save and stay here": the note drawn at the top of the item saved."""
    item = {str(item.pk): item for item in items}.get(request.GET.get("saved", ""))
    if item is None:
        return None
    return {"item": item, "text": _draft_saved(answered, len(items), following)}


def _first_unanswered(items: list[Item], saved: dict) -> Item | None:
    return next((i for i in items if getattr(saved.get(i.pk), "current", None) is None), None)


def _rows(form: ResponseForm, saved: dict, previous_levels: dict[str, int]) -> list[dict]:
    """The form's rows, each with its saved state, last round's agreed level and, for each
    level, what settles it. The first row of each framework carries the framework's placement
    rule, so the page states it once, near the levels."""
    rows = form.rows()
    ruled = set()
    for row in rows:
        item = row["item"]
        agreed = previous_levels.get(item.key)
        names = {level["value"]: level["name"] for level in row["levels"]}
        row.update(
            answered=getattr(saved.get(item.pk), "current", None) is not None,
            previous_agreed=names.get(agreed, str(agreed)) if agreed is not None else None,
            placement=_placement(item) if item.version_id not in ruled else "",
        )
        ruled.add(item.version_id)
        descriptors = selectors.level_descriptors(item)
        for level in row["levels"]:
            descriptor = descriptors.get(level["value"])
            level.update(
                evidence=descriptor.evidence if descriptor else [],
                example=descriptor.example_text if descriptor else "",
            )
    return rows


def _placement(item: Item) -> str:
    """The framework's rule for placing a team on a level, in a line or two: the framework's
    page gives it in full."""
    return level_summary(item.version.placement, length=200) if item.version.placement else ""


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _, _ = states.get_assessment_for_move(request.user, pk, states.REOPEN_ANSWERS)
    respondent = get_object_or_404(Respondent, assessment=assessment, user=request.user)
    try:
        services.response_reopen(respondent=respondent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment-detail", pk=assessment.pk)
    messages.success(request, "Your answers are open again: change them and submit.")
    return redirect("assessment-respond", pk=assessment.pk)
