"""What the reports app does when the assessment app announces something."""

from django.dispatch import receiver

from assessment.models import Assessment
from assessment.signals import round_closed, round_reopened
from reports.services import round_results_store, round_results_withdraw


@receiver(round_closed, sender=Assessment, dispatch_uid="reports-keep-closed-round-results")
def keep_closed_round_results(sender, *, assessment: Assessment, **kwargs) -> None:
    # A closed round never changes again: keep its per-item results for comparisons.
    round_results_store(assessment=assessment)


@receiver(round_reopened, sender=Assessment, dispatch_uid="reports-withdraw-reopened-round")
def withdraw_reopened_round(sender, *, assessment: Assessment, **kwargs) -> None:
    round_results_withdraw(assessment=assessment)
