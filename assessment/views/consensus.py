"""The facilitator's consensus pages."""

from math import floor

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from assessment import selectors, services
from assessment.forms import (
    ConsensusForm,
)
from assessment.permissions import get_assessment_for_user
from assessment.statistics import SPLIT_RULE
from assessment.views.common import LEADS


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
