"""reports.tasks.render_report_pdf: the background render of a round's PDF into the cache."""

from django.core.files.storage import default_storage
from django.tasks import TaskResultStatus

from reports.pdf import cache_name
from reports.selectors import report_build
from reports.tasks import render_report_pdf


def test_it_renders_the_pdf_into_the_cache_and_returns_its_name(scored_round, media, fake_render):
    result = render_report_pdf.enqueue(scored_round.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == cache_name(report_build(scored_round))
    with default_storage.open(result.return_value, "rb") as stored:
        assert stored.read() == b"%PDF-1.7 render 1"


def test_it_fails_for_a_round_that_no_longer_exists(db, media, fake_render):
    result = render_report_pdf.enqueue(999999)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "assessment.models.Assessment.DoesNotExist"
    assert fake_render == []
