"""Charts on a wide screen and on a phone (390 px): laid out to be read there, nothing cut off."""

import pytest

from .conftest import LEAD, drawn, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ADMIN = "admin@example.org"  # staff see Northmoor's two closed rounds by name


def _title_boxes(page, *titles: str) -> list[dict]:
    chart = drawn(page, "#chart-trend")
    return [chart.get_by_text(title, exact=True).bounding_box() for title in titles]


def test_it_sets_the_trend_s_small_charts_side_by_side_on_a_wide_screen(page, demo):
    page.set_viewport_size(DESKTOP)
    sign_in(page, ADMIN)
    page.goto("/compare/?trend=northmoor")
    impact, place, focus = _title_boxes(page, "Impact", "Place", "Focus on individuals")
    assert impact["y"] == place["y"] == focus["y"]  # one row of three
    assert impact["x"] < place["x"] < focus["x"]


def test_it_stacks_the_trend_s_small_charts_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, ADMIN)
    page.goto("/compare/?trend=northmoor")
    impact, place, leadership = _title_boxes(page, "Impact", "Place", "Leadership")
    assert impact["y"] < place["y"] < leadership["y"]  # one under another
    assert abs(impact["x"] + impact["width"] / 2 - (place["x"] + place["width"] / 2)) < 2


def test_it_keeps_every_lesson_s_name_on_a_phone_s_screen(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, LEAD)
    page.goto("/")
    region = page.get_by_role("region", name="Riverside Borough")
    page.goto(region.get_by_role("link", name="2025 Q4", exact=True).get_attribute("href"))
    page.goto(page.url + "report/")
    chart = drawn(page, "#chart-lessons")
    names = chart.locator(".ytick text")
    assert names.count() == 16
    for index in range(16):
        box = names.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert "…" not in chart.inner_text()
