"""A closed round's report PDF and Word paper are made before anyone asks (reports.ahead): when
the round closes, and once a change to its plan settles; reopening it withdraws them."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image

from assessment.models import Action, Sharing
from assessment.services import assessment_advance, assessment_share, assessment_step_back
from assessment.services.actions import action_update
from reports import board_paper, chart_export, pdf
from reports.ahead import round_documents_render
from reports.models import PdfKind, PdfStatus, RenderedPdf

from .test_workers import content, in_test_transaction, run_worker  # noqa: F401

AHEAD_TASK = "reports.tasks.render_round_documents"


@pytest.fixture
def ahead(settings):
    settings.DOCUMENTS_AHEAD = True


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def stand_ins(monkeypatch):
    """Chromium and WeasyPrint stood in for; each render is counted by kind."""
    made = []
    monkeypatch.setattr(chart_export, "warm", lambda: None)
    monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})

    def html_to_pdf(html):
        made.append(PdfKind.REPORT)
        return b"%PDF-1.7 made ahead"

    buffer = io.BytesIO()
    Image.new("RGB", (70, 50), "white").save(buffer, "PNG")

    def figures_to_png(figures):
        made.append(PdfKind.PAPER)
        return [buffer.getvalue() for _ in figures]

    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    monkeypatch.setattr(board_paper, "figures_to_png", figures_to_png)
    return made


def close(assessment, callbacks) -> None:
    """The lead closes the round at consensus, and the close commits."""
    with callbacks(execute=True):
        assessment_advance(assessment=assessment)


def stored(assessment) -> dict[tuple[str, str], str]:
    rows = RenderedPdf.objects.filter(status=PdfStatus.READY)
    return {(row.kind, row.key): row.name for row in rows if row.key.startswith(str(assessment.pk))}


def queued(assessment) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=AHEAD_TASK, args_kwargs__kwargs__assessment_id=assessment.pk
        )
    )


def edit_the_plan(assessment, lead, callbacks, times: int) -> None:
    """The lead saves the round's one action `times` times in a row, each save committed."""
    action = Action.objects.get(assessment=assessment)
    for n in range(times):
        with callbacks(execute=True):
            action = action_update(
                action=action, title=f"Joint induction, take {n}", items=list(action.items.all())
            )


@pytest.mark.chromium
def test_closing_a_round_leaves_its_pdf_and_word_paper_stored_without_anyone_asking(
    client, lead, full_round, media, ahead, django_capture_on_commit_callbacks
):
    close(full_round, django_capture_on_commit_callbacks)
    made = stored(full_round)
    assert set(made) == {(PdfKind.REPORT, str(full_round.pk)), (PdfKind.PAPER, str(full_round.pk))}
    # The first reader is served what was made, as it was made.
    client.force_login(lead)
    response = client.get(reverse("reports-pdf", args=[full_round.pk]))
    assert response.status_code == 200
    assert content(response).startswith(b"%PDF")
    assert stored(full_round) == made
    response = client.get(reverse("reports-docx", args=[full_round.pk]))
    assert response.status_code == 200
    assert stored(full_round) == made


def test_closing_a_round_queues_its_documents_for_a_worker(
    full_round, media, ahead, worker_backend, stand_ins, django_capture_on_commit_callbacks
):
    close(full_round, django_capture_on_commit_callbacks)
    [task] = queued(full_round)
    assert task.run_after <= timezone.now()  # at once: nothing to wait for
    assert stored(full_round) == {} and stand_ins == []  # the web process made nothing


def test_a_worker_makes_them_and_a_reader_then_finds_them_ready(
    client,
    lead,
    full_round,
    media,
    ahead,
    worker_backend,
    stand_ins,
    in_test_transaction,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    close(full_round, django_capture_on_commit_callbacks)
    run_worker()
    assert sorted(stand_ins) == [PdfKind.PAPER, PdfKind.REPORT]
    client.force_login(lead)
    response = client.get(reverse("reports-pdf", args=[full_round.pk]))
    assert response.status_code == 200  # not the preparing page
    assert content(response) == b"%PDF-1.7 made ahead"
    assert sorted(stand_ins) == [PdfKind.PAPER, PdfKind.REPORT]  # nothing made again


def test_ten_plan_edits_in_a_row_queue_one_render_after_the_last(
    settings,
    lead,
    full_round,
    media,
    ahead,
    worker_backend,
    stand_ins,
    in_test_transaction,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    close(full_round, django_capture_on_commit_callbacks)
    run_worker()
    before = list(stand_ins)
    edit_the_plan(full_round, lead, django_capture_on_commit_callbacks, times=10)
    [waiting] = [t for t in queued(full_round) if t.status == "READY"]
    quiet = settings.DOCUMENTS_AHEAD_QUIET
    assert timezone.now() < waiting.run_after <= timezone.now() + quiet
    run_worker()  # too soon: the plan has not been left alone long enough
    assert stand_ins == before
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())  # time passes
    run_worker()
    assert sorted(stand_ins) == sorted(before * 2)  # one new PDF and one new paper
    row = RenderedPdf.objects.get(kind=PdfKind.REPORT, key=str(full_round.pk))
    assert row.status == PdfStatus.READY  # the newest plan's, the older one forgotten


def test_with_no_worker_a_plan_edit_keeps_nobody_waiting(
    lead, full_round, media, ahead, stand_ins, django_capture_on_commit_callbacks
):
    close(full_round, django_capture_on_commit_callbacks)
    made = list(stand_ins)
    assert sorted(made) == [PdfKind.PAPER, PdfKind.REPORT]
    edit_the_plan(full_round, lead, django_capture_on_commit_callbacks, times=3)
    assert stand_ins == made  # made when next asked for, not inside the edit's request


def test_a_plan_edit_in_a_round_not_yet_closed_queues_nothing(
    lead, full_round, media, ahead, worker_backend, django_capture_on_commit_callbacks
):
    edit_the_plan(full_round, lead, django_capture_on_commit_callbacks, times=2)
    assert queued(full_round) == []


def test_a_round_shared_by_name_has_the_outside_readers_documents_made_too(
    client,
    analyst,
    full_round,
    media,
    ahead,
    stand_ins,
    django_capture_on_commit_callbacks,
):
    close(full_round, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_share(assessment=full_round, sharing=Sharing.NAMED)
    # With no worker, sharing waits for the next reader; a worker makes them once it settles.
    round_documents_render(full_round.pk)
    shared = f"{full_round.pk}-shared"
    assert {(PdfKind.REPORT, shared), (PdfKind.PAPER, shared)} <= set(stored(full_round))
    client.force_login(analyst)
    made = list(stand_ins)
    response = client.get(reverse("reports-pdf", args=[full_round.pk]))
    assert response.status_code == 200
    assert stand_ins == made  # the analyst's is the one made ahead


def reopen(assessment, lead) -> None:
    assessment_step_back(
        assessment=assessment, shown_status="closed", reason="A score was mistyped.", user=lead
    )


def test_reopening_withdraws_what_was_made_ahead(
    lead, full_round, media, ahead, stand_ins, django_capture_on_commit_callbacks
):
    close(full_round, django_capture_on_commit_callbacks)
    names = list(stored(full_round).values())
    assert len(names) == 2
    with django_capture_on_commit_callbacks(execute=True):
        reopen(full_round, lead)
    assert stored(full_round) == {}
    assert not any((media / name).exists() for name in names)


def test_a_render_for_a_round_reopened_meanwhile_makes_nothing(
    lead, full_round, media, ahead, worker_backend, stand_ins
):
    assessment_advance(assessment=full_round)  # closed, then reopened before the worker ran
    reopen(full_round, lead)
    assert round_documents_render(full_round.pk) == []
    assert stand_ins == []


def test_a_board_pack_of_rounds_made_ahead_renders_nothing(
    full_round, media, ahead, stand_ins, tmp_path, django_capture_on_commit_callbacks
):
    close(full_round, django_capture_on_commit_callbacks)
    made = list(stand_ins)
    out, printed = tmp_path / "pack.zip", io.StringIO()
    call_command("board_pack", "--out", str(out), stdout=printed)
    assert "1 of 1 reports (0 rendered, 1 already made)" in printed.getvalue()
    assert stand_ins == made
    with zipfile.ZipFile(out) as pack:
        [report] = [name for name in pack.namelist() if name != "00-index.pdf"]
        assert pack.read(report) == b"%PDF-1.7 made ahead"
