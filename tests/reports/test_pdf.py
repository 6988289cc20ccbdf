"""The PDF cache (reports/pdf.py): what makes a new PDF, what is served again, what a failure
leaves behind. Chromium and WeasyPrint are replaced by `fake_render`; test_views.py runs them."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from assessment.imports import ScoreRow
from assessment.models import Region
from assessment.services import assessment_advance, response_reopen, scores_import
from reports import pdf
from reports.selectors import report_build

from .rounds import answer, record_consensus, respondent_of


def cached_pdfs() -> list[str]:
    try:
        return sorted(default_storage.listdir("reports")[1])
    except FileNotFoundError:
        return []


def get_pdf(client, assessment):
    return client.get(reverse("reports-pdf", args=[assessment.pk]))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def change_evidence(assessment, user):
    """The person reopens their answers, rewrites their evidence and submits again."""
    response_reopen(respondent=respondent_of(assessment, user))
    answer(respondent_of(assessment, user), evidence="Rewritten after the board meeting.")


@pytest.fixture
def signed_in(client, lead):
    client.force_login(lead)
    return client


# --- the digest -----------------------------------------------------------------------------------


def test_it_gives_an_unchanged_round_the_same_digest(scored_round):
    assert report_build(scored_round).digest == report_build(scored_round).digest


def test_it_gives_a_new_digest_when_evidence_changes(scored_round, respondent):
    before = report_build(scored_round).digest
    change_evidence(scored_round, respondent)
    assert report_build(scored_round).digest != before


def test_it_gives_a_new_digest_when_a_workshop_import_rewrites_only_the_evidence(scored_round):
    # A re-import updates rows in bulk and leaves their updated_at alone: only the evidence
    # itself tells the two reports apart.
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
    assert after.as_of == before.as_of
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
    signed_in, scored_round, media, fake_render, monkeypatch
):
    first = body(get_pdf(signed_in, scored_round))
    monkeypatch.setattr(pdf, "html_to_pdf", _refuse)
    second = get_pdf(signed_in, scored_round)
    assert second.status_code == 200
    assert body(second) == first
    assert len(fake_render) == 1


def _refuse(html):
    raise AssertionError("rendered again although the round has not changed")


def test_it_makes_a_new_pdf_after_a_response_changes_and_removes_the_old_one(
    signed_in, scored_round, respondent, media, fake_render
):
    get_pdf(signed_in, scored_round)
    [old] = cached_pdfs()
    change_evidence(scored_round, respondent)
    response = get_pdf(signed_in, scored_round)
    assert body(response) == b"%PDF-1.7 render 2"
    assert cached_pdfs() == [pdf.cache_name(report_build(scored_round)).split("/")[1]]
    assert old not in cached_pdfs()


def test_it_makes_a_new_pdf_after_consensus_and_removes_the_old_one(
    signed_in, scored_round, lead, media, fake_render
):
    assessment_advance(assessment=scored_round)
    get_pdf(signed_in, scored_round)
    [old] = cached_pdfs()
    record_consensus(scored_round, lead)
    assert body(get_pdf(signed_in, scored_round)) == b"%PDF-1.7 render 2"
    [new] = cached_pdfs()
    assert new != old


def test_it_keeps_the_pdfs_of_other_rounds(signed_in, scored_round, media, fake_render):
    # Round 12's PDF shares a leading digit with round 1's: a prefix is the round's pk and "-".
    other = f"reports/{scored_round.pk}2-{'0' * 32}.pdf"
    default_storage.save(other, ContentFile(b"%PDF-1.7 another round"))
    get_pdf(signed_in, scored_round)
    assert other.split("/")[1] in cached_pdfs()
    assert len(cached_pdfs()) == 2


# --- when the PDF cannot be made ------------------------------------------------------------------


def test_it_leaves_no_file_when_the_render_fails(
    signed_in, scored_round, media, fake_render, monkeypatch
):
    def broken(html):
        raise OSError("WeasyPrint ran out of memory")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    response = get_pdf(signed_in, scored_round)
    assert response.status_code == 503
    assert "The PDF could not be made" in response.text
    assert "OSError: WeasyPrint ran out of memory" in response.text
    assert cached_pdfs() == []


def test_it_leaves_no_file_when_there_is_no_browser_for_the_charts(
    signed_in, scored_round, media, monkeypatch
):
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chromium")
    response = get_pdf(signed_in, scored_round)
    assert response.status_code == 503
    assert "No Chromium browser found for chart export" in response.text
    assert cached_pdfs() == []


def test_it_says_the_pdf_is_on_its_way_when_a_worker_renders_it(
    signed_in, scored_round, media, settings
):
    # A real task queue: the request only enqueues the render, and the page looks again.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    response = get_pdf(signed_in, scored_round)
    assert response.status_code == 202
    assert "Preparing the PDF" in response.text
    assert '<meta http-equiv="refresh" content="3">' in response.text
    assert cached_pdfs() == []
