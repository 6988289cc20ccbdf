"""reports.tasks.render_pdf: the one background render behind the report and comparison PDFs."""

import pytest
from django.core.files.storage import default_storage
from django.tasks import TaskResultStatus

from assessment.models import Sharing
from reports.compare import comparison_build
from reports.models import PdfKind, RenderedPdf
from reports.pdf import comparison_key, report_document
from reports.selectors import report_build
from reports.tasks import render_pdf

from .compare_data import closed_round, make_place


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


# --- a round's report ---------------------------------------------------------------------------


def test_it_renders_a_report_into_storage_and_returns_its_name(scored_round, media, fake_render):
    result = render_pdf.enqueue(PdfKind.REPORT, assessment_id=scored_round.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == report_document(report_build(scored_round)).storage_name
    assert read(result.return_value) == b"%PDF-1.7 render 1"


def test_it_fails_for_a_round_that_no_longer_exists(db, media, fake_render, caplog):
    result = render_pdf.enqueue(PdfKind.REPORT, assessment_id=999999)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "assessment.models.Assessment.DoesNotExist"
    assert fake_render == []
    assert "The report PDF could not be made (round 999999" in caplog.text


# --- a comparison -------------------------------------------------------------------------------


@pytest.fixture
def shared(place, other_place):
    """Riverside shares its round by name; Eastvale keeps its own private."""
    eastvale = make_place("eastvale", "Eastvale Health and Wellbeing Board")
    return {
        "riverside": closed_round(place, "2026 Q2", {"Asha Patel": {}}),
        "eastvale": closed_round(eastvale, "2026 Q2", {"Maria Costa": {}}, sharing=Sharing.PRIVATE),
    }


def _compare(user, *rounds):
    return render_pdf.enqueue(PdfKind.COMPARISON, user_id=user.pk, round_ids=[r.pk for r in rounds])


def test_it_renders_a_comparison_as_its_reader_may_see_it(analyst, shared, media, fake_render):
    result = _compare(analyst, shared["riverside"], shared["eastvale"])
    assert result.status == TaskResultStatus.SUCCESSFUL
    [html] = fake_render
    assert "1 closed round: Riverside Borough, 2026 Q2." in html
    assert "Eastvale" not in html  # private: not the analyst's to compare


def test_it_returns_the_name_the_reader_s_own_comparison_is_stored_under(
    analyst, shared, media, fake_render
):
    result = _compare(analyst, shared["riverside"])
    comparison = comparison_build(analyst, [shared["riverside"].pk])
    [row] = RenderedPdf.objects.filter(kind=PdfKind.COMPARISON)
    assert result.return_value == row.name
    assert row.key == comparison_key(comparison)


def test_it_renders_nothing_for_a_reader_who_may_compare_none_of_the_rounds(
    outsider, shared, media, fake_render
):
    result = _compare(outsider, shared["riverside"], shared["eastvale"])
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "django.core.exceptions.PermissionDenied"
    assert fake_render == []
