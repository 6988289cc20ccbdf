"""A PDF worker: django-tasks-db's `db_worker`, with its chart browser open before the first task.

Web processes, with TASKS_BACKEND=database, only queue PDFs and e-mail; this process renders and
sends them. It opens
its one Chromium when it starts, so no reader waits for a browser to start, and a watchdog thread
replaces that browser if it dies (crash, OOM killer) while the worker waits for work. Every option
of `db_worker` applies (`--help`); reloading on code changes, which stops a render half-way, is off
even with DEBUG on unless asked for (`--reload`).

It outlives faults around it. When the database stops answering (a restart, a fail-over), the
worker waits and tries again (1 s, then 2, 4 … at most 30 s apart) instead of exiting. A task
left running by a worker that died (killed mid-render, its machine gone) is put back on the
queue, by this worker when it starts and every minute after, once it has been running for
PDF_TASK_STALE_AFTER (10 minutes unless set) and its worker has no session open on PostgreSQL.
"""

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.db.backends.signals import connection_created
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.models import DBTaskResult

from reports import chart_export
from reports.tasks import RERUNNABLE

logger = logging.getLogger(__name__)

# How often the watchdog looks at the browser: a dead one is replaced within this many seconds.
WATCH_SECONDS = 5.0
# Waits between attempts to reach a database that stopped answering: doubling, and bounded so the
# worker is back within half a minute of the database.
FIRST_BACKOFF, LAST_BACKOFF = 1.0, 30.0
DATABASE_ERRORS = (OperationalError, InterfaceError)
# How often a worker looks for tasks left running by a worker that died.
RECLAIM_SECONDS = 60.0
# Unless settings.PDF_TASK_STALE_AFTER says otherwise: longer than any render takes, so a task
# still running after it is one whose worker is gone (a board pack of 200 reports takes minutes).
STALE_AFTER = timedelta(minutes=10)
# A task whose workers died under it this many times is failed, not run again: it may be what
# kills them (a document that exhausts memory).
MAX_RUNS = 3
# Each worker's database sessions carry its id, so on PostgreSQL another worker can tell that it
# is still alive, however long its task runs.
SESSION_PREFIX = "pdf_worker "


class WorkerLost(Exception):
    """The worker running a task stopped before finishing it (recorded on the failed task)."""


def _session_name(worker_id: str) -> str:
    return (SESSION_PREFIX + worker_id)[:63]  # PostgreSQL keeps 63 bytes of an application name


def _live_sessions() -> set[str] | None:
    """The workers with a session open on the database; None where the database cannot tell."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # Within a transaction, PostgreSQL answers from its first look at the sessions.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT application_name FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE %s",
            [SESSION_PREFIX + "%"],
        )
        return {name for (name,) in cursor.fetchall()}


def stale_tasks_reclaim(*, stale_after: timedelta, abandoned_by: str = "") -> tuple[int, int]:
    """Put tasks whose worker died back on the queue; returns how many were queued again and
    how many failed (a task not known to be safe to run twice, or one that has killed
    MAX_RUNS workers).

    A task is taken for dead once it has run longer than `stale_after` and, on PostgreSQL, its
    worker has no session open. One that `abandoned_by` (a worker id) was running is taken
    whatever its age: that worker is starting its loop again, so it runs nothing now.
    """
    cutoff = timezone.now() - stale_after
    live = _live_sessions()

    def is_dead(task: DBTaskResult) -> bool:
        worker = task.worker_ids[-1] if task.worker_ids else ""
        if abandoned_by and worker == abandoned_by:
            return True
        stale = task.started_at is not None and task.started_at < cutoff
        return stale and not (live and _session_name(worker) in live)

    with transaction.atomic():
        # Locked, so two workers reclaiming at once do not both act on a task.
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        if not abandoned_by:
            running = running.filter(started_at__lt=cutoff)
        dead = [task for task in running if is_dead(task)]
        again = [t.pk for t in dead if t.task_path in RERUNNABLE and len(t.worker_ids) < MAX_RUNS]
        lost = [task.pk for task in dead if task.pk not in again]
        DBTaskResult.objects.filter(pk__in=again).update(
            status=TaskResultStatus.READY, started_at=None
        )
        DBTaskResult.objects.filter(pk__in=lost).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"{WorkerLost.__qualname__}: the worker running this task stopped before it"
            " finished; it is not run again, as it may not be safe to run twice or may be what"
            " stopped its workers.\n",
        )
    if dead:
        logger.warning(
            "PDF worker: %d task(s) left running by a worker that stopped: %d queued again, "
            "%d failed.",
            len(dead),
            len(again),
            len(lost),
        )
    return len(again), len(lost)


def _reclaim(stale_after: timedelta, abandoned_by: str = "") -> None:
    try:
        stale_tasks_reclaim(stale_after=stale_after, abandoned_by=abandoned_by)
    except DATABASE_ERRORS as exc:  # the next round tries again
        logger.warning("PDF worker: could not look for stale tasks (%s)", exc)


def _reclaim_every(stop: threading.Event, every: float, stale_after: timedelta) -> None:
    while not stop.wait(every):
        _reclaim(stale_after)
        close_old_connections()  # this thread's own: replaced when it failed or is old
    connections.close_all()


def _watch(stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        # A no-op while the browser runs; a failure is logged, and the next PDF tries again.
        with contextlib.suppress(chart_export.ChartExportError):
            chart_export.warm()


def outage_wait(seconds: float) -> None:
    """The pause between attempts while the database is down (a function of its own, so a test
    can count the pauses without stopping every other thread's sleep)."""
    time.sleep(seconds)


def _daemon(target: Callable, name: str, every: float, *args) -> threading.Event:
    stop = threading.Event()
    thread = threading.Thread(target=target, args=(stop, every, *args), name=name, daemon=True)
    thread.start()
    return stop


def watchdog(every: float = WATCH_SECONDS) -> threading.Event:
    """Start the thread that keeps the browser open; set the returned event to stop it."""
    return _daemon(_watch, "chart-browser-watchdog", every)


def reclaimer(stale_after: timedelta, every: float = RECLAIM_SECONDS) -> threading.Event:
    """Start the thread that looks for stale tasks; set the returned event to stop it."""
    return _daemon(_reclaim_every, "stale-task-reclaimer", every, stale_after)


def _close_connections() -> None:
    """Drop this thread's connections, broken by the outage: new ones open when it is over."""
    for alias in connections:
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            connections[alias].close()


def _name_sessions(worker_id: str) -> Callable:
    """Have this process's database sessions carry the worker's id (see SESSION_PREFIX)."""

    def name(connection, **kwargs) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # SET takes no parameters; set_config does
                cursor.execute(
                    "SELECT set_config('application_name', %s, false)",
                    [_session_name(worker_id)],
                )

    connection_created.connect(name, weak=False)
    if connection.connection is not None:  # opened before this command started
        name(connection)
    return name


class Command(DbWorkerCommand):
    help = (
        "Render queued PDFs and send queued e-mail (TASKS_BACKEND=database): opens a chart "
        "browser, keeps it open, and runs django-tasks-db's worker loop, through database "
        "outages. Takes db_worker's options."
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
        stale_after = getattr(settings, "PDF_TASK_STALE_AFTER", STALE_AFTER)
        if not isinstance(stale_after, timedelta):  # a number of seconds
            stale_after = timedelta(seconds=stale_after)
        naming = _name_sessions(options["worker_id"])
        stops = [watchdog(), reclaimer(stale_after)]
        try:
            self._run_through_outages(stale_after, *args, **options)
        finally:
            for stop in stops:
                stop.set()
            connection_created.disconnect(naming)
            chart_export.shutdown()

    def _run_through_outages(self, stale_after: timedelta, *args, **options) -> None:
        """Run the worker loop; when the database fails it, wait and start the loop again."""
        backoff = FIRST_BACKOFF
        while True:
            # Before each start of the loop: tasks of dead workers, and any this worker was
            # running when the database failed it, go back on the queue.
            _reclaim(stale_after, abandoned_by=options["worker_id"])
            started = time.monotonic()
            try:
                return super().handle(*args, **options)
            except DATABASE_ERRORS as exc:
                if time.monotonic() - started > 2 * LAST_BACKOFF:
                    backoff = FIRST_BACKOFF  # a new outage, after a good run
                logger.warning(
                    "PDF worker: the database failed (%s); trying again in %g s.",
                    str(exc).strip() or type(exc).__name__,
                    backoff,
                )
            _close_connections()
            outage_wait(backoff)  # SIGTERM meanwhile stops the worker (db_worker's handler)
            backoff = min(backoff * 2, LAST_BACKOFF)
            options["startup_delay"] = False
