"""The board pack: the report PDF of every matching closed round in one zip, with an index.

The PDFs are the reports readers download (reports.tasks.render_pdf, one row per document and
content in RenderedPdf), so a PDF already in storage is packed as it is, and the index is laid
out as tagged PDF as they are (reports.pdf.tagged_pdf). A render that fails is tried once more;
a place whose PDF still cannot be had is listed as missing, in the index and by the command.

`manage.py board_pack` queues the reports on the PDF workers behind the PDFs readers wait for
(rendered at once, in this process, with the immediate backend) and writes the zip where told.
A pack asked for on the compare page is a Document like any PDF (`pack_document`, made by
reports.tasks.build_board_pack, kept in RenderedPdf): it holds the chosen rounds its reader may
open (`Assessment.objects.visible_to`): a round shared anonymously by another place is left out,
as its report names its place, and each report is the one its reader may read (without the round
before it, where they may not open that: reports.plan_sections). Its index lists every chosen
round left out and why (`pack_choice`), so a board reading it knows what it does not hold.
"""

import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, Max, QuerySet
from django.tasks import TaskResult, TaskResultStatus
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment.models import Action, Assessment, RoundStatus
from assessment.results import ItemResult
from reports.digests import content_hash, document_digest
from reports.documents import Document, document_stored, failure_reason, failure_reason_of
from reports.models import PdfKind
from reports.pdf import report_document, report_filename, tagged_pdf
from reports.periods import periods_matching
from reports.selectors import Report, report_build
from reports.tasks import BATCH_PRIORITY, build_board_pack

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


@dataclass
class PackEntry:
    """One round of the pack, and what became of its PDF. Only what the pack needs of the
    report is kept: a national pack holds hundreds of rounds while the workers render."""

    assessment_id: int
    place: str
    period: str
    document: Document  # which PDF, and the content it shows (never made here: by its task)
    filename: str  # inside the zip
    gaps: tuple[ItemResult, ...]  # the largest gaps between where the place stands and its target
    stored: str = ""  # the PDF's name in storage, once there
    cached: bool = False  # in storage before the pack asked for it
    attempts: int = 0
    problem: str = ""  # why it is missing, for the reader of the pack

    @classmethod
    def of(cls, report: Report, filename: str, *, reader=None) -> "PackEntry":
        a = report.assessment
        document = report_document(report, reader=reader)
        return cls(
            assessment_id=a.pk,
            place=a.place.name,
            period=a.period,
            # The same document without its report, which would otherwise stay in memory.
            document=replace(document, write=_not_here),
            filename=filename,
            gaps=tuple(e.factor for e in report.gaps.ranked[:HEADLINE_GAPS]),
        )


def _not_here(out: Path) -> None:
    raise RuntimeError("the board pack never renders a PDF itself: render_pdf does")


@dataclass(frozen=True)
class LeftOut:
    """A chosen round that is not in the pack, as its reader knows it, and why."""

    label: str
    reason: str


# Why a chosen round is not in a pack, in the words of its index.
ANONYMOUS = "shared anonymously: its report names its place"
NOT_CLOSED = "not closed yet: only a closed round's report goes in a pack"
NOT_YOURS = "not found, or not closed, or not shared with you"


@dataclass
class Pack:
    entries: list[PackEntry]
    filters: dict[str, str]
    made_at: datetime = field(default_factory=timezone.now)
    left_out: list[LeftOut] = field(default_factory=list)  # chosen, and not packed

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
    if period:  # matched loosely: "2026" is every 2026 period (reports.periods)
        rounds = rounds.filter(period__in=periods_matching(period, closed_periods()))
    return rounds.order_by("place__name", "period", "pk")


def pack_rounds_for(user, round_ids: Iterable[int]) -> QuerySet[Assessment]:
    """The closed rounds among `round_ids` whose reports `user` may open, as a pack orders them.

    Not every round they may compare: another place's round shared anonymously is compared
    under a label, but its report names the place, so it stays out of their pack.
    """
    rounds = Assessment.objects.visible_to(user).filter(status=RoundStatus.CLOSED)
    return (
        rounds.filter(pk__in=list(round_ids))
        .select_related("place")
        .order_by("place__name", "period", "pk")
    )


def pack_choice(user, columns, keys: Iterable[str] = ()) -> tuple[list[Assessment], list[LeftOut]]:
    """The rounds of a pack chosen on the compare page, and those chosen but left out, why.

    `columns` are the chosen rounds the reader may compare (reports.compare.chosen_columns);
    `keys`, the keys they were asked for by, where they were asked for one by one. A round
    compared without its place's name is left out by its label (its report names the place);
    a round of the reader's own that is not closed, by its name; any other key asked for that
    found nothing, by the key the reader sent, saying no more than the page does: whether it
    exists, is closed or is shared is not the reader's to learn (two queries).
    """
    rounds = list(pack_rounds_for(user, [c.pk for c in columns if c.named]))
    left_out = [LeftOut(c.label, ANONYMOUS) for c in columns if not c.named]
    found = {c.key for c in columns}
    unknown = [key for key in dict.fromkeys(keys) if key not in found]
    ids = [int(key) for key in unknown if key.isdigit()]
    open_rounds = Assessment.objects.visible_to(user).exclude(status=RoundStatus.CLOSED)
    mine = {str(a.pk): a for a in open_rounds.filter(pk__in=ids).select_related("place")}
    for key in unknown:
        if key in mine:
            left_out.append(LeftOut(f"{mine[key].place.name}, {mine[key].period}", NOT_CLOSED))
        else:
            left_out.append(LeftOut(f"Round {key}" if key.isdigit() else key, NOT_YOURS))
    return rounds, left_out


def pack_document(
    rounds: Iterable[Assessment], *, reader, left_out: Iterable[LeftOut | Iterable[str]] = ()
) -> Document:
    """The board pack of `rounds` (pack_rounds_for) as `reader` may read their reports.

    Keyed by who reads it and which rounds it holds: a report shows a reader from outside the
    place nothing of a round before it that they may not open, so a pack made for staff is never
    served to an analyst, nor one analyst's to another, whose rights may differ or have changed
    since. Its digest is what its reports and index show, read without reading every report
    (the pack is asked for again while a worker makes it): a closed round changes only when it
    is reopened (its updated_at), its place's details on the cover, its plan, and the day, as
    actions fall overdue; with the code that draws it all (reports.digests).

    `left_out`: the chosen rounds not in it and why (`pack_choice`), listed in its index; part
    of what was chosen, so part of its key, and handed to its task as plain text.
    """
    rounds = list(rounds)  # in the pack's order; the key and digest take them by id
    ids = sorted(a.pk for a in rounds)
    left_out = [e if isinstance(e, LeftOut) else LeftOut(*e) for e in left_out]
    # Only where something is left out, so a pack of every round chosen keeps its key.
    omitted = {"left_out": [[e.label, e.reason] for e in left_out]} if left_out else {}
    who = "staff" if reader.is_staff else f"user {reader.pk}"
    plans = Action.objects.filter(assessment__in=ids).aggregate(
        changed=Max("updated_at"), actions=Count("pk")
    )
    shown = [[a.pk, a.updated_at, *_cover(a.place)] for a in sorted(rounds, key=_pk)]
    pack = Pack(entries=[], filters={}, left_out=left_out)

    def prepare() -> None:
        pack.entries = list(pack_entries(rounds, reader=reader))
        if not pack.entries:
            raise PermissionDenied(f"user {reader.pk} may open none of these rounds")
        pack_render(pack, here=True)

    return Document(
        kind=PdfKind.PACK,
        key=content_hash({"reader": who, "rounds": ids, **omitted}),
        digest=document_digest(
            {"rounds": shown, "plans": plans, "day": timezone.localdate(), **omitted}
        ),
        filename=f"board-pack-{timezone.localdate():%Y-%m-%d}.zip",
        write=lambda out: pack_write(pack, out),
        prepare=prepare,
        # Plain ids (and what was left out, as text): the task finds again which of them this
        # person may open.
        task=build_board_pack,
        task_kwargs={"user_id": reader.pk, "round_ids": ids, **omitted},
    )


def _cover(place) -> list[str]:
    return [place.name, place.code, place.kind, place.region]


def _pk(assessment: Assessment) -> int:
    return assessment.pk


def closed_periods() -> list[str]:
    """The periods of closed rounds, for telling someone what --period may be."""
    rounds = Assessment.objects.filter(status=RoundStatus.CLOSED)
    return sorted(set(rounds.values_list("period", flat=True)))


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


def pack_render(
    pack: Pack,
    *,
    building: Iterable[PackEntry] = (),
    here: bool = False,
    done: Callable[[PackEntry], None] = lambda entry: None,
    retrying: Callable[[PackEntry], None] = lambda entry: None,
    stall_seconds: float = 600,
) -> None:
    """Have every entry's PDF in storage: those stored already as they are, the rest made by
    their task (render_pdf), a failed one once more.

    `here`: each made in this process, one after another, for a pack that is itself a task on a
    PDF worker (queued, its renders could leave it waiting on itself). Otherwise each is queued
    on the PDF workers behind the PDFs readers wait for, and `building` yields entries still
    being read (pack_entries): each joins the pack and is queued as soon as it is read, so the
    workers start on the first report while the rest are read (200 take 10-20 s to read).

    Calls `done` as each entry is settled (stored, or missing after its retry) and `retrying`
    when a failed render is started again. Gives up on whatever is still queued when no render
    has finished for `stall_seconds` (no worker running, or all of them stuck), and takes it off
    the queue, as it does when stopped (Ctrl+C): workers render nothing for a pack nobody awaits.
    """
    queued: list[tuple[PackEntry, TaskResult]] = []

    def settle(entry: PackEntry, name: str, problem: str) -> None:
        if name:
            entry.stored, entry.problem = name, ""
            done(entry)
        elif entry.attempts <= RETRIES:
            retrying(entry)
            start(entry)
        else:
            entry.problem = problem
            done(entry)

    def start(entry: PackEntry) -> None:
        entry.attempts += 1
        task, ids = entry.document.task, entry.document.task_kwargs
        if here:
            settle(entry, *_made_here(task, ids))
            return
        result = task.using(priority=PACK_PRIORITY).enqueue(**ids)
        if result.is_finished:  # the immediate backend has run it already
            settle(entry, *_outcome(result))
        else:
            queued.append((entry, result))

    try:
        for entry in _joining(pack, building):
            if name := document_stored(entry.document):
                entry.stored, entry.cached = name, True
                done(entry)
            else:
                start(entry)
        _await(queued, settle, done, stall_seconds)
    finally:
        _withdraw([result for _, result in queued])


def _made_here(task, ids: dict) -> tuple[str, str]:
    try:  # the task logs why a render failed
        return task.call(**ids), ""
    except Exception as exc:
        return "", failure_reason_of(exc)


def _outcome(result: TaskResult) -> tuple[str, str]:
    if result.status == TaskResultStatus.SUCCESSFUL:
        return result.return_value, ""
    return "", failure_reason(result.errors[-1].exception_class_path)


def _await(queued: list, settle: Callable, done: Callable, stall_seconds: float) -> None:
    """Follow the queued renders until each is settled, or none has finished for a while."""
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
        for entry, result in finished:
            queued.remove((entry, result))
            settle(entry, *_outcome(result))
        if finished:
            last_progress = time.monotonic()
        elif time.monotonic() - last_progress > stall_seconds:
            for entry, _ in queued:
                entry.problem = "no PDF worker rendered it in time"
                done(entry)
            return


def _joining(pack: Pack, building: Iterable[PackEntry]) -> Iterator[PackEntry]:
    """The pack's entries, then each entry built, added to the pack as it comes."""
    yield from list(pack.entries)
    for entry in building:
        pack.entries.append(entry)
        yield entry


def _withdraw(results: list[TaskResult]) -> None:
    """Take PDFs still waiting for a worker off the queue (only the database backend queues)."""
    if results:
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        waiting.filter(id__in=[result.id for result in results]).delete()


def pack_index_pdf(pack: Pack) -> bytes:
    """The index page: place, period, file (a link beside it in the zip), headline gaps; tagged
    as the reports are."""
    html = render_to_string("reports/pack_index.html", {"pack": pack})
    # No base address: links to the files stay relative, so they open the PDF beside the index.
    return tagged_pdf(html, base_url=None)


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
