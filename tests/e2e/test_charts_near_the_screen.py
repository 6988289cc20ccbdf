"""Charts drawn as they near the screen: the report's text and tables show first, and
plotly.js (over a megabyte of script, seconds of a phone's time) is fetched and run only once a
chart is about to be seen; each chart's box keeps its figure's height, so drawing moves nothing."""

import pytest
from playwright.sync_api import expect

from .conftest import LEAD, drawn, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1350, "height": 940}  # Lighthouse's desktop screen


def _open_report(page, plotly_fetched: list[str]) -> None:
    """Riverside's 2026 Q2 report, loaded until the network is quiet, noting each request for
    plotly.js in `plotly_fetched`."""
    page.goto("/")
    region = page.get_by_role("region", name="Riverside Borough")
    round_url = region.get_by_role("link", name="2026 Q2", exact=True).get_attribute("href")
    page.on("request", lambda r: plotly_fetched.append(r.url) if "plotly" in r.url else None)
    page.goto(round_url + "report/", wait_until="networkidle")


def test_it_fetches_plotly_on_a_phone_only_once_a_chart_nears_the_screen(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, LEAD)
    fetched = []
    _open_report(page, fetched)
    # Loaded and quiet: no plotly.js fetched or run, no chart drawn, the tables there to read.
    assert fetched == []
    assert page.evaluate("typeof window.Plotly") == "undefined"
    expect(page.locator(".main-svg")).to_have_count(0)
    expect(page.locator("#chart-lessons + .table-responsive table")).to_be_visible()
    radar, lessons = page.locator("#chart-radar"), page.locator("#chart-lessons")
    kept = [radar.bounding_box()["height"], lessons.bounding_box()["height"]]

    drawn(page, "#chart-lessons")  # scrolled straight past the radar, far above it
    assert len(fetched) == 1
    expect(radar.locator(".main-svg")).to_have_count(0)
    drawn(page, "#chart-radar")
    assert len(fetched) == 1  # fetched once for every chart
    # Each box held its figure's height, so drawing it moved nothing below it.
    assert [radar.bounding_box()["height"], lessons.bounding_box()["height"]] == kept
    assert page.problems.messages == []


def test_it_draws_a_chart_in_the_first_screen_without_scrolling(page, demo):
    page.set_viewport_size(DESKTOP)
    sign_in(page, LEAD)
    fetched = []
    _open_report(page, fetched)
    radar = page.locator("#chart-radar")
    assert radar.bounding_box()["y"] < DESKTOP["height"]  # on the first screen of a laptop
    expect(radar.locator(".main-svg").first).to_be_attached()
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#chart-lessons .main-svg")).to_have_count(0)  # far down, not yet
    assert len(fetched) == 1


def test_it_draws_every_chart_when_the_page_is_printed(page, demo):
    # Printed from the browser (not the print version), a chart never scrolled to is drawn too.
    page.set_viewport_size(PHONE)
    sign_in(page, LEAD)
    _open_report(page, [])
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for chart in ("#chart-radar", "#chart-lessons"):
        expect(page.locator(f"{chart} .main-svg").first).to_be_attached()
    assert page.evaluate("window.scrollY") == 0
