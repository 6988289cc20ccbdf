"""An analyst compares two shared rounds and exports the numbers."""

import pytest
from playwright.sync_api import expect

from .conftest import ANALYST, csp_violations, drawn, sign_in

pytestmark = pytest.mark.e2e

CHOSEN = ["Riverside Borough, 2025 Q4", "Eastvale Health and Wellbeing Board, 2026 Q2"]


def test_it_lets_an_analyst_compare_two_shared_rounds_and_export_csv(page, demo):
    sign_in(page, ANALYST)
    page.get_by_role("link", name="Compare", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare places")
    rounds = page.get_by_role("group", name="Rounds")
    for label in CHOSEN:
        rounds.get_by_label(label).check()
    page.get_by_role("button", name="Compare the chosen rounds").click()

    drawn(page, "#chart-overlay")
    for label in CHOSEN:
        expect(rounds.get_by_label(label)).to_be_checked()
        expect(page.locator("#chart-overlay")).to_contain_text(label)  # the legend
    heatmap = page.locator("table.heatmap")
    expect(heatmap.locator("tbody tr")).to_have_count(2)
    for label in CHOSEN:
        expect(heatmap.get_by_role("rowheader", name=label)).to_be_visible()
    expect(heatmap.locator("thead th")).to_have_count(10)  # place, then the nine factors
    assert page.problems.messages == []
    assert csp_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == "integration-maturity-results.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as csv_file:
        lines = csv_file.read().splitlines()
    assert lines[0].startswith("\ufeffplace_code,place_name,period,")
    places = {line.split(",")[0] for line in lines[1:]}
    assert places == {"riverside", "eastvale"}
    assert len(lines) == 1 + 2 * 25  # a row per round and item
