"""Comparing 4 places or 40 takes the same queries: the pages read stored results in bulk."""

import pytest
from django.db import connection
from django.urls import reverse

from assessment.demo import seed_demo
from assessment.models import Assessment
from reports import pdf

from .compare_data import chosen, csv_rows, heatmap_labels, xlsx_rows

pytestmark = pytest.mark.django_db

PLACES = [4, 40]


@pytest.fixture
def national(request):
    """The demo's three places and `places` synthetic ones, each with two closed rounds,
    mostly shared by name and some anonymously, scored by three people each."""
    seed_demo(extra_places=request.param, respondents_per_round=3)
    return list(
        Assessment.objects.filter(place__code__startswith="place-", period="2026 Q2").order_by(
            "place__code"
        )
    )


@pytest.fixture
def browser(django_app, analyst):
    """The analyst, signed in by a first visit, so the pages below count only their own work."""
    django_app.get(reverse("home"), user=analyst)
    return django_app


@pytest.mark.parametrize("national", PLACES, indirect=True)
def test_it_builds_the_comparison_page_in_the_same_queries_for_any_number_of_places(
    browser, national, django_assert_num_queries
):
    # session, user, the analyst's own and group permissions; the analyst's places (once for
    # the whole page); the chosen rounds with their places, the trend place's rounds, the
    # stored results, their items with their versions' levels and their factors' own names for
    # levels, every shared place's results; the chosen rounds' action counts; the rounds on
    # offer; and how far each round's answers agree: the figures kept as rounds closed, and
    # for rounds with none kept (all of these: nothing ran after their close) 5 more, the
    # rounds' versions, items and scales, and the submitted answers, read once for every round.
    with django_assert_num_queries(20):
        response = browser.get(reverse("reports-compare"), chosen(*national))
    assert len(heatmap_labels(response)) == len(national)


@pytest.mark.parametrize("national", PLACES, indirect=True)
@pytest.mark.parametrize("detail", ["", "responses"])
def test_it_exports_csv_in_the_same_queries_for_any_number_of_places(
    analyst_client, national, detail, django_assert_num_queries
):
    # session, user, permissions (2); the analyst's places, the chosen rounds, and then their
    # stored results or their respondents' answers, in one query; for the results, also the
    # items mapped between the frameworks the rounds pinned and others (one query); for the
    # answers, the audit log's record of the export (one insert).
    with django_assert_num_queries(8):
        response = analyst_client.get(
            reverse("reports-export-csv"), {**chosen(*national), "detail": detail}
        )
        rows = csv_rows(response)  # the body streams: its query runs as it is read
    per_round = 25 if not detail else 25 * 3
    assert len(rows) == per_round * len(national)


@pytest.mark.parametrize("national", PLACES, indirect=True)
def test_it_exports_xlsx_in_the_same_queries_for_any_number_of_places(
    analyst_client, national, django_assert_num_queries
):
    # as the CSV export of results, and the level scales of the versions used, for the About
    # sheet; and the Agreement sheet's figures (those kept, and 5 queries for rounds with none
    # kept, however many rounds)
    with django_assert_num_queries(15):
        response = analyst_client.get(reverse("reports-export-xlsx"), chosen(*national))
    assert len(xlsx_rows(response)) == 25 * len(national)


@pytest.mark.parametrize("national", PLACES, indirect=True)
def test_it_builds_the_comparison_pdf_in_the_same_queries_for_any_number_of_places(
    analyst_client, national, django_assert_num_queries, monkeypatch, media
):
    # Chromium and WeasyPrint stand aside: only the reads are counted here.
    monkeypatch.setattr(pdf, "figures_to_svg", lambda figures: ["<svg></svg>"] * len(figures))
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: html.encode())
    url, query = reverse("reports-compare-pdf"), chosen(*national)
    # The request: session, user, permissions (2); the comparison (9 queries: the reader's
    # places, the chosen rounds, the trend's rounds, the stored results, their items with their
    # versions' levels and their factors' own names for levels, every shared place's results,
    # the action counts); its PDF's row. The task builds it again for the same person from
    # ids: user, permissions (2), the comparison (9); then the row, locked or made (savepoints,
    # select, insert), marked ready, and its older rows looked for. SQLite has no row locks, so
    # there the row is looked for once more before the file is made (reports.services).
    with django_assert_num_queries(34 + (connection.vendor == "sqlite")):
        response = analyst_client.get(url, query)
    assert b"".join(response.streaming_content).count(b'<td class="heat heat-') == 9 * len(national)
    # Served again from storage: the request's own 14 queries, and no task.
    with django_assert_num_queries(14):
        analyst_client.get(url, query)


@pytest.mark.parametrize("national", PLACES, indirect=True)
def test_it_lists_rounds_in_the_same_queries_for_any_number_of_places(
    analyst_client, national, django_assert_num_queries
):
    # session, user, permissions (2), the rounds with their places, the analyst's places
    with django_assert_num_queries(6):
        listed = analyst_client.get(reverse("reports-api-assessments")).json()["assessments"]
    # Every synthetic place shares both its rounds; the demo shares seven more.
    assert len(listed) == 2 * len(national) + 7
