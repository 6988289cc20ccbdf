"""Writes of the reports app: a closed round's results for comparison, and generated files."""

import logging
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from assessment.models import Assessment, RoundStatus
from assessment.selectors import assessment_summaries
from reports.documents import (
    FOLDER,
    Document,
    document_stored,
    failure_reason_of,
    is_stored,
)
from reports.models import (
    ROUND_KINDS,
    PdfKind,
    PdfStatus,
    RenderedPdf,
    RoundItemResult,
    RoundReliability,
)

logger = logging.getLogger(__name__)


def round_results_store(*, assessment: Assessment) -> int:
    """Work out and keep a closed round's per-item results; returns how many were stored."""
    rows = []
    for summary in assessment_summaries(assessment):
        result = summary.result
        spread = result.current_spread
        rows.append(
            RoundItemResult(
                assessment=assessment,
                item=summary.item,
                current=result.current,
                target=result.target,
                agreed_current=result.scores.agreed_current,
                agreed_target=result.scores.agreed_target,
                median=spread.median,
                minimum=spread.min,
                maximum=spread.max,
                target_median=result.target_spread.median,
                responses=spread.count,
                split=spread.split,
            )
        )
    with transaction.atomic():
        RoundItemResult.objects.filter(assessment=assessment).delete()
        RoundItemResult.objects.bulk_create(rows)
    return len(rows)


def round_results_withdraw(*, assessment: Assessment) -> None:
    """A reopened round leaves comparisons, and its PDFs are made again when next asked for."""
    RoundItemResult.objects.filter(assessment=assessment).delete()
    RoundReliability.objects.filter(assessment=assessment).delete()
    # Its members' PDF and Word paper, and those for readers from outside the place (key
    # "<pk>-shared").
    keys = Q(key=str(assessment.pk)) | Q(key__startswith=f"{assessment.pk}-")
    rendered = RenderedPdf.objects.filter(keys, kind__in=ROUND_KINDS)
    names = [name for name in rendered.values_list("name", flat=True) if name]
    rendered.delete()
    # Files go once the reopening has committed: a rolled-back reopen keeps them.
    transaction.on_commit(lambda: _delete_stored(names))


def round_results_backfill() -> int:
    """Store results for every closed round that has none (e.g. rounds closed before upgrade)."""
    missing = Assessment.objects.filter(status=RoundStatus.CLOSED, results__isnull=True).distinct()
    count = 0
    for assessment in missing.select_related("place"):
        round_results_store(assessment=assessment)
        count += 1
    return count


def document_render(*, document: Document) -> str:
    """Make a document into storage unless it is there already; returns its storage name.

    One render per document and digest, however many web nodes and workers ask at once: the
    renderer holds the document's row locked until the file is stored and the row says so, and
    whoever asks meanwhile waits on that lock and then finds the file ready. A worker that dies
    mid-render leaves nothing locked (its transaction ends with its connection).
    """
    identity = {"kind": document.kind, "key": document.key, "digest": document.digest}
    try:
        # A document made of parts has them made first, each stored on its own, never under
        # this document's lock; unless the document is stored already.
        if document.prepare and not document_stored(document):
            document.prepare()
        if connection.vendor == "sqlite":
            return _render_then_record(document, identity)
        with transaction.atomic():
            row, _ = RenderedPdf.objects.select_for_update().get_or_create(
                **identity, defaults={"created_at": document.read_at}
            )
            if is_stored(row):  # made while this render waited for the row
                return row.name
            with _made(document) as made:
                return _record(row, _saved(document, made))
    except Exception as exc:
        # Readers are told, and wait a minute before asking again (reports.documents).
        failed = {
            "status": PdfStatus.FAILED,
            "name": "",
            "reason": failure_reason_of(exc, document.kind),
        }
        RenderedPdf.objects.update_or_create(
            **identity, defaults=failed, create_defaults={**failed, "created_at": document.read_at}
        )
        raise


def _render_then_record(document: Document, identity: dict) -> str:
    """document_render on SQLite, which has no row locks: locking the row there locks the whole
    database, so every write of every request (`make run`'s pages beside its worker) would wait
    for the render. The file is made first, outside any transaction, and recorded in a short one;
    a render that finds the document recorded meanwhile by another keeps theirs."""
    if name := document_stored(document):
        return name
    with _made(document) as made, transaction.atomic():
        row, _ = RenderedPdf.objects.get_or_create(
            **identity, defaults={"created_at": document.read_at}
        )
        if is_stored(row):
            return row.name
        return _record(row, _saved(document, made))


@contextmanager
def _made(document: Document) -> Iterator[Path]:
    """The document's file, made beside nothing else (a folder of its own, removed after)."""
    with tempfile.TemporaryDirectory() as folder:
        made = Path(folder) / Path(document.storage_name).name
        document.write(made)  # everything is made before anything is stored
        yield made


def _saved(document: Document, made: Path) -> str:
    """The file made, saved under the document's name; returns the name storage gave it."""
    name = document.storage_name
    # A file under this name can only be left by a render that died before recording it: this
    # render holds the row (or, on SQLite, the database), so nobody else writes this document.
    if default_storage.exists(name):
        default_storage.delete(name)
    with made.open("rb") as handle:
        return default_storage.save(name, File(handle))


def _record(row: RenderedPdf, name: str) -> str:
    row.name, row.status, row.reason = name, PdfStatus.READY, ""
    row.save()
    _forget_older(row)
    return row.name


def _forget_older(row: RenderedPdf) -> None:
    """Remove the rows and files of the same document's older content.

    Older means read from the database earlier (then created first), never "found in a folder".
    A row still locked by its own render is skipped, not waited for: when that slower render
    ends, its content is older than this one, and the next newer render removes it.
    """
    older = (
        RenderedPdf.objects.select_for_update(skip_locked=True)
        .filter(kind=row.kind, key=row.key)
        .filter(Q(created_at__lt=row.created_at) | Q(created_at=row.created_at, pk__lt=row.pk))
    )
    gone = list(older.values_list("pk", "name"))
    RenderedPdf.objects.filter(pk__in=[pk for pk, _ in gone]).delete()
    # Files go now rather than on commit: were this transaction to roll back, a row left without
    # its file is simply rendered again when next asked for (document_render checks the file).
    _delete_stored(name for _, name in gone if name)


def _delete_stored(names: Iterable[str]) -> None:
    """Remove stored files whose rows are gone. Storage that refuses (read-only, a bucket
    without delete rights) does not undo what the database recorded: the refusal is logged, and
    pdf_orphans_sweep removes the file once storage works again."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception as exc:  # a folder raises OSError; a bucket, its client's errors
            logger.warning("Stored file %s could not be removed (%s); swept later", name, exc)


# A stored file that no row names is swept once it is this old: a younger one may belong to a
# render that has written its file and not yet committed its row.
ORPHAN_AGE = timedelta(hours=1)
# A board pack's digest changes with the day, so one older than this is never served again.
PACKS_KEPT_FOR = timedelta(days=2)


def pdf_orphans_sweep(*, older_than: timedelta = ORPHAN_AGE) -> int:
    """Remove stored files that no RenderedPdf row names and that are older than `older_than`;
    returns how many. They are files whose removal storage refused (a reopened round's, an older
    render's) or a render's that died between writing its file and recording it. Board packs
    nobody can be served again go first, rows and files.

    The one place the app lists a folder: everywhere else its rows say which files exist.
    """
    old_packs = RenderedPdf.objects.filter(
        kind=PdfKind.PACK, created_at__lt=timezone.now() - PACKS_KEPT_FOR
    )
    names = [name for name in old_packs.values_list("name", flat=True) if name]
    old_packs.delete()
    _delete_stored(names)
    cutoff = timezone.now() - older_than
    # Read before listing: a file recorded meanwhile is younger than the cutoff.
    named = set(RenderedPdf.objects.exclude(name="").values_list("name", flat=True))
    removed = 0
    for name in _stored_files(FOLDER):
        if name not in named and default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            removed += 1
    return removed


def _stored_files(folder: str) -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return  # nothing stored yet
    for name in files:
        # django-storages' Azure backend lists every file under the folder by its full name
        # (its issue 1431); the others list the folder's own files by their own names.
        yield name if name.startswith(f"{folder}/") else f"{folder}/{name}"
    for inner in folders:
        yield from _stored_files(f"{folder}/{inner}")
