"""`manage.py board_pack`: every matching closed round's report PDF in one zip, with an index."""

import signal
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from assessment.models import PlaceKind, Region
from reports.pack import (
    Pack,
    PackEntry,
    closed_periods,
    pack_entries,
    pack_render,
    pack_rounds,
    pack_write,
)
from reports.periods import periods_matching


class Command(BaseCommand):
    help = (
        "Write a board pack: a zip of the report PDF of every closed round (or those of one "
        "region, kind of place or period) with a one-page index. PDFs already made are reused; "
        "the rest are rendered by the PDF workers (TASKS_BACKEND=database; start them with "
        "`make worker`) or here with the immediate backend."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", choices=Region.values, help="only places of this region")
        parser.add_argument("--kind", choices=PlaceKind.values, help="only places of this kind")
        parser.add_argument(
            "--period", help="only rounds of this period, e.g. '2026 Q2', or of a year: '2026'"
        )
        parser.add_argument(
            "--out", help="the zip to write (default: board-pack-<date>.zip in this folder)"
        )
        parser.add_argument(
            "--wait",
            type=int,
            default=600,
            help="give up on PDFs still queued when none has finished for this many seconds "
            "(default: %(default)s)",
        )

    def handle(self, *args, region, kind, period, out, wait, verbosity, **options):
        out = self._out(out)
        if wait <= 0:
            raise CommandError("--wait must be a positive number of seconds.")
        if period and not periods_matching(period, periods := closed_periods()):
            choices = ", ".join(repr(p) for p in periods) or "none: no round is closed yet"
            raise CommandError(
                f"No closed round has a period matching {period!r} (a year matches its "
                f"quarters, halves and months; '2026-Q2', '2026 q2' and 'Q2 2026' are one "
                f"period). Periods: {choices}."
            )
        filters = {"region": region, "kind": kind, "period": period}
        filters = {name: value for name, value in filters.items() if value}
        rounds = pack_rounds(**filters)
        if not (count := rounds.count()):
            asked = ", ".join(f"{k} {v!r}" for k, v in filters.items())
            which = f"No closed round of {asked}" if asked else "No round is closed yet"
            raise CommandError(f"{which}: there is nothing to pack.")
        pack = Pack(entries=[], filters=filters)
        # Stopped by a process manager as by Ctrl+C: the pack takes its PDFs off the queue.
        stopping = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            # Each round is queued as soon as it is read: the workers start on the first at once.
            self._render(pack, pack_entries(rounds), count, wait=wait, quiet=verbosity == 0)
        finally:
            signal.signal(signal.SIGTERM, stopping)
        pack_write(pack, out)

        summary = (
            f"Board pack {out}: {len(pack.entries) - len(pack.missing)} of {len(pack.entries)} "
            f"reports ({pack.rendered} rendered, {pack.cached} already made) and the index."
        )
        if pack.missing:
            places = "; ".join(f"{_round(e)} ({e.problem})" for e in pack.missing)
            raise CommandError(f"{summary} Missing: {places}.")
        self.stdout.write(summary)

    def _render(
        self, pack: Pack, building: Iterator[PackEntry], count: int, *, wait: int, quiet: bool
    ) -> None:
        """Have the PDFs rendered, with a progress bar (and a line for each failure)."""
        stream = self.stderr._out  # the stream itself: Django's wrapper ends every write a line
        with tqdm(
            total=count,
            desc="Board pack",
            unit="report",
            file=stream,
            disable=quiet,
            dynamic_ncols=True,
        ) as bar:

            def done(entry: PackEntry) -> None:
                bar.set_postfix_str(entry.place, refresh=False)
                bar.update()
                if entry.problem:
                    bar.write(f"{_round(entry)}: missing ({entry.problem}).", stream)

            def retrying(entry: PackEntry) -> None:
                bar.write(f"{_round(entry)}: the PDF failed; trying once more.", stream)

            pack_render(pack, building=building, done=done, retrying=retrying, stall_seconds=wait)

    def _out(self, out: str | None) -> Path:
        path = Path(out or f"board-pack-{timezone.localdate():%Y-%m-%d}.zip")
        if path.suffix.lower() != ".zip":
            raise CommandError(f"--out must name a .zip file; got {str(path)!r}.")
        if path.is_dir():
            raise CommandError(f"--out names a folder, {str(path)!r}: name a .zip file in it.")
        if not path.parent.is_dir():
            raise CommandError(f"--out: the folder {str(path.parent)!r} does not exist.")
        return path


def _round(entry: PackEntry) -> str:
    return f"{entry.place}, {entry.period}"
