"""A round's life: opening, its page, moving it on, sharing, history and the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import record
from accounts.models import AuditKind
from assessment import selectors, services, states
from assessment.disclosure import get_assessment_for_reader
from assessment.forms import (
    AdvanceForm,
    AssessmentOpenForm,
    RoundEditForm,
    SharingForm,
    StepBackForm,
)
from assessment.history import round_history
from assessment.models import SMALLEST_ANONYMOUS_GROUP
from assessment.permissions import get_assessment_for_user, get_place_for_user
from assessment.reliability_selectors import round_reliability
from assessment.services.rounds import PERIOD_TAKEN, round_people
from assessment.statistics import split_rule
from assessment.views.common import LEADS, base_url, withheld, withheld_json


@login_required
def assessment_open(request, code):
    place, _ = get_place_for_user(request.user, code, roles=LEADS)
    members = services.participants_default(place)
    form = AssessmentOpenForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_open(
                place=place,
                period=data["period"],
                versions=data["versions"],
                participants=data["participants"],
                deadline=data["deadline"],
                show_names=data["show_names"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error("period" if exc.code == PERIOD_TAKEN else None, exc)
        else:
            invited = services.round_invite(assessment=assessment, base_url=base_url(request))
            messages.success(request, f"Round {assessment.period} is open for scoring.")
            _warn_if_few(request, assessment)
            _say_mailed(request, invited, "invited")
            return redirect("assessment-detail", pk=assessment.pk)
    return render(request, "assessment/assessment_open.html", {"place": place, "form": form})


def _warn_if_few(request: HttpRequest, assessment) -> None:
    taking_part = assessment.respondents.count()
    if not assessment.show_names and taking_part < SMALLEST_ANONYMOUS_GROUP:
        messages.warning(
            request,
            f"Only {taking_part} {'person is' if taking_part == 1 else 'people are'} taking part: "
            f"with fewer than {SMALLEST_ANONYMOUS_GROUP}, answers shown without names can still be "
            f"told apart. Add people under Deadline and people, or tell them before they score.",
        )


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, role = get_assessment_for_user(request.user, pk)
    respondents = selectors.respondents_with_progress(assessment)
    mine = next((r for r in respondents if r.user_id == request.user.pk), None)
    context = {
        "assessment": assessment,
        "role": role,
        "respondents": respondents,
        "mine": mine,
        "item_count": len(selectors.assessment_items(assessment)),
        "versions": assessment.framework_versions.select_related("framework").order_by(
            "-framework__kind"
        ),
        "moves": states.allowed_moves(assessment, user=request.user, role=role),
        "sharing_form": SharingForm(initial={"sharing": assessment.sharing}),
        "advance_form": AdvanceForm(initial={"status": assessment.status}, auto_id=False),
        "reminders": assessment.reminders.select_related("sent_by")[:5],
    }
    return render(request, "assessment/assessment_detail.html", context)


@login_required
@require_POST
def assessment_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (saying what will be left behind), then move the round on."""
    return _move(
        request,
        pk,
        AdvanceForm,
        "assessment/assessment_advance_confirm.html",
        states.forward_from,
        lambda assessment, data: services.assessment_advance(
            assessment=assessment, shown_status=data["status"]
        ),
        done="The round is now: {}.",
    )


@login_required
@require_POST
def assessment_step_back(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (a reason, to reopen a closed round), then take the round a step back."""
    return _move(
        request,
        pk,
        StepBackForm,
        "assessment/assessment_step_back_confirm.html",
        states.back_from,
        lambda assessment, data: services.assessment_step_back(
            assessment=assessment,
            shown_status=data["status"],
            reason=data["reason"],
            user=request.user,
        ),
        done="The round is back to: {}.",
    )


def _move(
    request, pk: int, form_class, template: str, move_from, change, *, done: str
) -> HttpResponse:
    """A change of status: the round's page asks, the confirmation page carries it through.

    ``move_from`` names the move from the status the page showed (states.forward_from or
    back_from); ``change`` makes it through its service."""
    # Every change of status is the leads' to make: a status the form lacks changes nothing.
    assessment, role, _ = states.get_assessment_for_move(request.user, pk, states.END_SCORING)
    form = form_class(request.POST)
    if form.is_valid() and not form.cleaned_data["confirm"]:
        move = move_from(form.cleaned_data["status"])
        return _confirm(request, assessment, role, form, template, move)
    try:
        if not form.is_valid():
            raise ValidationError("Reload the round's page and try again.")
        change(assessment, form.cleaned_data)
    except ValidationError as exc:
        if getattr(exc, "code", None) == states.REASON_NEEDED:
            # Refused for what the form left out: ask again on the same page, keeping the rest.
            move = move_from(form.cleaned_data["status"])
            return _confirm(request, assessment, role, form, template, move, problems=exc.messages)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(assessment.get_status_display()))
    return redirect("assessment-detail", pk=assessment.pk)


def _confirm(
    request, assessment, role, form, template: str, move, *, problems: list[str] | None = None
) -> HttpResponse:
    """The confirmation page of a move the round allows from the status the page showed."""
    shown = form.cleaned_data["status"]
    verdict = states.may(move, assessment, user=request.user, role=role, shown_status=shown)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("assessment-detail", pk=assessment.pk)
    confirm = type(form)(initial={**form.cleaned_data, "status": shown, "confirm": True})
    context = {
        "assessment": assessment,
        "form": confirm,
        "move": move,
        "reason_needed": move.needs_reason_from(request.user),
        "problems": problems or [],
        "left": selectors.advance_leaves_behind(assessment),
    }
    return render(request, template, context, status=400 if problems else 200)


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _, verdict = states.get_assessment_for_move(request.user, pk, states.CHANGE_PEOPLE)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("assessment-detail", pk=assessment.pk)
    people = round_people(assessment)
    initial = {"deadline": assessment.deadline, "participants": people.taking_part}
    form = RoundEditForm(
        request.POST or None, members=people.members, imported=people.imported, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.assessment_edit(assessment=assessment, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("assessment-detail", pk=assessment.pk)
        invited = services.round_invite(
            assessment=assessment, base_url=base_url(request), respondents=changed.added
        )
        messages.success(request, _changes_said(changed))
        _say_mailed(request, invited, "invited")
        return redirect("assessment-detail", pk=assessment.pk)
    context = {"assessment": assessment, "form": form}
    return render(
        request, "assessment/assessment_edit.html", context, status=400 if form.errors else 200
    )


def _changes_said(changed) -> str:
    parts = ["Saved."]
    if changed.added:
        parts.append(f"Added {', '.join(r.name for r in changed.added)}.")
    if changed.removed:
        parts.append(f"Removed {', '.join(changed.removed)}; their answers no longer count.")
    return " ".join(parts)


@login_required
@require_POST
def assessment_remind(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _, _ = states.get_assessment_for_move(request.user, pk, states.REMIND)
    try:
        reminded = services.round_remind(
            assessment=assessment, base_url=base_url(request), user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _say_mailed(request, reminded, "reminded")
    return redirect("assessment-detail", pk=assessment.pk)


def _say_mailed(request, outcome, verb: str) -> None:
    if outcome.queued:  # a worker sends them (TASKS_BACKEND=database)
        what = {"invited": "Invitations", "reminded": "Reminders"}[verb]
        messages.success(request, f"{what} queued to be e-mailed to: {', '.join(outcome.queued)}.")
    if outcome.sent:
        messages.success(request, f"E-mailed and {verb}: {', '.join(outcome.sent)}.")
    if outcome.failed:
        messages.warning(
            request,
            f"The mail server did not take the e-mail for {', '.join(outcome.failed)}; "
            f"try again later.",
        )


@login_required
@require_POST
def assessment_share(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _, _ = states.get_assessment_for_move(request.user, pk, states.SHARE)
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
@require_GET
def assessment_history(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _, disclosure = get_assessment_for_reader(request.user, pk, roles=LEADS)
    if not disclosure.team_figures:  # the history of answers holds their values
        return withheld(request, assessment, disclosure, what="the history of changes")
    context = {"assessment": assessment, "changes": round_history(assessment, reader=request.user)}
    return render(request, "assessment/assessment_history.html", context)


@login_required
@require_GET
def assessment_api(request: HttpRequest, pk: int) -> JsonResponse:
    assessment, _, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:
        return withheld_json(disclosure)
    summaries = selectors.assessment_summaries(assessment)
    # Each item's spread of answers and the agreed rationale: response-level, so audited.
    detail = f"round API (JSON): round {assessment.pk}"
    record(AuditKind.EXPORTED, person=request.user, request=request, detail=detail)
    document = selectors.assessment_document(assessment, summaries)
    document.update(agreement_document(summaries))
    return JsonResponse(document)


def agreement_document(summaries) -> dict:
    """How far to trust the round's numbers, per pinned framework: "agreement" maps each
    framework's slug to its figures (krippendorff_alpha, alpha_ci, raters, within_one,
    split_items, cronbach_alpha, ...), so a round with one framework reads
    agreement[slug].krippendorff_alpha and one with several reads each alike; "agreement_rule"
    is the split rule that named the split items, with its source."""
    figures = round_reliability(summaries)
    return {
        "agreement": {f.framework: f.as_dict() for f in figures},
        "agreement_rule": split_rule().as_dict(),
    }
