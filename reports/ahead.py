"""Documents made ahead: a closed round's report PDF and Word paper rendered before anyone asks,
so the first board member to open them, and the first reader after a change to the plan, finds
them ready.

A round closing renders them at once; a change to a closed round's plan (or its sharing) renders
them once the round has been left alone for DOCUMENTS_AHEAD_QUIET: each change pushes back the
render already waiting, so ten quick edits make one render. A round's agreed positions change
only before it closes, and reopening it withdraws its documents (reports.services), so closing it
again makes them anew.

They are the documents readers ask for, under the same keys and digests (reports.documents): the
place's own and, for a round shared by name, the one readers from outside the place get where
they may not open the round before it. With a worker (the database backend) they are rendered
there, behind the documents readers wait for; with the immediate backend, which has no worker,
only a close renders them, straight after it commits, and a change to the plan leaves them to be
made when next asked for rather than keep its request waiting.
"""

import logging
from collections.abc import Iterator

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from assessment.models import Assessment, RoundStatus, Sharing
from assessment.selectors import previous_round
from reports.documents import Document
from reports.services import document_render
from reports.tasks import render_round_documents

logger = logging.getLogger(__name__)


def round_documents_schedule(assessment_id: int, *, settle: bool) -> None:
    """Have a closed round's documents made: at once (`settle` False: it has just closed), or
    once changes to it have settled (True)."""
    if not settings.DOCUMENTS_AHEAD:
        return
    if (
        settle
        and not Assessment.objects.filter(pk=assessment_id, status=RoundStatus.CLOSED).exists()
    ):
        return  # an open round's plan: its documents are made when it closes
    task = render_round_documents
    backend = task.get_backend()
    if not backend.supports_defer:
        if not settle:
            task.enqueue(assessment_id=assessment_id)
        return
    run_after = timezone.now() + settings.DOCUMENTS_AHEAD_QUIET if settle else timezone.now()
    if isinstance(backend, DatabaseBackend) and _waiting(assessment_id).update(run_after=run_after):
        return  # a render already waits for this round: it waits until this change settles
    task.using(run_after=run_after).enqueue(assessment_id=assessment_id)


def _waiting(assessment_id: int):
    """The round's render still on the queue, not yet taken by a worker."""
    return DBTaskResult.objects.filter(
        task_path=render_round_documents.module_path,
        status=TaskResultStatus.READY,
        args_kwargs__kwargs__assessment_id=assessment_id,
    )


def round_documents_render(assessment_id: int) -> list[str]:
    """Make the closed round's documents that are not stored yet; returns their storage names.
    Nothing for a round reopened or removed meanwhile. A document that fails is logged and the
    rest are still made; the first failure is raised after them, so the task shows it."""
    closed = Assessment.objects.filter(status=RoundStatus.CLOSED).select_related("place")
    assessment = closed.filter(pk=assessment_id).first()
    if assessment is None:
        return []
    names, failure = [], None
    for document in round_documents(assessment):
        try:
            names.append(document_render(document=document))
        except Exception as exc:
            logger.exception("The %s of round %s was not made ahead", document.kind, assessment.pk)
            failure = failure or exc
    if failure is not None:
        raise failure
    return names


def round_documents(assessment: Assessment) -> Iterator[Document]:
    """The round's report PDF and Word paper as its place's members read them, and as readers
    from outside read them where that differs (a round shared by name whose round before it
    they may not open)."""
    from reports.board_paper import paper_document
    from reports.pdf import report_document
    from reports.selectors import report_build

    report = report_build(assessment)
    views = [False, True] if _outside_reads_apart(assessment) else [False]
    for outside in views:
        yield report_document(report, outside=outside)
        yield paper_document(report, outside=outside)


def _outside_reads_apart(assessment: Assessment) -> bool:
    """Whether readers from outside the place get documents of their own: the round is shared
    by name and the round before it is not open to them (as Assessment.objects.visible_to lets
    an analyst open only closed rounds shared by name)."""
    if assessment.sharing != Sharing.NAMED:
        return False
    previous = previous_round(assessment)
    return previous is None or not (
        previous.status == RoundStatus.CLOSED and previous.sharing == Sharing.NAMED
    )
