"""Closed rounds' reliability figures, worked out once and kept, so that comparing hundreds of
rounds reads them instead of every answer.

A round's figures are worked out with their bootstrap interval (about a tenth of a second a
framework) by a task queued as the round closes (reports.receivers), and withdrawn as it
reopens (reports.services.round_results_withdraw). A round whose figures are not kept yet, or
were kept under another split rule or library release, is worked out as the page asks, without
an interval, as before: what is kept only saves time, it never shows other figures.
`manage.py reliability_keep` keeps every closed round's figures that are missing or out of date.
"""

from dataclasses import dataclass
from statistics import median

from django.db import transaction

from assessment.models import Assessment, RoundStatus
from assessment.reliability import Reliability
from assessment.reliability_selectors import basis, round_reliability, rounds_reliability
from reports.models import RoundReliability


def round_reliability_keep(*, assessment_id: int) -> int:
    """Work out and keep a closed round's figures; returns how many frameworks it kept figures
    for, none when the round is no longer closed (reopened before this ran)."""
    with transaction.atomic():
        # The reopening takes the same lock: it waits for this, or this finds the round open.
        closed = Assessment.objects.select_for_update().filter(
            pk=assessment_id, status=RoundStatus.CLOSED
        )
        if not closed.exists():
            return 0
        figures = rounds_reliability([assessment_id])[assessment_id]
        RoundReliability.objects.filter(assessment_id=assessment_id).delete()
        RoundReliability.objects.bulk_create(
            RoundReliability(
                assessment_id=assessment_id, position=n, figures=r.stored(), basis=basis()
            )
            for n, r in enumerate(figures)
        )
    return len(figures)


def kept_reliability(ids: list[int]) -> dict[int, list[Reliability]]:
    """Each round's figures per framework, by round id: those kept (one query), and the rest
    worked out now without their interval (assessment.reliability_selectors)."""
    kept: dict[int, list[Reliability]] = {}
    rows = RoundReliability.objects.filter(assessment__in=ids, basis=basis()).order_by(
        "assessment", "position"
    )
    for assessment_id, figures in rows.values_list("assessment_id", "figures"):
        kept.setdefault(assessment_id, []).append(Reliability.from_stored(figures))
    missing = [pk for pk in ids if pk not in kept]
    worked_out = rounds_reliability(missing, intervals=False) if missing else {}
    return {pk: kept[pk] if pk in kept else worked_out[pk] for pk in ids}


def round_figures(assessment: Assessment, summaries) -> list[Reliability]:
    """A round's figures for its report: those kept for a closed round, with their interval (a
    report of a closed round, its PDF and its Word paper, made ahead or in a board pack of
    hundreds, never works them out again); else worked out now, as the page asks
    (assessment.reliability_selectors.round_reliability: cached, with their interval)."""
    if assessment.status == RoundStatus.CLOSED:
        rows = RoundReliability.objects.filter(assessment=assessment, basis=basis())
        stored = rows.order_by("position").values_list("figures", flat=True)
        if kept := [Reliability.from_stored(figures) for figures in stored]:
            return kept
    return round_reliability(list(summaries))


# Krippendorff (2004, Content Analysis, 2nd ed., §11.4.4): rely on data with alpha of 0.8 or
# more; 0.667 is the lowest from which to draw tentative conclusions.
RELIABLE_ALPHA = 0.8


@dataclass(frozen=True)
class AcrossRounds:
    """One framework's figures across many rounds, for reading hundreds at a glance."""

    framework: str  # slug
    title: str
    rounds: int  # rounds with the framework
    with_alpha: int  # of those, rounds with an alpha at all
    median_alpha: float | None
    reliable: int  # rounds with an alpha of RELIABLE_ALPHA or more
    with_split: int  # rounds with at least one split item


def across_rounds(figures: list[list[Reliability]]) -> list[AcrossRounds]:
    """Each framework's figures across the rounds given (each round's list of figures), in the
    order the frameworks first come."""
    by_framework: dict[str, list[Reliability]] = {}
    for per_round in figures:
        for r in per_round:
            by_framework.setdefault(r.framework, []).append(r)
    across = []
    for slug, rows in by_framework.items():
        alphas = [r.krippendorff_alpha for r in rows if r.krippendorff_alpha is not None]
        across.append(
            AcrossRounds(
                framework=slug,
                title=rows[0].title,
                rounds=len(rows),
                with_alpha=len(alphas),
                median_alpha=median(alphas) if alphas else None,
                reliable=sum(1 for a in alphas if a >= RELIABLE_ALPHA),
                with_split=sum(1 for r in rows if r.split_items),
            )
        )
    return across


def missing_reliability() -> list[int]:
    """The closed rounds whose figures are not kept, or were kept under another basis."""
    current = RoundReliability.objects.filter(basis=basis()).values("assessment")
    return list(
        Assessment.objects.filter(status=RoundStatus.CLOSED)
        .exclude(pk__in=current)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
