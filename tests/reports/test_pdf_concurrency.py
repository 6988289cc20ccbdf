"""Several requests for one PDF at once, as on several web nodes: real threads, each with its own
database connection, racing for the same row.

PostgreSQL only: SQLite has no row locks and lets one writer in at a time, so it cannot race.
"""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessment.services import response_reopen
from reports import pdf
from reports.models import PdfStatus, RenderedPdf
from reports.selectors import report_build

from .rounds import answer, respondent_of

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks and one writer at a time, so nothing races",
)

WAIT = 30  # seconds: a bound on waiting for another thread, never a measure of speed


@pytest.fixture
def committed(django_db_blocker):
    """Rows the threads can see: the test commits as it goes (transactional_db, requested after
    this fixture). Afterwards every table is emptied, the frameworks every other test stands on
    with them, so they are loaded again."""
    yield
    with django_db_blocker.unblock():
        call_command("load_frameworks", verbosity=0)


class Renderer:
    """A stand-in for WeasyPrint that holds its first render until `release` is set."""

    def __init__(self, monkeypatch):
        self.renders: list[str] = []
        self.started, self.release = threading.Event(), threading.Event()
        monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
        monkeypatch.setattr(pdf, "html_to_pdf", self)

    def __call__(self, html: str) -> bytes:
        self.renders.append(html)
        number = len(self.renders)
        if number == 1:
            self.started.set()
            assert self.release.wait(WAIT), "never released"
        return f"%PDF-1.7 render {number}".encode()


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def asking(user, assessment, answers: dict, name: str) -> threading.Thread:
    """A request for the round's PDF from its own thread and connection, as another node's."""

    def ask():
        try:
            client = Client()
            client.force_login(user)
            response = client.get(reverse("reports-pdf", args=[assessment.pk]))
            answers[name] = (response.status_code, content(response))
        finally:
            connections.close_all()

    thread = threading.Thread(target=ask, name=name)
    thread.start()
    return thread


def wait_for_a_lock_wait():
    """Until some connection to this database waits on a lock (the second request, on the row)."""
    deadline = time.monotonic() + WAIT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("no request ever waited on the PDF's row")


def test_it_renders_once_for_two_requests_at_once(
    committed, transactional_db, scored_round, lead, media, monkeypatch
):
    renderer, answers = Renderer(monkeypatch), {}
    first = asking(lead, scored_round, answers, "first")
    assert renderer.started.wait(WAIT)
    second = asking(lead, scored_round, answers, "second")
    wait_for_a_lock_wait()  # the second request waits for the first render, not beside it
    renderer.release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert answers == {"first": (200, b"%PDF-1.7 render 1"), "second": (200, b"%PDF-1.7 render 1")}
    assert len(renderer.renders) == 1
    assert RenderedPdf.objects.get().status == PdfStatus.READY


def test_it_never_lets_a_slower_render_of_older_content_remove_the_newer_pdf(
    committed, transactional_db, scored_round, lead, respondent, media, monkeypatch
):
    renderer, answers = Renderer(monkeypatch), {}
    slow = asking(lead, scored_round, answers, "older")  # renders the round as it stands
    assert renderer.started.wait(WAIT)
    response_reopen(respondent=respondent_of(scored_round, respondent))
    answer(respondent_of(scored_round, respondent), evidence="Rewritten after the board.")
    newer = pdf.report_document(report_build(scored_round)).digest
    fast = asking(lead, scored_round, answers, "newer")
    fast.join(WAIT)  # made and served while the older render still runs: it waits for nobody
    assert answers["newer"] == (200, b"%PDF-1.7 render 2")
    renderer.release.set()
    slow.join(WAIT)
    assert answers["older"] == (200, b"%PDF-1.7 render 1")
    # The newer PDF outlived the older render's end, and is what the round's readers get.
    assert RenderedPdf.objects.get(digest=newer).status == PdfStatus.READY
    client = Client()
    client.force_login(lead)
    response = client.get(reverse("reports-pdf", args=[scored_round.pk]))
    assert content(response) == b"%PDF-1.7 render 2"
    assert len(renderer.renders) == 2
