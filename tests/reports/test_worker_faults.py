"""The PDF worker outlives faults around it: a database that stops answering for a while, and a
worker that died with a task half-done.

Most tests run the worker inside the test, in the test's own database transaction (as
test_workers.py does). The outage itself is a real one on PostgreSQL: the worker is a process of
its own, and its database refuses every connection for a few seconds.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from reports import chart_export, pdf
from reports.management.commands import pdf_worker
from reports.management.commands.pdf_worker import stale_tasks_reclaim

from .test_workers import run_worker

WAIT = 60  # seconds: a bound on waiting for the worker process, never a measure of speed
STALE = timedelta(minutes=10)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: an outage of a server, and sessions another worker can see",
)


@task()
def noted(text: str) -> str:
    """A task that needs nothing but the queue (run by the worker process in the outage test)."""
    return text


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def in_test_transaction(monkeypatch):
    """The worker keeps the test's connection, which holds the test's transaction."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(pdf_worker, "_close_connections", lambda: None)


@pytest.fixture
def committed(django_db_blocker):
    """For a worker process to see the test's rows, the test commits (transactional_db, asked
    for after this): every table is emptied afterwards, so the frameworks are loaded again."""
    yield
    with django_db_blocker.unblock():
        call_command("load_frameworks", verbosity=0)


@pytest.fixture
def stand_ins(monkeypatch):
    """The worker's stand-ins for Chromium and WeasyPrint."""
    monkeypatch.setattr(chart_export, "warm", lambda: None)
    monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 from the worker")


def left_running(task_result, *, minutes: int, workers: list[str]) -> DBTaskResult:
    """The queued task, as a worker that claimed it `minutes` ago and died would leave it."""
    row = DBTaskResult.objects.get(pk=task_result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - timedelta(minutes=minutes)
    row.worker_ids = workers
    row.save()
    return row


def queued_pdf(client, lead, assessment) -> str:
    client.force_login(lead)
    url = reverse("reports-pdf", args=[assessment.pk])
    assert client.get(url).status_code == 202
    return url


# --- the database stops answering ---------------------------------------------------------------


def _database_down_for(attempts: int, monkeypatch) -> list:
    """The database refuses the worker's first `attempts` tries to claim a task (where its loop
    first reaches the database); returns the list the worker's pauses are recorded in."""
    claim = db_worker.exclusive_transaction
    failures = iter([OperationalError("connection refused")] * attempts)

    def down_for_a_while(using):
        if error := next(failures, None):
            raise error
        return claim(using)

    waits = []
    monkeypatch.setattr(db_worker, "exclusive_transaction", down_for_a_while)
    monkeypatch.setattr(pdf_worker, "outage_wait", waits.append)
    return waits


def test_it_waits_for_the_database_and_then_renders_what_was_queued(
    client,
    lead,
    scored_round,
    media,
    worker_backend,
    in_test_transaction,
    stand_ins,
    monkeypatch,
    caplog,
):
    url = queued_pdf(client, lead, scored_round)
    waits = _database_down_for(4, monkeypatch)
    run_worker()
    assert waits == [1, 2, 4, 8]  # then the database answered
    assert "the database failed (connection refused); trying again in 8 s" in caplog.text
    assert client.get(url).status_code == 200


def test_it_waits_at_most_half_a_minute_between_attempts(
    db, worker_backend, in_test_transaction, stand_ins, monkeypatch
):
    waits = _database_down_for(8, monkeypatch)
    run_worker()
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]


@postgresql_only
def test_it_outlives_an_outage_of_the_database(
    committed, transactional_db, worker_backend, tmp_path
):
    """A worker process; its database refuses every connection for a few seconds, then a task
    is queued: the worker renders it."""
    name = connection.settings_dict["NAME"]
    log = tmp_path / "worker.log"
    worker = start_worker(name, log)
    try:
        wait_for(lambda: "Starting worker" in log.read_text(), "the worker never started")
        time.sleep(1)  # it has looked for work, and keeps its connection
        outage(name, seconds=3)
        result = noted.enqueue("after the outage")
        wait_for(lambda: worker.poll() is not None, "the worker did not run the task")
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL, log.read_text()
        assert worker.returncode == 0, log.read_text()
        assert "PDF worker: the database failed" in log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def outage(database: str, *, seconds: float) -> None:
    """The database refuses connections for `seconds` and drops those it has (but the test's):
    as a restart of the server looks to its clients, for one database only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [test_session] = cursor.fetchone()
    # A database cannot close itself to connections: this is done from the server's own.
    server = connections.create_connection("default")
    server.settings_dict = {**server.settings_dict, "NAME": "postgres"}
    try:
        with server.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            try:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> %s",
                    [database, test_session],
                )
                time.sleep(seconds)
            finally:
                cursor.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    finally:
        server.close()


def start_worker(database: str, log: Path) -> subprocess.Popen:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{database}"
    env = {**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": "database", "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own
    command = [sys.executable, "manage.py", "pdf_worker", "--max-tasks", "1"]
    command += ["--no-startup-delay", "--interval", "0.2"]
    root = Path(__file__).resolve().parents[2]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for(condition, message: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def test_it_records_a_pdf_it_rendered_as_made(
    client, lead, scored_round, media, worker_backend, in_test_transaction, stand_ins
):
    queued_pdf(client, lead, scored_round)
    run_worker()
    [rendered] = DBTaskResult.objects.all()
    assert rendered.status == TaskResultStatus.SUCCESSFUL, rendered.traceback


# --- a worker dies with a task half-done --------------------------------------------------------


def test_it_renders_on_start_a_pdf_whose_worker_died(
    client, lead, scored_round, media, worker_backend, in_test_transaction, stand_ins
):
    url = queued_pdf(client, lead, scored_round)
    [queued] = DBTaskResult.objects.all()
    left_running(queued.task_result, minutes=11, workers=["killed-mid-render"])
    run_worker()
    assert client.get(url).status_code == 200


def test_it_puts_a_task_back_on_the_queue_only_once_it_is_stale(
    client, lead, scored_round, media, worker_backend
):
    queued_pdf(client, lead, scored_round)
    [queued] = DBTaskResult.objects.all()
    row = left_running(queued.task_result, minutes=9, workers=["busy"])
    assert stale_tasks_reclaim(stale_after=STALE) == (0, 0)
    row = left_running(queued.task_result, minutes=11, workers=["busy"])
    assert stale_tasks_reclaim(stale_after=STALE) == (1, 0)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY


def test_it_fails_a_stale_task_that_may_not_be_safe_to_run_twice(db, worker_backend):
    row = left_running(noted.enqueue("twice?"), minutes=11, workers=["killed"])
    assert stale_tasks_reclaim(stale_after=STALE) == (0, 1)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert "stopped before it finished" in row.traceback


def test_it_fails_a_pdf_that_has_outlived_three_workers(
    client, lead, scored_round, media, worker_backend
):
    queued_pdf(client, lead, scored_round)
    [queued] = DBTaskResult.objects.all()
    row = left_running(queued.task_result, minutes=11, workers=["one", "two", "three"])
    assert stale_tasks_reclaim(stale_after=STALE) == (0, 1)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED


@postgresql_only
def test_it_leaves_a_long_task_to_a_worker_still_connected(db, worker_backend):
    row = left_running(noted.enqueue("a long pack"), minutes=11, workers=["alive"])
    other = connections.create_connection("default")  # the live worker's own session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT set_config('application_name', 'pdf_worker alive', false)")
        assert stale_tasks_reclaim(stale_after=STALE) == (0, 0)
    finally:
        other.close()
    # Its session ends a moment after the connection closes.
    wait_for(lambda: stale_tasks_reclaim(stale_after=STALE) == (0, 1), "never reclaimed")
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
