"""What the external checkers (axe, the Nu HTML checker, Lighthouse) read on the main pages:
ids a label or a reference can trust, scrolling tables a keyboard reaches and a screen reader
names, a description for search results and links, and the script that lets Escape close the
menu (its behaviour: tests/e2e/test_small_screens.py)."""

from collections import Counter

import pytest
from django.urls import reverse

from assessment.services import assessment_advance
from tests.assessment.scoring import items_by_key, respondent_of, score
from tests.reports.compare_data import chosen, closed_round, four_places


def duplicate_ids(html) -> list[str]:
    counts = Counter(element["id"] for element in html.select("[id]"))
    return sorted(id_ for id_, count in counts.items() if count > 1)


def unnamed_scrolling_tables(html) -> list[str]:
    """Each table wrapper that scrolls sideways on a phone but that a keyboard cannot reach,
    or that a screen reader would announce as a region with no name."""
    problems = []
    for wrapper in html.select(".table-responsive"):
        labels = [html.find(id=id_) for id_ in wrapper.get("aria-labelledby", "").split()]
        name = wrapper.get("aria-label", "").strip() or " ".join(
            label.get_text(" ", strip=True) for label in labels if label
        )
        reachable = wrapper.get("role") == "region" and wrapper.get("tabindex") == "0"
        if not (reachable and name) or None in labels:
            problems.append(str(wrapper)[:160])
    return problems


@pytest.fixture
def at_consensus(open_round, lead, respondent):
    """Both have submitted and scoring has ended: the lead may close the round or reopen it."""
    score(respondent_of(open_round, lead))
    score(respondent_of(open_round, respondent))
    return assessment_advance(assessment=open_round)


def _lead_s_pages(django_app, lead, assessment) -> dict:
    item = next(iter(items_by_key(assessment).values()))
    urls = {
        "round": reverse("assessment-detail", args=[assessment.pk]),
        "consensus overview": reverse("assessment-consensus", args=[assessment.pk]),
        "consensus item": reverse("assessment-consensus-item", args=[assessment.pk, item.pk]),
        "history": reverse("assessment-history", args=[assessment.pk]),
        "actions": reverse("assessment-actions", args=[assessment.pk]),
        "my places": reverse("home"),
    }
    return {name: django_app.get(url, user=lead).html for name, url in urls.items()}


def test_it_gives_every_element_of_the_round_page_an_id_of_its_own(django_app, lead, at_consensus):
    html = django_app.get(reverse("assessment-detail", args=[at_consensus.pk]), user=lead).html
    # Closing the round and reopening scoring: two forms, each with the status the page showed.
    assert len(html.select("input[type=hidden][name=status]")) == 2
    assert duplicate_ids(html) == []


def test_it_gives_every_element_of_a_lead_s_pages_an_id_of_its_own(django_app, lead, at_consensus):
    pages = _lead_s_pages(django_app, lead, at_consensus)
    assert {name: duplicate_ids(html) for name, html in pages.items()} == dict.fromkeys(pages, [])


def test_it_names_every_scrolling_table_and_lets_a_keyboard_reach_it(
    django_app, lead, at_consensus
):
    pages = _lead_s_pages(django_app, lead, at_consensus)
    assert pages["consensus item"].select(".table-responsive")
    assert pages["history"].select(".table-responsive")
    problems = {name: unnamed_scrolling_tables(html) for name, html in pages.items()}
    assert problems == dict.fromkeys(pages, [])


def test_it_names_every_scrolling_table_of_the_report_page(django_app, place, lead):
    closed = closed_round(place, "2026 Q2", {"Asha Patel": {"impact": (1, 3)}})
    html = django_app.get(reverse("reports-page", args=[closed.pk]), user=lead).html
    assert html.select(".table-responsive")
    assert unnamed_scrolling_tables(html) == []


def test_it_names_every_scrolling_table_of_the_compare_page(
    django_app, analyst, place, other_place
):
    shared = four_places(place, other_place)
    query = chosen(shared["riverside"], shared["westfield"], shared["riverside_2025"])
    html = django_app.get(reverse("reports-compare"), query, user=analyst).html
    assert len(html.select(".table-responsive")) >= 3
    assert unnamed_scrolling_tables(html) == []
    assert duplicate_ids(html) == []


def test_it_describes_the_service_to_search_results_and_shared_links(django_app, lead, place):
    pages = [
        django_app.get(reverse("account_login")),
        django_app.get(reverse("home"), user=lead),
        django_app.get(reverse("assessment-place", args=[place.code]), user=lead),
    ]
    for page in pages:
        description = page.html.select_one("meta[name=description]")
        assert "integrated health and social care" in description["content"], page.request.path


def test_it_loads_the_script_that_lets_escape_close_the_menu(django_app, lead):
    html = django_app.get(reverse("home"), user=lead).html
    assert html.select_one("button[aria-controls=main-menu]")
    assert html.select_one("script[src$='js/menu.js'][defer]")
