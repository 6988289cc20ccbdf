"""Every kind of page on a phone (390 px wide): no sideways scrolling, and a menu that opens and
that Escape closes."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import ANALYST, LEAD, RESPONDENT, csp_violations, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _round_url(page, place: str, period: str) -> str:
    page.goto("/")
    link = page.get_by_role("region", name=place).get_by_role("link", name=period, exact=True)
    return link.get_attribute("href")


def _too_wide(page, pages: list[tuple[str, str]]) -> list[str]:
    wide = []
    for name, url in pages:
        response = page.goto(url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide.append(f"{name} ({url}): {width[0]} px of content in {width[1]} px")
    return wide


def test_it_fits_a_lead_s_pages_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, LEAD)
    consensus_round = _round_url(page, "Riverside Borough", "2026 Q2")
    open_round = _round_url(page, "Riverside Borough", "2026 Q4")
    closed_round = _round_url(page, "Riverside Borough", "2025 Q4")
    page.goto(consensus_round + "consensus/")
    item = page.get_by_role("link", name=re.compile(r"^(Record|Review) ")).first
    wide = _too_wide(
        page,
        [
            ("my places", "/"),
            ("place page", "/places/riverside/"),
            ("round page", consensus_round),
            ("consensus overview", consensus_round + "consensus/"),
            ("consensus item", item.get_attribute("href")),
            ("projector view", consensus_round + "consensus/?projector=1"),
            ("projector item", item.get_attribute("href").split("#")[0] + "?projector=1"),
            ("history", consensus_round + "history/"),
            ("import", consensus_round + "import/"),
            ("report page", closed_round + "report/"),
            ("open round page", open_round),
            ("deadline and people", open_round + "edit/"),
            ("new round", "/places/riverside/rounds/new/"),
            ("frameworks list", "/frameworks/"),
        ],
    )
    # The close-round confirmation lists every item with no agreed position (a POST's answer).
    page.goto(consensus_round)
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("heading", name="Close the round?")).to_be_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide.append(f"close-round confirmation: {width[0]} px of content in {width[1]} px")
    assert not wide, "pages scroll sideways at 390 px:\n" + "\n".join(wide)
    assert not csp_violations(page)


def test_it_fits_the_scoring_form_and_compare_page_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, RESPONDENT)
    scoring = _round_url(page, "Riverside Borough", "2026 Q4") + "respond/"
    wide = _too_wide(
        page,
        [
            ("scoring form", scoring),
            ("scoring step", scoring + "?item=1"),
            ("scoring step of a context factor", scoring + "?item=2"),
            ("review of answers", scoring + "?review=1"),
        ],
    )
    page.context.clear_cookies()
    sign_in(page, ANALYST)
    wide += _too_wide(page, [("compare page", "/compare/")])
    assert not wide, "pages scroll sideways at 390 px:\n" + "\n".join(wide)


def test_it_folds_the_menu_behind_a_button_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, LEAD)
    compare = page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare")
    expect(compare).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.focus()
    page.keyboard.press("Enter")
    expect(compare).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    compare.click()
    expect(page).to_have_url(re.compile(r"/compare/$"))
    assert not csp_violations(page), "Bootstrap's script runs under the CSP"
    assert not page.problems.messages


def test_it_closes_the_menu_on_escape_and_puts_the_focus_back_on_its_button(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, LEAD)
    compare = page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare")
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(compare).to_be_visible()
    compare.focus()
    page.keyboard.press("Escape")
    expect(compare).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")  # open again, all the way, and Escape from the button itself
    expect(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))
    page.keyboard.press("Escape")
    expect(compare).to_be_hidden()
    expect(menu).to_be_focused()
    assert not csp_violations(page)
    assert not page.problems.messages
