"""The improvement plan: a round's actions, their downloads and JSON, and the next round.

Everyone who may read a round reads its plan; only its leads add and change actions, at every
stage of the round, and start the next round from a closed one.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from assessment import plan as plans
from assessment import plan_exports
from assessment.action_forms import (
    ActionForm,
    NextRoundForm,
    action_initial,
    expected_field_name,
)
from assessment.disclosure import get_assessment_for_reader
from assessment.exports import csv_bytes, plan_xlsx
from assessment.models import Action, Assessment, Membership
from assessment.permissions import get_assessment_for_user, reader_from_outside
from assessment.selectors import ItemSummary, assessment_summaries
from assessment.services.actions import (
    ActionConflict,
    NextRound,
    action_create,
    action_update,
    assessment_next,
)
from assessment.text import file_name_part
from assessment.views.common import LEADS, withheld, withheld_json


def _plan_url(assessment: Assessment, items: list) -> str:
    """The plan, scrolled to the first item the action is for."""
    url = reverse("assessment-actions", kwargs={"pk": assessment.pk})
    return f"{url}#item-{items[0].key}" if items else url


def _members(assessment: Assessment) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(place_id=assessment.place_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )


def _form(
    request: HttpRequest, assessment: Assessment, summaries: list[ItemSummary], **kw
) -> ActionForm:
    items = [s.item for s in summaries]
    data = request.POST if request.method == "POST" else None
    return ActionForm(data, items=items, members=_members(assessment), **kw)


@login_required
@require_GET
def action_plan(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:  # the plan ranks the team's gaps
        return withheld(request, assessment, disclosure, what="the improvement plan")
    plan = plans.plan_get(assessment, reader=reader_from_outside(request.user, role))
    context = {
        "assessment": assessment,
        "role": role,
        "plan": plan,
        "summary": plans.plan_summary(assessment, plan=plan),
        "next_rounds": _next_rounds(assessment, reader_from_outside(request.user, role)),
    }
    return render(request, "assessment/actions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _, disclosure = get_assessment_for_reader(request.user, pk, roles=LEADS)
    if not disclosure.team_figures:  # the form states the team's gap on the chosen item
        return withheld(request, assessment, disclosure, what="a new action")
    summaries = assessment_summaries(assessment)
    # ?item=<key> comes from a gap's link; a key the round lacks is ignored.
    chosen = next((s for s in summaries if s.item.key == request.GET.get("item")), None)
    # A context factor (Place) describes circumstances: no level is "good" or expected of it.
    good = chosen.result if chosen and not chosen.item.is_context else None
    if good and good.next_level is None:
        good = None  # unscored, or already at the top
    initial = {"items": [chosen.item.key]} if chosen else {}
    if good:
        initial[expected_field_name(chosen.item)] = good.next_level
    form = _form(request, assessment, summaries, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = form.action_values()
            action = action_create(assessment=assessment, user=request.user, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Action “{action.title}” added to the plan.")
            return redirect(_plan_url(assessment, values["items"]))
    context = {
        "assessment": assessment,
        "form": form,
        "chosen": chosen,
        "good": good,
        "gap_text": plans.PlanRow(summary=chosen).gap_text if chosen else "",
    }
    return render(request, "assessment/action_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    action = get_object_or_404(
        Action.objects.select_related("carried_from__assessment").prefetch_related("items"),
        pk=action_pk,
        assessment=assessment,
    )
    summaries = assessment_summaries(assessment)
    form = _form(request, assessment, summaries, initial=action_initial(action))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            shown_at = form.cleaned_data["updated_at"]
            values = form.action_values()
            action = action_update(action=action, shown_updated_at=shown_at, **values)
        except ActionConflict as exc:
            # Their version is shown above the form; saving again now replaces it.
            conflict, data = exc.current, request.POST.copy()
            data["updated_at"] = conflict.updated_at.isoformat()
            form = ActionForm(data, items=[s.item for s in summaries], members=_members(assessment))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Action “{action.title}” saved.")
            return redirect(_plan_url(assessment, values["items"]))
    context = {
        "assessment": assessment,
        "form": form,
        "action": action,
        "conflict": conflict,
        "changes": action.history.select_related("history_user").order_by("-history_date")[:50],
    }
    return render(request, "assessment/action_form.html", context, status=409 if conflict else 200)


def _next_rounds(assessment: Assessment, outsider) -> list[Assessment]:
    """The rounds started from this one; for an analyst only those they may open, so a later
    round shared anonymously is never tied to this named one."""
    rounds = assessment.next_rounds.order_by("created_at")
    if outsider is not None:
        rounds = rounds.filter(pk__in=Assessment.objects.visible_to(outsider).values("pk"))
    return list(rounds)


def _download(
    content: bytes, assessment: Assessment, extension: str, content_type: str
) -> FileResponse:
    # The whole period: "2026/27 Q1" gives 2026-27-q1.
    name = f"{assessment.place.code}-{file_name_part(assessment.period)}-action-plan.{extension}"
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=name, content_type=content_type
    )


@login_required
@require_GET
def actions_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:
        return withheld(request, assessment, disclosure, what="the improvement plan")
    plan = plans.plan_get(assessment, reader=reader_from_outside(request.user, role))
    rows = plan_exports.export_rows(plan)
    content = csv_bytes(plan_exports.EXPORT_HEADER, rows)
    return _download(content, assessment, "csv", "text/csv; charset=utf-8")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def actions_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:
        return withheld(request, assessment, disclosure, what="the improvement plan")
    plan = plans.plan_get(assessment, reader=reader_from_outside(request.user, role))
    return _download(plan_xlsx(plan), assessment, "xlsx", XLSX)


@login_required
@require_GET
def actions_api(request: HttpRequest, pk: int) -> JsonResponse:
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if not disclosure.team_figures:
        return withheld_json(disclosure)
    plan = plans.plan_get(assessment, reader=reader_from_outside(request.user, role))
    return JsonResponse(plan_exports.plan_document(plan))


@login_required
@require_http_methods(["GET", "POST"])
def assessment_next_round(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    members, taking_part = plans.next_round_people(assessment)
    data = request.POST if request.method == "POST" else None
    initial = {"show_names": assessment.show_names}
    # The frameworks last round scored, each at its latest version, are ticked.
    frameworks = set(assessment.framework_versions.values_list("framework", flat=True))
    form = NextRoundForm(
        data, members=members, taking_part=taking_part, initial=initial, frameworks=frameworks
    )
    if request.method == "POST" and form.is_valid():
        try:
            started = assessment_next(assessment=assessment, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _say_what_was_carried(request, started, assessment)
            # The round's page, not its plan: a lead taking part sees the plan's gaps only
            # once they have given their own answers.
            return redirect("assessment-detail", pk=started.assessment.pk)
    versions = form.fields["versions"].ticked()
    context = {
        "assessment": assessment,
        "form": form,
        "versions": versions,
        "preview": plans.carry_preview(assessment, versions),
        "started": assessment.next_rounds.first(),
    }
    return render(request, "assessment/assessment_next.html", context)


def _say_what_was_carried(request: HttpRequest, started: NextRound, previous: Assessment) -> None:
    count = len(started.carried)
    messages.success(
        request,
        f"Round {started.assessment.period} is open for scoring. {count} open "
        f"action{'' if count == 1 else 's'} carried over from {previous.period}.",
    )
    for carried in started.with_missing_items:
        gone = ", ".join(f"{item.title} ({item.key})" for item in carried.missing)
        kept = "it keeps its other items" if carried.action.items.exists() else "link it anew"
        messages.warning(
            request,
            f"“{carried.action.title}” was linked to {gone}, which the new framework versions "
            f"do not have: {kept}.",
        )
