"""A round's reliability figures are worked out once, as it closes, and kept: comparing
hundreds of rounds reads them instead of every answer, with their intervals."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.services import assessment_step_back
from reports.models import RoundReliability
from reports.reliability_kept import kept_reliability, round_reliability_keep

from .compare_data import chosen, closed_round

pytestmark = pytest.mark.django_db

MATRIX, LESSONS = "lga-maturity-matrix", "kingsfund-16-lessons"
# Three people far apart on two items: an alpha, an interval and items the rule can split.
ANSWERS = {
    "Ada Lovelace": {"impact": (1, 2), "leadership": (1, 2)},
    "Grace Hopper": {"impact": (4, 4), "leadership": (2, 3)},
    "Alan Turing": {"impact": (2, 3), "leadership": (4, 4)},
}


@pytest.fixture(autouse=True)
def _nothing_cached():
    cache.clear()


@pytest.fixture
def closed(place, django_capture_on_commit_callbacks):
    """A round closed as a lead closes one: its figures kept once the close has committed."""
    with django_capture_on_commit_callbacks(execute=True):
        return closed_round(place, "2026 Q2", ANSWERS)


def _alpha_cell(page) -> str:
    row = page.html.select_one("table.agreement-table tbody tr")
    return " ".join(row.select("td")[2].get_text(" ").split())


def test_a_round_keeps_its_figures_with_their_interval_as_it_closes(closed):
    kept = RoundReliability.objects.filter(assessment=closed).order_by("position")
    assert [row.figures["framework"] for row in kept] == [MATRIX, LESSONS]
    matrix = kept[0].figures
    assert matrix["raters"] == 3
    low, high = matrix["alpha_ci"]
    assert low <= matrix["krippendorff_alpha"] <= high


def test_the_compare_page_shows_the_kept_interval_without_reading_any_answer(
    django_app, analyst, closed
):
    with CaptureQueriesContext(connection) as queries:
        page = django_app.get(reverse("reports-compare"), chosen(closed), user=analyst)
    assert " to " in _alpha_cell(page)  # "0.12 (-0.40 to 0.55)"
    assert not [q for q in queries if "assessment_response" in q["sql"]]


def test_a_round_closed_before_figures_were_kept_is_worked_out_as_the_page_asks(
    django_app, analyst, place
):
    # Closed with nothing run after the commit (as rounds closed before an upgrade).
    old = closed_round(place, "2025 Q2", ANSWERS)
    assert not RoundReliability.objects.exists()
    page = django_app.get(reverse("reports-compare"), chosen(old), user=analyst)
    cell = _alpha_cell(page)
    assert cell != "—" and " to " not in cell  # the alpha, drawn without its interval
    out = io.StringIO()
    call_command("reliability_keep", stdout=out)
    assert "Reliability figures kept for 1 closed rounds that had none." in out.getvalue()
    page = django_app.get(reverse("reports-compare"), chosen(old), user=analyst)
    assert _alpha_cell(page).startswith(cell) and " to " in _alpha_cell(page)


def test_figures_kept_under_another_split_rule_are_worked_out_again(settings, closed):
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 3
    call_command("reliability_keep", stdout=io.StringIO())  # kept under this rule
    assert kept_reliability([closed.pk])[closed.pk][0].split_items == []
    # The deployment tightens its rule: one answer two levels from the median splits an item.
    settings.AGREEMENT_MAX_OUTSIDE = 0
    shown = kept_reliability([closed.pk])[closed.pk][0]
    assert shown.split_items == ["impact", "leadership"] and shown.alpha_ci is None
    out = io.StringIO()
    call_command("reliability_keep", stdout=out)
    assert "kept for 1 closed rounds" in out.getvalue()
    again = kept_reliability([closed.pk])[closed.pk][0]
    assert again.split_items == ["impact", "leadership"] and again.alpha_ci is not None


def test_reopening_a_round_withdraws_its_figures_and_a_late_keep_keeps_none(lead, closed):
    assessment_step_back(
        assessment=closed, shown_status=closed.status, reason="A late answer.", user=lead
    )
    assert not RoundReliability.objects.filter(assessment=closed).exists()
    # The task queued as it closed runs only now, on a busy worker: the round is open again.
    assert round_reliability_keep(assessment_id=closed.pk) == 0
    assert not RoundReliability.objects.filter(assessment=closed).exists()


def test_kept_figures_read_back_as_they_were_worked_out(closed):
    from assessment.reliability_selectors import rounds_reliability

    cache.clear()
    assert kept_reliability([closed.pk]) == rounds_reliability([closed.pk])


def test_the_report_of_a_closed_round_reads_its_kept_figures_without_working_them_out(
    client, lead, closed, monkeypatch
):
    """A closed round's report page, PDF and Word paper (made ahead, or in a board pack of
    hundreds) show the kept figures, interval included, and never bootstrap them again."""
    from assessment import reliability_selectors

    kept = kept_reliability([closed.pk])[closed.pk]
    cache.clear()

    def worked_out(*args, **kwargs):
        raise AssertionError("a kept figure was worked out again")

    monkeypatch.setattr(reliability_selectors, "reliability", worked_out)
    client.force_login(lead)
    page = client.get(reverse("reports-page", args=[closed.pk]))
    assert page.status_code == 200
    low, high = kept[0].alpha_ci
    assert f"{low:.2f} to {high:.2f}" in page.text


def test_the_report_of_a_round_still_open_works_its_figures_out(client, lead, place):
    assessment = closed_round(place, "2026 Q4", ANSWERS)
    assessment.status = "consensus"
    assessment.save(update_fields=["status"])
    client.force_login(lead)
    page = client.get(reverse("reports-page", args=[assessment.pk]))
    assert page.status_code == 200 and "Krippendorff" in page.text
