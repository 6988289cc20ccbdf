"""Writes of the reports app: storing a closed round's results for comparison."""

from django.db import transaction

from assessment.models import Assessment, RoundStatus
from assessment.selectors import assessment_summaries
from reports.analysis import item_result
from reports.models import RoundItemResult
from reports.selectors import scores_of


def round_results_store(*, assessment: Assessment) -> int:
    """Work out and keep a closed round's per-item results; returns how many were stored."""
    rows = []
    for summary in assessment_summaries(assessment):
        result = item_result(scores_of(summary))
        spread = result.current_spread
        rows.append(
            RoundItemResult(
                assessment=assessment, item=summary.item,
                current=result.current, target=result.target,
                agreed_current=result.scores.agreed_current,
                agreed_target=result.scores.agreed_target,
                median=spread.median, minimum=spread.min, maximum=spread.max,
                target_median=result.target_spread.median,
                responses=spread.count, split=spread.split,
            )
        )  # fmt: skip
    with transaction.atomic():
        RoundItemResult.objects.filter(assessment=assessment).delete()
        RoundItemResult.objects.bulk_create(rows)
    return len(rows)


def round_results_backfill() -> int:
    """Store results for every closed round that has none (e.g. rounds closed before upgrade)."""
    missing = Assessment.objects.filter(status=RoundStatus.CLOSED, results__isnull=True).distinct()
    count = 0
    for assessment in missing.select_related("place"):
        round_results_store(assessment=assessment)
        count += 1
    return count
