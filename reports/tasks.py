"""Rendering PDFs in the background: the one task behind the report and the comparison PDFs.

Its arguments are plain ids, so a database-backed queue can store them. The comparison is built
again here for the person who asked, with the same rules as the page: the task never renders a
round its reader may not compare.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.tasks import task
from django.utils import timezone

from assessment.models import Assessment
from reports.compare import comparison_build
from reports.models import PdfKind
from reports.pdf import PdfDocument, comparison_document, report_document
from reports.selectors import report_build
from reports.services import pdf_render

logger = logging.getLogger(__name__)


@task()
def render_pdf(
    kind: str,
    *,
    assessment_id: int | None = None,
    user_id: int | None = None,
    round_ids: list[int] | None = None,
) -> str:
    """Render a round's report (`assessment_id`) or the comparison of `round_ids` as `user_id`
    sees them into storage; returns the PDF's storage name."""
    try:
        if kind == PdfKind.REPORT:
            document = _report(assessment_id)
        elif kind == PdfKind.COMPARISON:
            document = _comparison(user_id, round_ids or [])
        else:
            raise ValueError(f"no PDF of kind {kind!r}")
        return pdf_render(document=document)
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


def _report(assessment_id: int) -> PdfDocument:
    read_at = timezone.now()  # before the reads: see RenderedPdf.created_at
    assessment = Assessment.objects.select_related("place").get(pk=assessment_id)
    return report_document(report_build(assessment), read_at=read_at)


def _comparison(user_id: int, round_ids: list[int]) -> PdfDocument:
    read_at = timezone.now()
    user = get_user_model().objects.get(pk=user_id)
    comparison = comparison_build(user, round_ids)
    if not comparison.rounds:
        raise PermissionDenied(f"user {user_id} may compare none of rounds {round_ids}")
    return comparison_document(comparison, printed=timezone.localdate(read_at), read_at=read_at)
