"""What the reports app does when the assessment app announces something."""

import logging
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.signals import task_finished

from assessment.models import Action, Assessment
from assessment.signals import round_closed, round_reopened
from reports.ahead import round_documents_schedule
from reports.services import (
    ORPHAN_AGE,
    pdf_orphans_sweep,
    round_results_store,
    round_results_withdraw,
)
from reports.tasks import keep_round_reliability

logger = logging.getLogger(__name__)


@receiver(round_closed, sender=Assessment, dispatch_uid="reports-keep-closed-round-results")
def keep_closed_round_results(sender, *, assessment: Assessment, **kwargs) -> None:
    # A closed round never changes again: keep its per-item results for comparisons, and once
    # the close has committed, work out its reliability figures (a tenth of a second a
    # framework) on a worker, or straight after the response where there is none.
    round_results_store(assessment=assessment)
    transaction.on_commit(
        partial(keep_round_reliability.enqueue, assessment_id=assessment.pk), robust=True
    )
    # And its report PDF and Word paper, so that nobody waits for them (reports.ahead).
    transaction.on_commit(
        partial(round_documents_schedule, assessment.pk, settle=False), robust=True
    )


def _documents_changed(assessment_id: int) -> None:
    """A change to what a round's documents show: made again once changes settle."""
    transaction.on_commit(
        partial(round_documents_schedule, assessment_id, settle=True), robust=True
    )


@receiver(post_save, sender=Action, dispatch_uid="reports-plan-saved")
@receiver(post_delete, sender=Action, dispatch_uid="reports-plan-deleted")
def plan_changed(sender, *, instance: Action, **kwargs) -> None:
    _documents_changed(instance.assessment_id)


@receiver(m2m_changed, sender=Action.items.through, dispatch_uid="reports-plan-items")
def plan_items_changed(sender, *, instance, action: str, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, Action):
        _documents_changed(instance.assessment_id)


@receiver(post_save, sender=Assessment, dispatch_uid="reports-round-shared")
def round_shared(sender, *, instance: Assessment, update_fields=None, **kwargs) -> None:
    # Shared by name, a round's readers from outside may need documents of their own.
    if update_fields and "sharing" in update_fields:
        _documents_changed(instance.pk)


@receiver(round_reopened, sender=Assessment, dispatch_uid="reports-withdraw-reopened-round")
def withdraw_reopened_round(sender, *, assessment: Assessment, **kwargs) -> None:
    round_results_withdraw(assessment=assessment)


@receiver(task_finished, dispatch_uid="reports-sweep-orphaned-pdfs")
def sweep_orphaned_pdfs(sender, **kwargs) -> None:
    """After a task it ran, a PDF worker sweeps stored PDFs nothing names, at most once an hour
    among all workers. Not in a web process (the immediate backend): no reader waits on a
    listing of storage. Nothing here may fail the task, as the worker announces it inside its
    own error handling."""
    # Django's own backends send their class; django-tasks-db's worker sends an instance.
    backend = sender if isinstance(sender, type) else type(sender)
    if issubclass(backend, ImmediateBackend):
        return
    try:
        if cache.add("reports-pdf-orphans-swept", True, timeout=ORPHAN_AGE.total_seconds()):
            pdf_orphans_sweep()
    except Exception as exc:
        logger.warning("Stored PDFs nothing names were not swept (%s); next hour again", exc)
