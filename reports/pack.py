"""The board pack: the report PDF of every matching closed round in one zip, with an index.

The PDFs are the reports readers download (reports.tasks.render_pdf, one row per document and
content in RenderedPdf), so a PDF already in storage is packed as it is. For `manage.py
board_pack` the others are queued on the PDF workers behind the PDFs readers are waiting for
(rendered at once, in this process, with the immediate backend). A render that fails is tried
once more; a place whose PDF still cannot be had is listed as missing, in the index and by the
command.

A pack asked for on the compare page (reports.tasks.build_board_pack) holds the chosen rounds its
reader may open (`Assessment.objects.visible_to`): a round shared anonymously by another place is
left out, as its report names its place, and each report is the one its reader may read (without
the round before it, where they may not open that: reports.plan_sections). It runs as one task and
renders its PDFs itself (`pack_render_here`), and its zip is kept in storage under a key of its
reader, the rounds and when they last changed (`pack_key`), so asking again for the same rounds
serves the same zip.
"""

import hashlib
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Count, Max, QuerySet, Value
from django.tasks import TaskResult, TaskResultStatus
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment.models import Action, Assessment, RoundStatus
from reports.models import PdfKind, PdfStatus
from reports.pdf import (
    PdfDocument,
    failure_reason,
    failure_reason_of,
    report_document,
    report_filename,
)
from reports.selectors import Report, rendered_pdf, report_build
from reports.tasks import BATCH_PRIORITY, render_pdf

PACK_PRIORITY = BATCH_PRIORITY  # the pack's renders go after the PDFs readers wait for
RETRIES = 1  # a failed render is queued once more before its place is reported missing
HEADLINE_GAPS = 3  # the largest gaps of each round, named in the index
INDEX_NAME = "00-index.pdf"
# While renders are queued: how often to look, and how many unfinished results to look at each
# time (the workers take them in the order queued, so the rest are further behind); every so
# often all of them, in case one ahead is stuck (its worker was killed mid-render).
POLL_SECONDS = 0.5
POLL_WINDOW = 8
POLL_ALL_EVERY = 20


@dataclass(frozen=True)
class Gap:
    title: str
    current: float
    target: float


@dataclass
class PackEntry:
    """One round of the pack, and what became of its PDF. Only what the pack needs of the
    report is kept: a national pack holds hundreds of rounds while the workers render."""

    assessment_id: int
    place: str
    period: str
    document: PdfDocument  # which PDF, and the content it shows (its HTML is never built here)
    filename: str  # inside the zip
    gaps: tuple[Gap, ...]  # the largest gaps between where the place stands and its target
    stored: str = ""  # the PDF's name in storage, once there
    cached: bool = False  # in storage before the pack asked for it
    attempts: int = 0
    problem: str = ""  # why it is missing, for the reader of the pack
    reader_id: int | None = None  # whose report it is; None: the place's own (staff tools)

    @classmethod
    def of(cls, report: Report, filename: str, *, reader=None) -> "PackEntry":
        a = report.assessment
        document = report_document(report, reader=reader)
        return cls(
            assessment_id=a.pk,
            reader_id=reader.pk if reader else None,
            place=a.place.name,
            period=a.period,
            # The same document without its report, which would otherwise stay in memory.
            document=replace(document, html=_not_here),
            filename=filename,
            gaps=tuple(
                Gap(e.factor.title, e.factor.current, e.factor.target)
                for e in report.gaps.ranked[:HEADLINE_GAPS]
            ),
        )


def _not_here() -> str:
    raise RuntimeError("the board pack never renders a PDF itself: render_pdf does")


@dataclass
class Pack:
    entries: list[PackEntry]
    filters: dict[str, str]
    made_at: datetime = field(default_factory=timezone.now)

    @property
    def missing(self) -> list[PackEntry]:
        return [e for e in self.entries if not e.stored]

    @property
    def rendered(self) -> int:
        return sum(1 for e in self.entries if e.stored and not e.cached)

    @property
    def cached(self) -> int:
        return sum(1 for e in self.entries if e.cached)


def pack_rounds(*, region: str = "", kind: str = "", period: str = "") -> QuerySet[Assessment]:
    """The closed rounds a pack holds: every one, or those of a region, kind of place, period."""
    rounds = Assessment.objects.filter(status=RoundStatus.CLOSED).select_related("place")
    if region:
        rounds = rounds.filter(place__region=region)
    if kind:
        rounds = rounds.filter(place__kind=kind)
    if period:
        rounds = rounds.filter(period=period)
    return rounds.order_by("place__name", "period", "pk")


def pack_rounds_for(user, round_ids: Iterable[int]) -> QuerySet[Assessment]:
    """The closed rounds among `round_ids` whose reports `user` may open, as a pack orders them.

    Not every round they may compare: another place's round shared anonymously is compared
    under a label, but its report names the place, so it stays out of their pack. Each round
    carries who reads it (`pack_reader`), for `pack_key`: staff all read the same reports, and
    anyone else the reports as they may read them.
    """
    rounds = Assessment.objects.visible_to(user).filter(status=RoundStatus.CLOSED)
    reader = "staff" if user.is_staff else f"user {user.pk}"
    return (
        rounds.filter(pk__in=list(round_ids))
        .annotate(pack_reader=Value(reader))
        .select_related("place")
        .order_by("place__name", "period", "pk")
    )


def pack_key(rounds: Iterable[Assessment]) -> str:
    """Who reads a pack (pack_rounds_for), which rounds it holds and when what their reports
    show last changed (the round, its place's name, its plan; and the day, as actions fall
    overdue): a new key, a new pack.

    The reader is in it because a report shows a reader from outside the place nothing of a
    round before it that they may not open: a pack made for staff is never served to an
    analyst, nor one analyst's to another, whose rights may differ or have changed since.
    """
    rounds = list(rounds)
    plans = Action.objects.filter(assessment__in=[a.pk for a in rounds]).aggregate(
        changed=Max("updated_at"), actions=Count("pk")
    )
    content = {
        "readers": sorted({a.pack_reader for a in rounds}),
        "rounds": [[a.pk, a.updated_at, a.place.name] for a in sorted(rounds, key=_pk)],
        "plans": plans,
        "day": timezone.localdate(),
    }
    encoded = json.dumps(content, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def _pk(assessment: Assessment) -> int:
    return assessment.pk


def closed_periods() -> list[str]:
    """The periods of closed rounds, for telling someone what --period may be."""
    rounds = Assessment.objects.filter(status=RoundStatus.CLOSED)
    return sorted(set(rounds.values_list("period", flat=True)))


def pack_build(rounds: Iterable[Assessment], *, filters: dict[str, str], reader=None) -> Pack:
    """Each round's entry, from its report as `reader` may read it (None: as the place's own
    members do): 7 queries a round, and for a reader one more where a round came before it."""
    return Pack(entries=list(pack_entries(rounds, reader=reader)), filters=filters)


def pack_entries(rounds: Iterable[Assessment], *, reader=None) -> Iterator[PackEntry]:
    """Each round's entry as soon as it is read (see pack_render's `building`), from its report
    as `reader` may read it (None: as the place's own members do)."""
    names = set()
    for assessment in rounds:
        report = report_build(assessment)
        filename = report_filename(report)
        if filename in names:  # two places whose names read alike: keep both files
            filename = filename.replace(".pdf", f"-{assessment.pk}.pdf")
        names.add(filename)
        yield PackEntry.of(report, filename, reader=reader)


def _cached_name(document: PdfDocument) -> str:
    row = rendered_pdf(kind=document.kind, key=document.key, digest=document.digest)
    if row and row.status == PdfStatus.READY and default_storage.exists(row.name):
        return row.name
    return ""


def _enqueue(entry: PackEntry) -> TaskResult:
    entry.attempts += 1
    task = render_pdf.using(priority=PACK_PRIORITY)
    return task.enqueue(PdfKind.REPORT, **_render_ids(entry))


def _render_ids(entry: PackEntry) -> dict:
    """What render_pdf needs to make the entry's document again: the round, and its reader."""
    return {"assessment_id": entry.assessment_id, "user_id": entry.reader_id}


def pack_render(
    pack: Pack,
    *,
    building: Iterable[PackEntry] = (),
    done: Callable[[PackEntry], None] = lambda entry: None,
    retrying: Callable[[PackEntry], None] = lambda entry: None,
    stall_seconds: float = 600,
) -> None:
    """Have every entry's PDF in storage: cached ones as they are, the rest rendered.

    `building` yields entries still being read (pack_entries): each joins the pack and is
    queued as soon as it is read, so the workers start on the first report while the rest are
    read (200 reports take 10-20 s to read).

    Calls `done` as each entry is settled (stored, or missing after its retry) and `retrying`
    when a failed render is queued again. Gives up on whatever is still queued when no render
    has finished for `stall_seconds` (no worker running, or all of them stuck), and takes it off
    the queue, as it does when stopped (Ctrl+C): workers render nothing for a pack nobody awaits.
    """
    queued: list[tuple[PackEntry, TaskResult]] = []

    def settle(entry: PackEntry, result: TaskResult) -> None:
        if result.status == TaskResultStatus.SUCCESSFUL:
            entry.stored = result.return_value
            done(entry)
        elif entry.attempts <= RETRIES:
            retrying(entry)
            follow(entry, _enqueue(entry))
        else:
            entry.problem = failure_reason(result.errors[-1].exception_class_path)
            done(entry)

    def follow(entry: PackEntry, result: TaskResult) -> None:
        if result.is_finished:  # the immediate backend has run it already
            settle(entry, result)
        else:
            queued.append((entry, result))

    try:
        for entry in _joining(pack, building):
            if name := _cached_name(entry.document):
                entry.stored, entry.cached = name, True
                done(entry)
            else:
                follow(entry, _enqueue(entry))

        last_progress, polls = time.monotonic(), 0
        while queued:
            time.sleep(POLL_SECONDS)
            polls += 1
            finished = []
            looked_at = queued if polls % POLL_ALL_EVERY == 0 else queued[:POLL_WINDOW]
            for entry, result in looked_at:
                result.refresh()
                if result.is_finished:
                    finished.append((entry, result))
            for item in finished:
                queued.remove(item)
                settle(*item)
            if finished:
                last_progress = time.monotonic()
            elif time.monotonic() - last_progress > stall_seconds:
                for entry, _ in queued:
                    entry.problem = "no PDF worker rendered it in time"
                    done(entry)
                break
    finally:
        _withdraw([result for _, result in queued])


def _joining(pack: Pack, building: Iterable[PackEntry]) -> Iterator[PackEntry]:
    """The pack's entries, then each entry built, added to the pack as it comes."""
    yield from list(pack.entries)
    for entry in building:
        pack.entries.append(entry)
        yield entry


def pack_render_here(pack: Pack) -> None:
    """Have every entry's PDF in storage, rendering those not there yet in this process.

    For a pack that is itself a task on a PDF worker: queueing its renders for the workers could
    leave it waiting on itself. A failed render is tried once more, as pack_render does.
    """
    for entry in pack.entries:
        if name := _cached_name(entry.document):
            entry.stored, entry.cached = name, True
            continue
        while not entry.stored and entry.attempts <= RETRIES:
            entry.attempts += 1
            try:  # render_pdf logs why a render failed
                entry.stored = render_pdf.call(PdfKind.REPORT, **_render_ids(entry))
            except Exception as exc:
                entry.problem = failure_reason_of(exc)
        if entry.stored:
            entry.problem = ""


def _withdraw(results: list[TaskResult]) -> None:
    """Take PDFs still waiting for a worker off the queue (only the database backend queues)."""
    if results:
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        waiting.filter(id__in=[result.id for result in results]).delete()


def pack_index_pdf(pack: Pack) -> bytes:
    """The index page: place, period, file (a link beside it in the zip), headline gaps."""
    from weasyprint import HTML  # a large import, as in reports.pdf

    html = render_to_string("reports/pack_index.html", {"pack": pack})
    # No base address: links to the files stay relative, so they open the PDF beside the index.
    return HTML(string=html, base_url=None).write_pdf()


def pack_write(pack: Pack, out: Path) -> None:
    """The zip: the index and every stored PDF. Written beside `out`, then moved into place, so
    a pack that fails half-way leaves no half-written file under its name."""
    handle, partial = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=".zip")
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for entry in pack.entries:
                if entry.stored:
                    _pack_file(archive, _zip_info(entry.filename, pack), entry)
            # Last: a PDF removed from storage meanwhile is listed as missing in the index.
            index = _zip_info(INDEX_NAME, pack)
            index.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(index, pack_index_pdf(pack))
        os.replace(partial, out)
    finally:
        Path(partial).unlink(missing_ok=True)


def _zip_info(name: str, pack: Pack) -> zipfile.ZipInfo:
    # Dated when the pack was made (the default is 1980), as a reader's unzip tool shows.
    return zipfile.ZipInfo(name, date_time=timezone.localtime(pack.made_at).timetuple()[:6])


def _pack_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: PackEntry) -> None:
    try:
        stored = default_storage.open(entry.stored, "rb")
    except FileNotFoundError:  # replaced by the render of newer content since: run again
        entry.stored, entry.problem = "", "its round changed while the pack was made"
        return
    with stored, archive.open(info, "w") as packed:  # PDFs are compressed already
        while chunk := stored.read(1 << 20):
            packed.write(chunk)


PACK_FOLDER = "board-packs"
# A pack's key changes with the day, so older zips are never served again: they are removed.
PACKS_KEPT_FOR = timedelta(days=2)


def pack_storage_name(key: str) -> str:
    return f"{PACK_FOLDER}/{key}.zip"


def pack_store(pack: Pack, *, key: str) -> str:
    """Write the pack's zip into storage under its key; returns its storage name."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "pack.zip"
        pack_write(pack, out)
        name = pack_storage_name(key)
        # Under this key only if another build of the same rounds left one: same rounds, same day.
        if default_storage.exists(name):
            default_storage.delete(name)
        with out.open("rb") as handle:
            name = default_storage.save(name, File(handle))
    _forget_old_packs()
    return name


def _forget_old_packs() -> None:
    if not default_storage.exists(PACK_FOLDER):
        return
    before = timezone.now() - PACKS_KEPT_FOR
    for file in default_storage.listdir(PACK_FOLDER)[1]:
        name = f"{PACK_FOLDER}/{file}"
        if default_storage.get_modified_time(name) < before:
            default_storage.delete(name)
