"""Every generated file (a round's report PDF, a comparison PDF, a board pack) is a Document, and
every one is served or queued by `document_get_or_queue` from one table (RenderedPdf).

A document knows which one it is (kind and key), a digest of everything it shows and is made
from (reports.digests), the name a reader's browser saves it under, how to make it, and the task
that makes it on a worker from plain ids. reports.services.document_render makes it into storage
once per digest, however many ask at once.
"""

import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from reports.models import PdfKind, PdfStatus, RenderedPdf
from reports.selectors import rendered_pdf

logger = logging.getLogger(__name__)
# Python's own table lacks Word's type; without /etc/mime.types a paper would be served as bytes.
mimetypes.add_type(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"
)
# After a render fails, readers are asked to try again in a minute; until then they are told so
# again rather than set off another render that is likely to fail the same way.
FAILURE_PAUSE = timedelta(minutes=1)
# While a document waits for a worker, the preparing page's refreshes follow the task queued for
# it rather than queue another (a board pack may hold hundreds of reports).
QUEUED_FOR = timedelta(minutes=30)
FOLDER = "pdf"  # every stored document is under it (reports.services.pdf_orphans_sweep)
STORAGE_UNREADABLE = "the file store could not be read"


@dataclass(frozen=True)
class Document:
    kind: str  # a PdfKind
    key: str  # which document: a round's id, or a hash of what was chosen and by whom
    digest: str  # everything it shows and is made from: new digest, new file
    filename: str  # what the reader's browser saves it as
    write: Callable[[Path], None] = field(repr=False)  # makes the file, only when it must be made
    # The task that makes it on a worker, and its arguments: plain ids, from which it builds the
    # same document again with the same rules as the page.
    task: Task = field(repr=False)
    task_kwargs: dict = field(repr=False)
    # What it is assembled from, each part made and stored on its own before the document's row
    # is locked (a board pack's reports): nothing for a PDF.
    prepare: Callable[[], None] | None = field(default=None, repr=False)
    # When its content was read: taken before the reads, so newer content has a later time.
    read_at: datetime = field(default_factory=timezone.now)

    @property
    def storage_name(self) -> str:
        return f"{FOLDER}/{self.kind}/{self.key}-{self.digest}{Path(self.filename).suffix}"

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"

    @property
    def as_attachment(self) -> bool:
        """A PDF opens in the browser; anything else (a zip) is saved."""
        return self.content_type != "application/pdf"


def document_stored(document: Document) -> str:
    """The storage name of the document with this content, if it is stored; else ""."""
    row = rendered_pdf(kind=document.kind, key=document.key, digest=document.digest)
    return row.name if is_stored(row) else ""


def is_stored(row: RenderedPdf | None) -> bool:
    """The one answer to "is it stored already?": its row says so and its file is there (a
    bucket may have been emptied by hand)."""
    return row is not None and row.status == PdfStatus.READY and default_storage.exists(row.name)


@dataclass(frozen=True)
class Delivery:
    """What a reader gets: the file, why it could not be made, or news of it on its way."""

    file: File | None = None
    problem: str = ""
    queued_at: datetime | None = None
    started_at: datetime | None = None  # when a worker began on it


def document_get_or_queue(*, document: Document) -> Delivery:
    """The document from storage; else made by its task (at once with the immediate backend,
    or by a worker meanwhile, which the preparing page checks on)."""
    try:
        row = rendered_pdf(kind=document.kind, key=document.key, digest=document.digest)
        if is_stored(row) and (handle := _opened(row.name)):
            return Delivery(file=handle)
    except Exception as exc:  # a folder raises OSError; a bucket, its client's errors
        logger.warning("The stored %s %s could not be read (%s)", document.kind, document.key, exc)
        return Delivery(problem=STORAGE_UNREADABLE)
    if row and row.status == PdfStatus.FAILED and row.updated_at > timezone.now() - FAILURE_PAUSE:
        return Delivery(problem=row.reason)
    marker = f"document-queued:{document.kind}:{document.key}:{document.digest}"
    result = _queued(document, marker)
    if result is None:
        result = document.task.enqueue(**document.task_kwargs)
        if not result.is_finished:
            cache.set(marker, result.id, QUEUED_FOR.total_seconds())
    return _delivered(result, marker, document.kind)


def _delivered(result: TaskResult, marker: str, kind: str) -> Delivery:
    if result.status == TaskResultStatus.FAILED:  # logged by the task; asking again retries
        cache.delete(marker)
        return Delivery(problem=failure_reason(result.errors[-1].exception_class_path, kind))
    if result.status == TaskResultStatus.SUCCESSFUL:
        cache.delete(marker)
        if handle := _opened(result.return_value):
            return Delivery(file=handle)
    return Delivery(queued_at=result.enqueued_at, started_at=result.started_at)


def _queued(document: Document, marker: str) -> TaskResult | None:
    if (result_id := cache.get(marker)) is None:
        return None
    try:
        return document.task.get_result(result_id)
    except TaskResultDoesNotExist:  # taken off the queue meanwhile
        return None


def _opened(name: str) -> File | None:
    try:
        return default_storage.open(name, "rb")
    except FileNotFoundError:  # removed a moment ago by the render of newer content
        return None


# What could not be made, by kind of document: a PDF (a report, a comparison) otherwise.
UNMADE = {
    PdfKind.PAPER: "the Word paper could not be made",
    PdfKind.PACK: "the board pack could not be made",
}


def failure_reason_of(exc: BaseException, kind: str = PdfKind.REPORT) -> str:
    return failure_reason(f"{type(exc).__module__}.{type(exc).__qualname__}", kind)


def failure_reason(exception_class_path: str, kind: str = PdfKind.REPORT) -> str:
    """What a reader is told when a document of `kind` could not be made: short, never a path
    or trace."""
    name = exception_class_path.rsplit(".", 1)[-1]
    if name == "ChartExportError":
        return "the charts could not be drawn"
    if name in {"DoesNotExist", "PermissionDenied"}:
        return "what it shows is no longer there to see"
    return UNMADE.get(kind, "the PDF could not be laid out")
