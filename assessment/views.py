import io
from math import floor

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessment import selectors, services
from assessment.forms import (
    AdvanceForm,
    AssessmentOpenForm,
    ConsensusForm,
    MemberAddForm,
    ResponseForm,
    ScoresUploadForm,
    SharingForm,
)
from assessment.imports import ScoresFileError, check_rows, read_table, template_workbook
from assessment.models import Consensus, Membership, Respondent, Response, Role
from assessment.permissions import get_assessment_for_user, get_place_for_user
from assessment.statistics import SPLIT_RULE

LEADS = (Role.LEAD,)
SCORERS = (Role.LEAD, Role.RESPONDENT)


@login_required
def home(request):
    places = selectors.places_for_user(request.user)
    return render(request, "assessment/home.html", {"nav": "home", "places": places})


@login_required
def place_detail(request, code):
    place, role = get_place_for_user(request.user, code)
    return _place_page(request, place, role, MemberAddForm())


def _place_page(request, place, role, form, status=200):
    """The place page: its rounds, its people, and the form to add someone."""
    context = {
        "place": place, "role": role, "form": form,
        "members": Membership.objects.filter(place=place).select_related("user"),
        "rounds": place.assessments.order_by("-created_at"),
    }  # fmt: skip
    return render(request, "assessment/place_detail.html", context, status=status)


@login_required
@require_POST
def member_add(request, code):
    place, _ = get_place_for_user(request.user, code, roles=LEADS)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            added = services.member_add(
                place=place, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            _say_invited(request, added.membership, added.invited)
            return redirect("assessment-place", code=place.code)
    return _place_page(request, place, Role.LEAD, form, status=400)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def _say_invited(request: HttpRequest, membership: Membership, invited: bool | None) -> None:
    email = membership.user.email
    if invited is None:
        messages.success(request, f"{email} added; they sign in with their existing password.")
    elif invited:
        messages.success(request, f"{email} added; they have been e-mailed a link.")
    else:
        messages.warning(
            request,
            f"{email} added, but the e-mail with their link could not be sent (the mail server "
            f"did not answer). Use “Resend invitation” beside their name to try again.",
        )


@login_required
@require_POST
def member_invite(request: HttpRequest, code: str, membership_pk: int) -> HttpResponse:
    place, _ = get_place_for_user(request.user, code, roles=LEADS)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "place"), pk=membership_pk, place=place
    )
    try:
        services.member_invite(membership=membership, base_url=_base_url(request))
    except services.InvitationNotSent:
        _say_invited(request, membership, invited=False)
    else:
        messages.success(request, f"Invitation sent again to {membership.user.email}.")
    return redirect("assessment-place", code=place.code)


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


@login_required
def consensus_overview(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    summaries = selectors.assessment_summaries(assessment)
    context = {"assessment": assessment, "summaries": summaries, "split_rule": SPLIT_RULE,
               "recorded": sum(1 for s in summaries if s.consensus)}  # fmt: skip
    return render(request, "assessment/consensus_overview.html", context)


@login_required
def consensus_item(request, pk, item_pk):
    assessment, _ = get_assessment_for_user(request.user, pk, roles=LEADS)
    summary = next(
        (s for s in selectors.assessment_summaries(assessment) if s.item.pk == item_pk), None
    )
    if summary is None:
        raise Http404("No such item in this round.")
    record, conflict = summary.consensus, None
    initial = {"revision": record.revision if record else 0}
    if record:
        initial.update(current=record.current, target=record.target, rationale=record.rationale)
    elif summary.current.count:
        # Propose the median, a half level read as the lower one, as the report reads it.
        initial.update(current=floor(summary.current.median), target=_floor(summary.target.median))
    form = ConsensusForm(request.POST or None, levels=summary.levels, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consensus_record(
                assessment=assessment, item=summary.item, current=data["current"],
                target=data["target"], rationale=data["rationale"], user=request.user,
                revision=data["revision"],
            )  # fmt: skip
        except services.ConsensusConflict as exc:
            conflict = exc.current
            # Their values are shown above; saving again now deliberately replaces them.
            data = request.POST.copy()
            data["revision"] = conflict.revision
            form = ConsensusForm(data, levels=summary.levels)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Consensus on {summary.item.title} saved.")
            return redirect(reverse("assessment-consensus", kwargs={"pk": pk}) + f"#item-{item_pk}")
    context = {"assessment": assessment, "summary": summary, "form": form,
               "conflict": conflict, "split_rule": SPLIT_RULE}  # fmt: skip
    return render(
        request, "assessment/consensus_item.html", context, status=409 if conflict else 200
    )


def _floor(value):
    return None if value is None else floor(value)


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


@login_required
def assessment_api(request, pk):
    assessment, _ = get_assessment_for_user(request.user, pk)
    summaries = selectors.assessment_summaries(assessment)
    return JsonResponse(selectors.assessment_document(assessment, summaries))
