"""A PDF worker: django-tasks-db's `db_worker`, with its chart browser open before the first task.

Web processes, with TASKS_BACKEND=database, only queue PDFs; this process renders them. It opens
its one Chromium when it starts, so no reader waits for a browser to start, and a watchdog thread
replaces that browser if it dies (crash, OOM killer) while the worker waits for work. Every option
of `db_worker` applies (`--help`); reloading on code changes, which stops a render half-way, is off
even with DEBUG on unless asked for (`--reload`).
"""

import contextlib
import os
import threading

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from reports import chart_export

# How often the watchdog looks at the browser: a dead one is replaced within this many seconds.
WATCH_SECONDS = 5.0


def _watch(stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        # A no-op while the browser runs; a failure is logged, and the next PDF tries again.
        with contextlib.suppress(chart_export.ChartExportError):
            chart_export.warm()


def watchdog(every: float = WATCH_SECONDS) -> threading.Event:
    """Start the thread that keeps the browser open; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=_watch, args=(stop, every), name="chart-browser-watchdog", daemon=True
    ).start()
    return stop


class Command(DbWorkerCommand):
    help = (
        "Render queued PDFs (TASKS_BACKEND=database): opens a chart browser, keeps it open, "
        "and runs django-tasks-db's worker loop. Takes db_worker's options."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's parent only restarts its child, which renders and opens a browser.
            return super().handle(*args, **options)
        try:
            chart_export.warm()
        except chart_export.ChartExportError as exc:
            raise CommandError(f"The PDF worker cannot start its chart browser: {exc}") from None
        self.stdout.write(
            f"PDF worker: chart browser open; if it dies it is replaced within {WATCH_SECONDS:g} s."
        )
        stop = watchdog()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            chart_export.shutdown()
