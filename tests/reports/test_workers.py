"""PDFs on worker processes (TASKS_BACKEND=database, `manage.py pdf_worker`): the web process
queues them and never starts a browser; a worker opens its one browser when it starts and keeps it.

The worker runs inside the test, in the test's own database transaction, which it must not close
as a worker process does between tasks; everything else is as a deployment runs it.
"""

import contextlib
import io
import os
import signal
import time

import psutil
import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from assessment.models import Sharing
from assessment.services import assessment_advance, assessment_share
from reports import chart_export, pdf
from reports.management.commands.pdf_worker import watchdog

WAIT = 60  # seconds: a bound on waiting for a browser to start, never a measure of speed


def browsers() -> set[int]:
    """The live Chromium browsers below this process (each one's main process, not its
    helpers; not one that died and is not yet reaped)."""
    found = set()
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):  # gone meanwhile, or a zombie
            if "chrom" in child.name() and not any(
                arg.startswith("--type=") for arg in child.cmdline()
            ):
                found.add(child.pid)
    return found


@pytest.fixture
def no_browser():
    """Start with no browser in this process (an earlier test may have left its warm one)."""
    chart_export.shutdown()
    assert browsers() == set()
    yield
    chart_export.shutdown()


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def in_test_transaction(monkeypatch):
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker(**options) -> str:
    out = io.StringIO()
    call_command("pdf_worker", "--batch", "--no-startup-delay", stdout=out, **options)
    return out.getvalue()


def pdf_url(assessment) -> str:
    return reverse("reports-pdf", args=[assessment.pk])


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the web process ----------------------------------------------------------------------------


def test_it_answers_with_a_preparing_page_that_checks_again(
    client, lead, scored_round, media, worker_backend
):
    client.force_login(lead)
    response = client.get(pdf_url(scored_round))
    assert response.status_code == 202
    assert "The report for Riverside Borough, 2026 Q4 is being rendered" in response.text
    assert "<script>" not in response.text  # its script is a static file: no inline script
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "reports.tasks.render_pdf"


def test_it_queues_a_pdf_once_however_often_the_preparing_page_checks(
    client, lead, scored_round, media, worker_backend
):
    client.force_login(lead)
    for _ in range(3):
        assert client.get(pdf_url(scored_round)).status_code == 202
    assert DBTaskResult.objects.count() == 1


def test_it_serves_the_pdf_once_a_worker_has_stored_it(
    client, lead, scored_round, media, worker_backend, in_test_transaction, monkeypatch
):
    client.force_login(lead)
    assert client.get(pdf_url(scored_round)).status_code == 202
    with monkeypatch.context() as worker:  # the worker's stand-ins for Chromium and WeasyPrint
        worker.setattr(chart_export, "warm", lambda: None)
        worker.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
        worker.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 from the worker")
        run_worker()
    response = client.get(pdf_url(scored_round))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert content(response) == b"%PDF-1.7 from the worker"


def test_it_starts_no_browser_in_a_web_process_serving_reports_and_pdfs(
    client, lead, scored_round, media, worker_backend, in_test_transaction, no_browser, monkeypatch
):
    client.force_login(lead)
    assert client.get(reverse("reports-page", args=[scored_round.pk])).status_code == 200
    assert client.get(pdf_url(scored_round)).status_code == 202
    assert client.get(pdf_url(scored_round)).status_code == 202  # asked again while it renders
    with monkeypatch.context() as worker:  # the worker, a process of its own in a deployment
        worker.setattr(chart_export, "warm", lambda: None)
        worker.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
        worker.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 from the worker")
        run_worker()
    assert client.get(pdf_url(scored_round)).status_code == 200
    assert browsers() == set()


def test_it_draws_the_print_version_s_charts_in_the_reader_s_browser_not_its_own(
    client, lead, scored_round, worker_backend, no_browser
):
    client.force_login(lead)
    response = client.get(reverse("reports-print", args=[scored_round.pk]))
    assert response.status_code == 200
    assert browsers() == set()
    page = response.text
    # Each chart's figure is on the page for plotly.js, which the page loads from this site.
    for name in ("radar", "lessons"):
        assert f'data-chart="{name}-data"' in page and f'id="{name}-data"' in page
    assert "Information management" in page.split('id="radar-data"')[1]  # a radar's factor
    assert page.count("/static/vendor/plotly.min.js") == 1
    assert "<svg" not in page  # nothing exported


def test_it_makes_a_board_pack_on_a_worker_and_serves_it_once_made(
    client,
    analyst,
    scored_round,
    media,
    worker_backend,
    in_test_transaction,
    no_browser,
    monkeypatch,
):
    for _ in range(2):  # to consensus, then closed
        assessment_advance(assessment=scored_round)
    assessment_share(assessment=scored_round, sharing=Sharing.NAMED)
    client.force_login(analyst)
    url = f"{reverse('reports-compare-pack')}?assessment={scored_round.pk}"
    assert client.get(url).status_code == 202
    assert client.get(url).status_code == 202  # asked again while it is made
    assert browsers() == set()
    with monkeypatch.context() as worker:
        worker.setattr(chart_export, "warm", lambda: None)
        worker.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
        worker.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 from the worker")
        run_worker()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert DBTaskResult.objects.filter(task_path="reports.tasks.build_board_pack").count() == 1
    assert browsers() == set()


@pytest.mark.chromium
def test_it_starts_a_browser_in_the_web_process_with_the_immediate_backend(
    client, lead, scored_round, media, no_browser
):
    # What the test above would see, were the web process to render PDFs itself.
    client.force_login(lead)
    assert client.get(pdf_url(scored_round)).status_code == 200
    assert len(browsers()) == 1


# --- the worker process -------------------------------------------------------------------------


@pytest.mark.chromium
def test_it_opens_its_browser_when_it_starts_and_renders_every_pdf_with_it(
    client, lead, scored_round, media, worker_backend, in_test_transaction, no_browser, monkeypatch
):
    client.force_login(lead)
    assert client.get(pdf_url(scored_round)).status_code == 202
    seen = {}
    loop = db_worker.Worker.run

    def run(worker):  # the worker's loop, between its start and its end
        seen["before the first task"] = browsers()
        loop(worker)
        seen["after the last task"] = browsers()

    monkeypatch.setattr(db_worker.Worker, "run", run)
    printed = run_worker()
    assert len(seen["before the first task"]) == 1
    assert seen["after the last task"] == seen["before the first task"]
    assert "chart browser open" in printed
    assert browsers() == set()  # closed when the worker stops
    response = client.get(pdf_url(scored_round))
    assert response.status_code == 200
    assert content(response).startswith(b"%PDF-")


def test_it_refuses_to_start_without_a_browser(worker_backend, no_browser, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(CommandError, match="cannot start its chart browser: The charts cannot be"):
        run_worker()


@pytest.mark.chromium
def test_it_replaces_a_browser_that_died(no_browser):
    chart_export.warm()
    [first] = browsers()
    stop = watchdog(every=0.2)
    try:
        os.kill(first, signal.SIGKILL)  # as the OOM killer would
        # Until one new browser has stood alone for two seconds, the watchdog keeps watching: a
        # process Chromium has just forked carries its parent's command line until it execs as
        # a helper (--type=…), and on a loaded machine a browser slow to start is closed and
        # opened again. A second browser kept open would never stand alone.
        deadline, alone_since = time.monotonic() + WAIT, None
        while time.monotonic() < deadline:
            if len(browsers() - {first}) == 1:
                alone_since = alone_since or time.monotonic()
                if time.monotonic() - alone_since >= 2:
                    break
            else:
                alone_since = None
            time.sleep(0.2)
    finally:
        stop.set()
    assert len(browsers() - {first}) == 1  # one new browser in place of the dead one
