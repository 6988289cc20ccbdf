"""manage.py remove_old_evidence: EVIDENCE_RETENTION_DAYS after a round closes its evidence
goes, its scores stay, and its report says so where the evidence was."""

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessment.models import Assessment, Response, RoundStatus
from assessment.services import assessment_advance

from .personal_data_rounds import zebedee_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(place, lead, respondent, zebedee, versions, settings):
    settings.EVIDENCE_RETENTION_DAYS = 30
    assessment = zebedee_round(place, lead, respondent, zebedee, versions)
    return assessment_advance(assessment=assessment)


def closed_days_ago(assessment, days):
    """As if the round had moved to closed `days` days ago (its history says when)."""
    when = timezone.now() - timedelta(days=days)
    Assessment.history.filter(id=assessment.pk, status=RoundStatus.CLOSED).update(history_date=when)


def run() -> str:
    out = io.StringIO()
    call_command("remove_old_evidence", stdout=out)
    return out.getvalue().strip()


def report(client, reader, assessment, view="reports-page"):
    client.force_login(reader)
    page = client.get(reverse(view, args=[assessment.pk]))
    assert page.status_code == 200
    return BeautifulSoup(page.content, "html.parser")


def figures(html) -> list[str]:
    return [p.get_text(" ", strip=True) for p in html.select(".factor-figures, table.spread-table")]


def test_it_removes_evidence_from_a_round_closed_longer_ago_and_the_report_says_so(
    client, closed, lead
):
    closed_days_ago(closed, 31)
    before = report(client, lead, closed)
    assert "Board papers on impact." in before.get_text()

    said = run()

    assert said == "Evidence removed from 75 answers in 1 round closed more than 30 days ago."
    assert not Response.objects.exclude(evidence="").exists()
    assert not Response.history.exclude(evidence="").exists()
    after = report(client, lead, closed)
    today = timezone.localdate()
    sentence = (
        f"Evidence was removed on {today:%-d %B %Y} under the retention policy "
        "(30 days after the round closed); the scores stay."
    )
    assert sentence in after.get_text(" ", strip=True)
    assert "Board papers" not in after.get_text()
    assert figures(after) == figures(before)
    printed = report(client, lead, closed, "reports-print")
    assert sentence in printed.get_text(" ", strip=True)


def test_the_history_page_keeps_the_changes_without_the_evidence(client, closed, lead):
    closed_days_ago(closed, 31)
    run()

    client.force_login(lead)
    page = client.get(reverse("assessment-history", args=[closed.pk]))
    assert page.status_code == 200
    assert "Board papers" not in page.text and "ZQ-EVIDENCE" not in page.text
    assert "An answer on Impact" in page.text


def test_a_second_run_changes_nothing(closed):
    closed_days_ago(closed, 31)
    run()
    removed_at = Assessment.objects.get(pk=closed.pk).evidence_removed_at

    assert run() == "Evidence removed from 0 answers in 0 rounds closed more than 30 days ago."
    assert Assessment.objects.get(pk=closed.pk).evidence_removed_at == removed_at


def test_a_round_closed_more_recently_keeps_its_evidence(client, closed, lead):
    closed_days_ago(closed, 29)

    assert run() == "Evidence removed from 0 answers in 0 rounds closed more than 30 days ago."
    assert Response.objects.filter(evidence="Board papers on impact.").exists()
    assert Assessment.objects.get(pk=closed.pk).evidence_removed_at is None
    assert "under the retention policy" not in report(client, lead, closed).get_text()


def test_a_round_still_under_way_keeps_its_evidence_however_old(
    place, lead, respondent, zebedee, versions, settings
):
    settings.EVIDENCE_RETENTION_DAYS = 30
    at_consensus = zebedee_round(place, lead, respondent, zebedee, versions)
    Assessment.history.filter(id=at_consensus.pk).update(
        history_date=timezone.now() - timedelta(days=400)
    )

    assert run() == "Evidence removed from 0 answers in 0 rounds closed more than 30 days ago."
    assert Response.objects.filter(evidence="Board papers on impact.").exists()


def test_it_counts_from_the_last_closing_of_a_reopened_round(closed, lead):
    from assessment.services import assessment_step_back

    closed_days_ago(closed, 100)
    assessment_step_back(
        assessment=closed, shown_status="closed", user=lead, reason="A late answer arrived."
    )
    assessment_advance(assessment=Assessment.objects.get(pk=closed.pk))  # closed again, today

    assert run().startswith("Evidence removed from 0 answers in 0 rounds")
    assert Response.objects.filter(evidence="Board papers on impact.").exists()


def test_zero_days_keeps_evidence(closed, settings):
    closed_days_ago(closed, 1000)
    settings.EVIDENCE_RETENTION_DAYS = 0

    assert run() == "EVIDENCE_RETENTION_DAYS is 0: evidence is kept. Nothing removed."
    assert Response.objects.filter(evidence="Board papers on impact.").exists()


def test_cached_report_pdfs_that_showed_the_evidence_are_deleted(
    client, closed, lead, fake_render, media
):
    from reports.models import RenderedPdf

    closed_days_ago(closed, 31)
    client.force_login(lead)
    client.get(reverse("reports-pdf", args=[closed.pk]))
    assert "Board papers on impact." in fake_render[-1]
    assert RenderedPdf.objects.filter(key=str(closed.pk)).exists()

    run()

    assert not RenderedPdf.objects.filter(key=str(closed.pk)).exists()
    client.get(reverse("reports-pdf", args=[closed.pk]))
    assert "Board papers" not in fake_render[-1]
    assert "under the retention policy" in fake_render[-1]
