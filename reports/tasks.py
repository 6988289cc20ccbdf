"""Work in the background: the documents of reports.documents, made on a worker (a round's
report PDF and Word board paper, a comparison PDF, a board pack), some before anyone asks.

Arguments are plain ids, so a database-backed queue can store them. What a task makes is built
again here for the person who asked, with the same rules as the page: a comparison never holds a
round its reader may not compare, a board pack never a report its reader may not open. Each
task builds its Document and hands it to reports.services.document_render, the one render.

The builders are imported inside the tasks: each of them names its task (Document.task).
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.tasks import task
from django.utils import timezone

from assessment.models import Assessment
from reports.models import PdfKind
from reports.services import document_render

logger = logging.getLogger(__name__)
# Readers wait on a page for their PDF; a board pack is a batch: its work goes after theirs.
BATCH_PRIORITY = -10
# Documents made before anyone asks (reports.ahead): after those readers wait for, before packs.
AHEAD_PRIORITY = -5


@task()
def render_pdf(
    kind: str,
    *,
    assessment_id: int | None = None,
    user_id: int | None = None,
    round_ids: list[int] | None = None,
    framework: str | None = None,
) -> str:
    """Render a round's report PDF or its Word board paper (`assessment_id`; kind "report" or
    "paper") or the comparison of `round_ids` as `user_id` sees them into storage; returns the
    file's storage name. A report without `user_id` is the place's own (for staff tools:
    `manage.py board_pack`)."""
    try:
        if kind in (PdfKind.REPORT, PdfKind.PAPER):
            document = _report(kind, assessment_id, user_id)
        elif kind == PdfKind.COMPARISON:
            document = _comparison(user_id, round_ids or [], framework)
        else:
            raise ValueError(f"no PDF of kind {kind!r}")
        return document_render(document=document)
    except Exception:
        # The reader is told only what to do; the details are for the administrator.
        logger.exception(
            "The %s PDF could not be made (round %s; user %s, rounds %s)",
            kind,
            assessment_id,
            user_id,
            round_ids,
        )
        raise


def _report(kind: str, assessment_id: int, user_id: int | None):
    from reports.board_paper import paper_document
    from reports.pdf import report_document
    from reports.selectors import report_build

    make = paper_document if kind == PdfKind.PAPER else report_document

    read_at = timezone.now()  # before the reads: see RenderedPdf.created_at
    rounds, reader = Assessment.objects.all(), None
    if user_id is not None:
        # The same document the reader's page asked for: the round only if they may still
        # open it, and the round before it only if they may open that too.
        reader = get_user_model().objects.get(pk=user_id)
        rounds = Assessment.objects.visible_to(reader)
    assessment = rounds.select_related("place").get(pk=assessment_id)
    return make(report_build(assessment), reader=reader, read_at=read_at)


def _comparison(user_id: int, round_ids: list[int], framework: str | None = None):
    from reports.compare import comparison_build
    from reports.pdf import comparison_document

    read_at = timezone.now()
    user = get_user_model().objects.get(pk=user_id)
    comparison = comparison_build(user, round_ids, framework=framework)
    if not comparison.rounds:
        raise PermissionDenied(f"user {user_id} may compare none of rounds {round_ids}")
    printed = timezone.localdate(read_at)
    return comparison_document(comparison, reader=user, printed=printed, read_at=read_at)


@task(priority=BATCH_PRIORITY)
def build_board_pack(
    *, user_id: int, round_ids: list[int], left_out: list[list[str]] | None = None
) -> str:
    """The board pack of the chosen `round_ids` that `user_id` may open, into storage; returns
    the zip's storage name. `left_out`: the chosen rounds not in it, each [label, reason], as
    the page found them (reports.pack.pack_choice), for its index."""
    from reports.pack import pack_document, pack_rounds_for

    try:
        user = get_user_model().objects.get(pk=user_id)
        rounds = list(pack_rounds_for(user, round_ids))
        if not rounds:
            raise PermissionDenied(f"user {user_id} may open none of rounds {round_ids}")
        document = pack_document(rounds, reader=user, left_out=left_out or ())
        return document_render(document=document)
    except Exception:
        logger.exception(
            "The board pack could not be made (user %s, rounds %s)", user_id, round_ids
        )
        raise


@task(priority=AHEAD_PRIORITY)
def render_round_documents(*, assessment_id: int) -> list[str]:
    """A closed round's report PDF and Word paper, made before anyone asks (reports.ahead);
    returns their storage names."""
    from reports.ahead import round_documents_render

    return round_documents_render(assessment_id)


# Tasks a PDF worker may start again from the beginning when the worker running one died (see
# `manage.py pdf_worker`): each stores its result under a name of its own, so a second run
# finds or replaces what the first left. Any other task left running is failed instead.
RERUNNABLE = frozenset(
    {render_pdf.module_path, build_board_pack.module_path, render_round_documents.module_path}
)


@task()
def keep_round_reliability(*, assessment_id: int) -> int:
    """Work out and keep a closed round's reliability figures (reports.reliability_kept);
    returns how many frameworks it kept figures for."""
    from reports.reliability_kept import round_reliability_keep

    return round_reliability_keep(assessment_id=assessment_id)
