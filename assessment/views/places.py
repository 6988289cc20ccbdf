"""Places and their people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from assessment import selectors, services
from assessment.forms import (
    MemberAddForm,
)
from assessment.models import Membership, Respondent, Role, RoundStatus, can_compare
from assessment.permissions import get_place_for_user
from assessment.views.common import LEADS, base_url

# An analyst's home, and staff's: the comparison of the rounds places share (reports).
COMPARE = "reports-compare"


def compares(user) -> bool:
    """Whether the person compares places: an analyst (the compare permission) or staff."""
    return user.is_staff or can_compare(user)


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The person's places and rounds. An analyst or a member of staff who belongs to no place
    has none to list: their work is comparing places, so their home is the comparison."""
    places = list(selectors.places_for_user(request.user))
    analyst = compares(request.user)
    if not places and analyst:
        return redirect(COMPARE)
    _mark_my_answers(request.user, places)
    context = {"nav": "home", "places": places, "compares": analyst}
    return render(request, "assessment/home.html", context)


@login_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """Where a sign-in lands (LOGIN_REDIRECT_URL): the scoring page of the one open round waiting
    for the person's answers, else home, which lists each with its own "Score now"; for an
    analyst or staff who belongs to no place, the comparison (as home would send them)."""
    waiting = list(
        Respondent.objects.filter(
            user=request.user, submitted_at__isnull=True, assessment__status=RoundStatus.OPEN
        ).values_list("assessment_id", flat=True)[:2]
    )
    if len(waiting) != 1:
        if compares(request.user) and not Membership.objects.filter(user=request.user).exists():
            return redirect(COMPARE)
        return redirect("home")
    return redirect(reverse("assessment-respond", args=[waiting[0]]) + "?item=next")


def _mark_my_answers(user, places: list) -> None:
    """Give each open round the person takes part in their own progress (``mine``), and each
    place the list of them (``to_score``): a respondent needs their own figure, not only the
    team's. Taking part: listed in the round, or a respondent of the place, who may join an
    open round on first visit. One query, however many rounds."""
    answers = Respondent.objects.filter(user=user).annotate(
        answered=Count("responses", filter=Q(responses__current__isnull=False), distinct=True),
        items=Count("assessment__framework_versions__items", distinct=True),
    )
    mine = {respondent.assessment_id: respondent for respondent in answers}
    for place in places:
        scores = any(m.role == Role.RESPONDENT for m in place.mine)
        place.to_score = []
        for assessment in place.assessments.all():
            assessment.mine = mine.get(assessment.pk)
            if assessment.is_open and (assessment.mine or scores):
                place.to_score.append(assessment)


@login_required
def place_detail(request, code):
    place, role = get_place_for_user(request.user, code)
    return _place_page(request, place, role, MemberAddForm())


def _place_page(request, place, role, form, status=200):
    """The place page: its rounds, its people, and the form to add someone."""
    context = {
        "place": place,
        "role": role,
        "form": form,
        "members": Membership.objects.filter(place=place).select_related("user"),
        "rounds": place.assessments.order_by("-created_at"),
    }
    return render(request, "assessment/place_detail.html", context, status=status)


@login_required
@require_POST
def member_add(request, code):
    place, _ = get_place_for_user(request.user, code, roles=LEADS)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            added = services.member_add(
                place=place,
                base_url=base_url(request),
                by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            _say_invited(request, added.membership, added.invited)
            return redirect("assessment-place", code=place.code)
    return _place_page(request, place, Role.LEAD, form, status=400)


def _say_invited(
    request: HttpRequest, membership: Membership, invited: services.MailOutcome
) -> None:
    # The same words whether or not the address already had an account (somewhere else).
    email = membership.user.email
    if invited.queued:
        messages.success(request, f"{email} added; an e-mail with their link has been queued.")
    elif invited.sent:
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
    invited = services.member_invite(membership=membership, base_url=base_url(request))
    if invited.queued:
        messages.success(request, f"Invitation queued to be sent again to {membership.user.email}.")
    elif invited.sent:
        messages.success(request, f"Invitation sent again to {membership.user.email}.")
    else:
        _say_invited(request, membership, invited)
    return redirect("assessment-place", code=place.code)
