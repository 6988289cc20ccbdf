"""The report PDF and its cache (reports.services.document_render: one RenderedPdf row per round
and content): what makes a new PDF, what is served again, what a failure leaves behind. Chromium
and WeasyPrint are replaced by `fake_render`; test_views.py runs them."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone

from assessment.imports import ScoreRow
from assessment.models import Region
from assessment.services import assessment_advance, response_reopen, scores_import
from reports import pdf
from reports.models import PdfStatus, RenderedPdf
from reports.selectors import report_build
from reports.services import document_render

from .pages import download
from .rounds import answer, record_consensus, respondent_of


def stored_pdfs() -> list[str]:
    """The report PDFs in storage. (The app itself never lists folders: its rows say.)"""
    try:
        return sorted(f"pdf/report/{name}" for name in default_storage.listdir("pdf/report")[1])
    except FileNotFoundError:
        return []


def current_name(assessment) -> str:
    return pdf.report_document(report_build(assessment)).storage_name


def get_pdf(client, assessment):
    return client.get(reverse("reports-pdf", args=[assessment.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def change_evidence(assessment, user):
    """The person reopens their answers, rewrites their evidence and submits again."""
    response_reopen(respondent=respondent_of(assessment, user))
    answer(respondent_of(assessment, user), evidence="Rewritten after the board meeting.")


# --- the digest -----------------------------------------------------------------------------------


def test_it_gives_an_unchanged_round_the_same_digest(scored_round):
    assert report_build(scored_round).digest == report_build(scored_round).digest


def test_it_gives_a_new_digest_when_evidence_changes(scored_round, respondent):
    before = report_build(scored_round).digest
    change_evidence(scored_round, respondent)
    assert report_build(scored_round).digest != before


def test_it_gives_a_new_digest_when_a_workshop_import_rewrites_only_the_evidence(scored_round):
    # A re-import that changes only the evidence: the report is dated from it, and its digest
    # (which covers the evidence itself) changes.
    before = report_build(scored_round)
    row = ScoreRow(
        line=2,
        respondent="Tom Hughes",
        framework="lga-maturity-matrix",
        item="impact",
        current=2,
        target=4,
        evidence="Corrected on the workshop sheet.",
        confidence="",
    )
    scores_import(assessment=scored_round, rows=[row])
    after = report_build(scored_round)
    assert after.as_of > before.as_of
    assert after.digest != before.digest


def test_it_gives_a_new_digest_when_consensus_is_recorded(scored_round, lead):
    assessment_advance(assessment=scored_round)
    before = report_build(scored_round).digest
    record_consensus(scored_round, lead)
    assert report_build(scored_round).digest != before


def test_it_gives_a_new_digest_when_the_place_details_on_the_cover_change(scored_round, place):
    # The cover shows the kind of place and its region ("Borough, London").
    before = report_build(scored_round).digest
    place.region = Region.SOUTH_EAST
    place.save()
    scored_round.refresh_from_db()
    assert report_build(scored_round).digest != before


def test_it_keeps_the_digest_while_a_draft_is_unsubmitted(scored_round):
    # Only submitted answers are in the report, so a draft must not make a new PDF.
    before = report_build(scored_round).digest
    late = scored_round.respondents.create(name="Late Arrival")
    answer(late, default=(4, 4), submit=False)
    assert report_build(scored_round).digest == before


# --- the cache ------------------------------------------------------------------------------------


def test_it_serves_an_unchanged_round_from_the_cache(
    lead_client, scored_round, media, fake_render, monkeypatch
):
    first = body(get_pdf(lead_client, scored_round))
    monkeypatch.setattr(pdf, "html_to_pdf", _refuse)
    second = get_pdf(lead_client, scored_round)
    assert second.status_code == 200
    assert body(second) == first
    assert len(fake_render) == 1


def _refuse(html):
    raise AssertionError("rendered again although the round has not changed")


def test_it_keeps_one_row_per_round_and_content(lead_client, scored_round, media, fake_render):
    get_pdf(lead_client, scored_round)
    get_pdf(lead_client, scored_round)
    [row] = RenderedPdf.objects.all()
    assert (row.kind, row.key, row.status) == ("report", str(scored_round.pk), PdfStatus.READY)
    assert row.name == current_name(scored_round)
    assert stored_pdfs() == [row.name]


def test_it_makes_a_new_pdf_after_a_response_changes_and_removes_the_old_one(
    lead_client, scored_round, respondent, media, fake_render
):
    get_pdf(lead_client, scored_round)
    [old] = stored_pdfs()
    change_evidence(scored_round, respondent)
    response = get_pdf(lead_client, scored_round)
    assert body(response) == b"%PDF-1.7 render 2"
    assert stored_pdfs() == [current_name(scored_round)] != [old]
    assert RenderedPdf.objects.get().name == current_name(scored_round)


def test_it_makes_a_new_pdf_after_consensus_and_removes_the_old_one(
    lead_client, scored_round, lead, media, fake_render
):
    assessment_advance(assessment=scored_round)
    get_pdf(lead_client, scored_round)
    [old] = stored_pdfs()
    record_consensus(scored_round, lead)
    assert body(get_pdf(lead_client, scored_round)) == b"%PDF-1.7 render 2"
    [new] = stored_pdfs()
    assert new != old


def test_it_keeps_the_pdfs_of_other_rounds(lead_client, make_round, respondent, media, fake_render):
    first, second = make_round(period="2026 Q3"), make_round(period="2026 Q4")
    get_pdf(lead_client, first)
    get_pdf(lead_client, second)
    change_evidence(second, respondent)
    get_pdf(lead_client, second)
    assert stored_pdfs() == sorted([current_name(first), current_name(second)])


def test_it_never_lets_a_slower_render_of_older_content_remove_the_newer_pdf(
    lead_client, scored_round, respondent, media, fake_render
):
    # A worker read the round, then was slow to render; meanwhile the evidence changed and the
    # newer PDF was made and served.
    older = pdf.report_document(report_build(scored_round))
    change_evidence(scored_round, respondent)
    newer = body(get_pdf(lead_client, scored_round))
    assert document_render(document=older) == older.storage_name  # the slow worker finishes
    assert current_name(scored_round) in stored_pdfs()
    assert body(get_pdf(lead_client, scored_round)) == newer
    assert len(fake_render) == 2


def test_it_renders_again_when_the_stored_file_is_gone(
    lead_client, scored_round, media, fake_render
):
    get_pdf(lead_client, scored_round)
    default_storage.delete(current_name(scored_round))  # e.g. a bucket emptied by hand
    response = get_pdf(lead_client, scored_round)
    assert body(response) == b"%PDF-1.7 render 2"
    assert stored_pdfs() == [current_name(scored_round)]


def test_it_replaces_a_file_left_by_a_render_that_died(
    lead_client, scored_round, media, fake_render
):
    # A worker killed between writing the file and recording it leaves a file and no row.
    default_storage.save(current_name(scored_round), ContentFile(b"%PDF-1.7 half"))
    assert body(get_pdf(lead_client, scored_round)) == b"%PDF-1.7 render 1"
    assert stored_pdfs() == [current_name(scored_round)]


# --- the name it is saved under -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "filename"),
    [
        ("2026 Q4", "riverside-borough-2026-q4-integration-maturity.pdf"),
        ("Gwanwyn 2026 (Môn)", "riverside-borough-gwanwyn-2026-môn-integration-maturity.pdf"),
        ("2026 Q4 🚀", "riverside-borough-2026-q4-integration-maturity.pdf"),
        (
            "\";filename*=UTF-8''evil.html;x=\"",
            "riverside-borough-filename-utf-8-evil-html-x-integration-maturity.pdf",
        ),
        ("2026/27 Q1", "riverside-borough-2026-27-q1-integration-maturity.pdf"),
    ],
)
def test_it_names_the_pdf_after_the_place_and_period_whatever_they_hold(
    lead_client, make_round, media, fake_render, period, filename
):
    response = get_pdf(lead_client, make_round(period=period))
    assert download(response) == ("inline", filename)


# --- when the PDF cannot be made ------------------------------------------------------------------


def _broken(html):
    raise OSError("WeasyPrint ran out of memory in /srv/app/var/weasyprint")


def test_it_leaves_no_file_when_the_render_fails(
    lead_client, scored_round, media, fake_render, monkeypatch, caplog
):
    monkeypatch.setattr(pdf, "html_to_pdf", _broken)
    response = get_pdf(lead_client, scored_round)
    assert response.status_code == 503
    assert "The PDF could not be made" in response.text
    assert "Try again in a minute; if it persists, tell your administrator: " in response.text
    assert "the PDF could not be laid out" in response.text
    assert stored_pdfs() == []


def test_it_shows_no_trace_or_server_path_and_logs_them(
    lead_client, scored_round, media, fake_render, monkeypatch, caplog
):
    monkeypatch.setattr(pdf, "html_to_pdf", _broken)
    response = get_pdf(lead_client, scored_round)
    assert "OSError" not in response.text and "/srv/app" not in response.text
    assert "Traceback" in caplog.text
    assert "OSError: WeasyPrint ran out of memory in /srv/app/var/weasyprint" in caplog.text


def test_it_asks_for_a_minute_before_rendering_again_after_a_failure(
    lead_client, scored_round, media, fake_render, monkeypatch
):
    monkeypatch.setattr(pdf, "html_to_pdf", _broken)
    get_pdf(lead_client, scored_round)
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 mended")
    assert get_pdf(lead_client, scored_round).status_code == 503  # not tried again yet
    RenderedPdf.objects.update(updated_at=timezone.now() - timedelta(minutes=2))
    assert body(get_pdf(lead_client, scored_round)) == b"%PDF-1.7 mended"


def test_it_leaves_no_file_when_there_is_no_browser_for_the_charts(
    lead_client, scored_round, media, monkeypatch
):
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chromium")
    response = get_pdf(lead_client, scored_round)
    assert response.status_code == 503
    assert "the charts could not be drawn" in response.text
    assert "/nowhere" not in response.text
    assert stored_pdfs() == []


# --- rendered by a worker -------------------------------------------------------------------------


@pytest.fixture
def queued(settings):
    """A real task queue: the request only enqueues the render, and the page looks again."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


def test_it_says_the_pdf_is_on_its_way_when_a_worker_renders_it(
    lead_client, scored_round, media, queued
):
    response = get_pdf(lead_client, scored_round)
    assert response.status_code == 202
    assert "Preparing the PDF" in response.text
    assert "The report for Riverside Borough, 2026 Q4 is being rendered." in response.text
    assert stored_pdfs() == []


def test_it_tells_how_the_pdf_is_coming_along_without_reloading_the_page(
    django_app, lead, scored_round, media, queued
):
    url = reverse("reports-pdf", args=[scored_round.pk])
    page = django_app.get(url, user=lead, status=202)
    # A page that reloads itself loses a screen reader's place (WCAG 2.2.1): a script checks.
    assert not page.html.select("meta[http-equiv]")
    progress = page.html.select_one("[role=status]")
    assert progress["aria-live"] == "polite"
    assert "is being rendered" in progress.text
    assert "It is waiting for the next free worker" in progress.text
    assert page.html.select_one("script[src$='js/preparing.js']")
    # Without the script, the reader checks again by hand.
    assert page.click("Check again", href=url).status_code == 202


def test_it_answers_the_page_s_check_once_the_pdf_is_ready_without_handing_it_over(
    lead_client, scored_round, media, queued, fake_render
):
    check = {"headers": {"X-Document-Check": "ready"}}
    url = reverse("reports-pdf", args=[scored_round.pk])
    assert lead_client.get(url, **check).status_code == 202
    [result] = queued.results
    result.task.call(*result.args, **result.kwargs)  # the worker runs it
    ready = lead_client.get(url, **check)
    assert (ready.status_code, ready.content) == (204, b"")
    assert body(lead_client.get(url)) == b"%PDF-1.7 render 1"  # then the page opens it


def test_it_hands_the_worker_only_the_round_s_and_the_reader_s_ids(
    lead_client, lead, scored_round, media, queued
):
    get_pdf(lead_client, scored_round)
    [result] = queued.results
    # A member reads the round as its place does: no reader to limit it for (the analyst's
    # task carries theirs: test_since_last_round_privacy).
    assert (result.args, result.kwargs) == (
        [],
        {"kind": "report", "assessment_id": scored_round.pk, "user_id": None},
    )


def test_it_serves_the_pdf_once_the_worker_has_made_it(
    lead_client, scored_round, media, queued, fake_render
):
    get_pdf(lead_client, scored_round)
    [result] = queued.results
    result.task.call(*result.args, **result.kwargs)  # the worker runs it
    response = get_pdf(lead_client, scored_round)
    assert response.status_code == 200
    assert body(response) == b"%PDF-1.7 render 1"
