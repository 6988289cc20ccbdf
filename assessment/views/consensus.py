"""The facilitator's consensus pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from assessment import facilitation, selectors, services, states
from assessment.agreement import suggestion
from assessment.consensus_forms import ConsensusForm, FacilitatorViewForm
from assessment.disclosure import get_assessment_for_reader
from assessment.reliability_selectors import round_reliability
from assessment.statistics import SPLIT_RULE
from assessment.views.common import withheld

# The anchor "save and next" lands on: the next item's heading, one Tab before its first field.
ITEM_ANCHOR = "item-heading"


@login_required
@require_GET
def consensus_overview(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, disclosure, record = _get_consensus_for_reader(request, pk)
    if not disclosure.consensus_pages:
        return withheld(request, assessment, disclosure, what="the facilitator view")
    view = facilitation.facilitator_view(assessment)
    query = FacilitatorViewForm(request.GET)
    context = {
        "assessment": assessment,
        "view": view,
        "query": query,
        "split_rule": SPLIT_RULE,
        # How far to trust the answers: agreement and consistency per framework (the cache's
        # only query beyond the view's).
        "reliability": round_reliability([i.summary for i in view.items]),
        "disclosure": disclosure,
        "can_record": not record.not_theirs,
        **query.options(),
    }
    status = 200 if query.is_valid() else 400
    return render(request, "assessment/consensus_overview.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consensus_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment, disclosure, record = _get_consensus_for_reader(request, pk)
    if not disclosure.consensus_pages:
        return withheld(request, assessment, disclosure, what="the facilitator view")
    if request.method == "POST" and record.not_theirs:
        raise PermissionDenied
    view = facilitation.facilitator_view(assessment)
    facilitated = view.get(item_pk)
    if facilitated is None:
        raise Http404("No such item in this round.")
    form, conflict = _form(request, facilitated), None
    if request.method == "POST" and not record:
        messages.error(request, record.reason)
    elif request.method == "POST" and form.is_valid():
        try:
            _record(assessment, facilitated, form.cleaned_data, request.user)
        except services.ConsensusConflict as exc:
            # Their values are shown above; saving again now deliberately replaces them.
            conflict = exc.current
            form = _form(request, facilitated, revision=conflict.revision)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Consensus on {facilitated.item.title} saved.")
            return redirect(_after_save(request, assessment, view, item_pk))
    context = {
        "assessment": assessment,
        "facilitated": facilitated,
        "summary": facilitated.summary,
        "levels": _levels(facilitated),
        "form": form,
        "conflict": conflict,
        "split_rule": SPLIT_RULE,
        "next_item": view.after(item_pk),
        "position": view.position(item_pk),
        "total": len(view.items),
        "disclosure": disclosure,
        # A lead, at any stage: the page reads as the facilitator's.
        "can_record": not record.not_theirs,
        # Whether the agreed position may be recorded now: the form is drawn only then.
        "record": record,
        "people": view.people,
        "told_apart": view.told_apart,
        "projector": _projector(request),
    }
    status = 409 if conflict else 400 if form.errors else 200
    return render(request, "assessment/consensus_item.html", context, status=status)


def _levels(facilitated) -> list[dict]:
    """Each level of the item with the answers' dots at it and what settles it, so the room can
    point at the marker that decides between two levels."""
    descriptors = selectors.level_descriptors(facilitated.item)
    return [
        {"level": row.level, "dots": row.dots, "guide": descriptors.get(row.level.value)}
        for row in facilitated.levels
    ]


def _get_consensus_for_reader(request: HttpRequest, pk: int):
    """The round, what the reader may see of it, and whether they may record consensus now:
    the place's members may read the consensus pages once scoring has ended (leads record
    there, and may prepare there before); an analyst never, since they show each answer's
    evidence."""
    assessment, role, disclosure = get_assessment_for_reader(request.user, pk)
    if disclosure.team_figures and not disclosure.consensus_pages:
        raise PermissionDenied
    record = states.may(states.RECORD_CONSENSUS, assessment, user=request.user, role=role)
    return assessment, disclosure, record


def _form(request: HttpRequest, facilitated, *, revision: int | None = None) -> ConsensusForm:
    summary, record = facilitated.summary, facilitated.consensus
    takes_target = not summary.item.is_context
    suggestions = {"current": suggestion(r.current for r in summary.responses)}
    if takes_target:
        suggestions["target"] = suggestion(r.target for r in summary.responses)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if revision is not None:
            data["revision"] = revision
    # Only a recorded position fills the levels in: the median is a suggestion, not a default.
    initial = {"revision": record.revision if record else 0}
    if record:
        initial.update(
            current=record.current,
            target=record.target,
            rationale=record.rationale,
            minority_view=record.minority_view,
        )
    return ConsensusForm(
        data,
        levels=summary.levels,
        initial=initial,
        suggestions=suggestions,
        takes_target=takes_target,
    )


def _record(assessment, facilitated, data: dict, user) -> None:
    services.consensus_record(
        assessment=assessment,
        item=facilitated.item,
        current=data["current"],
        target=data.get("target"),  # none for a context factor: its form asks no target
        rationale=data["rationale"],
        minority_view=data["minority_view"],
        user=user,
        revision=data["revision"],
    )


def _after_save(request: HttpRequest, assessment, view, item_pk: int) -> str:
    """ "Save and next" opens the next item (split ones come first), at its heading; otherwise,
    and after the last item, the overview at the item just saved. Either keeps the projector
    layout the page was in."""
    following = view.after(item_pk)
    query = "?projector=1" if _projector(request) else ""
    if request.POST.get("then") == "next" and following is not None:
        url = reverse("assessment-consensus-item", args=[assessment.pk, following.item.pk])
        return f"{url}{query}#{ITEM_ANCHOR}"
    if request.POST.get("then") == "next":
        messages.info(request, "That was the last item; the overview shows any still to agree.")
    return reverse("assessment-consensus", args=[assessment.pk]) + f"{query}#item-{item_pk}"


def _projector(request: HttpRequest) -> bool:
    """Whether the page is in the projector layout (?projector=1, kept from page to page)."""
    return FacilitatorViewForm(request.GET).options()["projector"]
