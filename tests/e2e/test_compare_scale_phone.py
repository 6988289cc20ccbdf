"""The comparison of many rounds on a phone (390 px): a small radar each, two to a row, and the
distribution's tables stacked, none of them scrolling sideways."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessment.models import Assessment, RoundStatus

from .conftest import ANALYST, DEMO_PASSWORD, drawn

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# Each element's right edge, and whether the box that holds it scrolls sideways.
FITS = """selectors => selectors.map(selector => {
  const element = document.querySelector(selector);
  const box = element.closest('.table-responsive') || element.parentElement;
  return {selector, right: element.getBoundingClientRect().right,
          scrolls: box.scrollWidth > box.clientWidth + 1};
})"""


@pytest.fixture
def many(live_server):
    """The demo and eight synthetic places, two rounds each: more than six shared rounds, and
    no more than two dozen when the first twenty are chosen."""
    call_command("load_frameworks", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo", places=8, respondents=1, stdout=io.StringIO())
    shared = Assessment.objects.filter(status=RoundStatus.CLOSED).exclude(sharing="private")
    return list(shared.order_by("pk").values_list("pk", "sharing"))


def test_it_fits_small_radars_and_stacked_tables_on_a_phone(page, many):
    named = [pk for pk, sharing in many if sharing == "named"][:20]
    page.set_viewport_size(PHONE)
    # Signed in through the form; the analyst's landing page is not what this test is about.
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(ANALYST)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/compare/?" + "&".join(f"assessment={pk}" for pk in named))
    drawn(page, "#chart-overlay")
    expect(page.locator("#spoke-key")).to_contain_text("Spokes clockwise from the top: 1 ")
    width = page.evaluate("document.documentElement.clientWidth")
    fits = page.evaluate(
        FITS, ["table.distribution-table", "table.standings-table", "#chart-overlay"]
    )
    for fit in fits:
        assert fit["right"] <= width and not fit["scrolls"], fit
    # A small radar for each round chosen.
    polars = page.locator("#chart-overlay .polarlayer > g")
    assert polars.count() == len(named)
    assert page.problems.messages == []
