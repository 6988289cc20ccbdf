"""Storage that refuses a write or a removal after the database has committed: the change stands,
the problem is logged, and a stored PDF nothing names any more is swept away later."""

import errno
import io
import logging
import os
import time
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.signals import task_finished
from django.urls import reverse
from django_tasks_db import DatabaseBackend

from assessment.models import RoundStatus
from assessment.services import assessment_advance, response_reopen
from reports import services
from reports.models import PdfStatus, RenderedPdf

from .rounds import answer, respondent_of

pytestmark = pytest.mark.django_db


def _storage_refuses(monkeypatch, *methods: str) -> None:
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    for method in methods:
        monkeypatch.setattr(default_storage, method, refuse)


def _pdf_of(client, assessment) -> RenderedPdf:
    response = client.get(reverse("reports-pdf", args=[assessment.pk]))
    # Read, not closed: closing sends request_finished, which on PostgreSQL closes the
    # connection this test's transaction holds.
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    return RenderedPdf.objects.get(key=str(assessment.pk))


def _task_finished(backend) -> None:
    """What a backend announces when it has run a task."""
    result = SimpleNamespace(
        id="1", task=SimpleNamespace(module_path="reports.tasks.render_pdf"), status="SUCCESSFUL"
    )
    task_finished.send(sender=backend, task_result=result)


def _store(media, name: str, *, hours_old: float) -> None:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 left")
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))


@pytest.fixture
def closed_round(make_round):
    assessment = make_round(scoring_ended=True)
    return assessment_advance(assessment=assessment)


def test_it_reopens_a_round_whose_pdf_storage_will_not_remove(
    client,
    lead,
    closed_round,
    media,
    fake_render,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    client.force_login(lead)
    stored = _pdf_of(client, closed_round).name
    _storage_refuses(monkeypatch, "delete")
    url = reverse("assessment-step-back", args=[closed_round.pk])
    form = {"status": RoundStatus.CLOSED, "reason": "A late answer.", "confirm": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)
    closed_round.refresh_from_db()
    assert closed_round.status == RoundStatus.CONSENSUS
    assert "The round is back to: Consensus." in response.text
    assert not RenderedPdf.objects.exists()
    assert stored in caplog.text and "could not be removed" in caplog.text


def test_it_keeps_a_new_render_when_storage_will_not_remove_the_older_one(
    client, lead, respondent, make_round, media, fake_render, monkeypatch, caplog
):
    scored_round = make_round()
    client.force_login(lead)
    older = _pdf_of(client, scored_round).name
    response_reopen(respondent=respondent_of(scored_round, respondent))
    answer(respondent_of(scored_round, respondent), evidence="Rewritten after the board meeting.")
    _storage_refuses(monkeypatch, "delete")
    newer = _pdf_of(client, scored_round)
    assert newer.status == PdfStatus.READY
    assert newer.name != older
    assert older in caplog.text


def test_it_sweeps_a_stored_pdf_no_row_names_once_it_is_an_hour_old(closed_round, media):
    kept = RenderedPdf.objects.create(
        kind="report", key=str(closed_round.pk), digest="a" * 32, status=PdfStatus.READY
    )
    kept.name = "pdf/report/kept.pdf"
    kept.save()
    _store(media, "pdf/report/kept.pdf", hours_old=5)
    _store(media, "pdf/report/orphaned.pdf", hours_old=2)
    _store(media, "pdf/comparison/orphaned.pdf", hours_old=2)
    _store(media, "pdf/report/being-recorded.pdf", hours_old=0.1)
    assert services.pdf_orphans_sweep() == 2
    left = sorted(str(p.relative_to(media)) for p in media.rglob("*.pdf"))
    assert left == ["pdf/report/being-recorded.pdf", "pdf/report/kept.pdf"]


def test_it_sweeps_nothing_before_the_first_pdf_is_stored(media):
    assert services.pdf_orphans_sweep() == 0


def test_it_sweeps_from_the_command_and_says_how_many(media):
    _store(media, "pdf/report/orphaned.pdf", hours_old=2)
    out = io.StringIO()
    call_command("pdf_sweep", stdout=out)
    assert out.getvalue() == "Removed 1 stored PDF that no rendered PDF names.\n"


def test_it_has_the_pdf_worker_sweep_at_most_once_an_hour(media, caplog):
    _store(media, "pdf/report/orphaned.pdf", hours_old=2)
    _task_finished(ImmediateBackend)  # a web process: no sweep
    assert list(media.rglob("*.pdf"))
    _task_finished(DatabaseBackend)
    assert not list(media.rglob("*.pdf"))
    _store(media, "pdf/report/orphaned-later.pdf", hours_old=2)
    _task_finished(DatabaseBackend)
    assert list(media.rglob("*.pdf"))  # swept again within the hour: not yet


def test_it_keeps_the_worker_going_when_its_sweep_fails(media, monkeypatch, caplog):
    _store(media, "pdf/report/orphaned.pdf", hours_old=2)
    _storage_refuses(monkeypatch, "delete")
    with caplog.at_level(logging.WARNING):
        _task_finished(DatabaseBackend)
    assert "Read-only file system" in caplog.text


def test_it_says_so_when_storage_refuses_the_command_s_sweep(media, monkeypatch):
    _store(media, "pdf/report/orphaned.pdf", hours_old=2)
    _storage_refuses(monkeypatch, "delete")
    with pytest.raises(CommandError, match="The file storage refused the sweep: .*Read-only"):
        call_command("pdf_sweep")
