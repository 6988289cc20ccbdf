"""axe-core on every kind of page, names for the scoring form's groups, and the skip link.

A page fails on any violation axe finds, whatever its impact (minor and moderate too: WCAG 2.2 AA,
DESIGN.md, and axe's best practices); the failure lists every rule on every page checked, with its
impact, its help and the nodes it failed on. Every page is checked twice: on a laptop's screen and
at 390 px, a phone's, where the wide tables scroll sideways in their wrappers and each must be a
named region a keyboard can reach (axe: scrollable-region-focusable).
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import ANALYST, LEAD, RESPONDENT, draw_every_chart, sign_in

pytestmark = pytest.mark.e2e

AXE = Axe()
SHOWN_NODES = 10
# Playwright's own window, then a phone's.
SIZES = {"": {"width": 1280, "height": 720}, ", 390 px": {"width": 390, "height": 844}}


def _violations(page, name: str) -> list[str]:
    """axe's violations on the page as drawn, of any impact, one readable line per rule."""
    found = []
    for violation in AXE.run(page).response["violations"]:
        nodes = violation["nodes"]
        targets = "; ".join(" ".join(map(str, n["target"])) for n in nodes[:SHOWN_NODES])
        more = f" (and {len(nodes) - SHOWN_NODES} more)" if len(nodes) > SHOWN_NODES else ""
        found.append(
            f"{name} ({page.url}): {violation['id']} [{violation['impact']}] "
            f"{violation['help']}: {targets}{more}"
        )
    return found


def _check(page, pages: list[tuple[str, str]], charts: tuple[str, ...] = ()) -> list[str]:
    """Open each page at each size, draw its charts if it has any (each draws as it is scrolled
    to), and run axe on it as drawn."""
    found = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        for name, url in pages:
            response = page.goto(url)
            assert response.status == 200, f"{name}: {url} answered {response.status}"
            if name in charts:
                draw_every_chart(page)
            found += _violations(page, name + size)
    return found


def _at_each_size(page, name: str) -> list[str]:
    """axe on the page as it stands (the answer to a form), drawn at each size in turn."""
    found = []
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        found += _violations(page, name + size)
    page.set_viewport_size(SIZES[""])
    return found


def _report(found: list[str]) -> str:
    return "axe found violations:\n" + "\n".join(found)


def _round_url(page, place: str, period: str) -> str:
    """The round's address, found the way a person finds it: from My places."""
    page.goto("/")
    link = page.get_by_role("region", name=place).get_by_role("link", name=period, exact=True)
    return link.get_attribute("href")


def test_it_finds_no_violations_on_the_pages_before_sign_in(page, live_server):
    found = _check(
        page,
        [
            ("sign-in", "/accounts/login/"),
            ("password reset", "/accounts/password_reset/"),
            ("accessibility statement", "/accessibility/"),
            ("privacy notice", "/privacy/"),
        ],
    )
    page.goto("/accounts/password_reset/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    found += _at_each_size(page, "password reset sent")
    assert not found, _report(found)


def test_it_finds_no_violations_on_a_leads_pages(page, demo):
    sign_in(page, LEAD)
    consensus_round = _round_url(page, "Riverside Borough", "2026 Q2")
    open_round = _round_url(page, "Riverside Borough", "2026 Q4")
    page.goto(consensus_round + "consensus/")
    item = page.get_by_role("link", name=re.compile(r"^(Record|Review) ")).first
    consensus_item = item.get_attribute("href")
    page.goto("/frameworks/")
    versions = page.get_by_role("main").get_by_role("link", name=re.compile(r"^\d+\.\d+$"))
    hrefs = [versions.nth(n).get_attribute("href") for n in range(versions.count())]
    matrix = next(h for h in hrefs if "matrix" in h)
    lessons = next(h for h in hrefs if "lessons" in h)
    found = _check(
        page,
        [
            ("my places", "/"),
            ("place page", "/places/riverside/"),
            ("round page", consensus_round),
            ("consensus overview", consensus_round + "consensus/"),
            ("consensus item", consensus_item),
            ("history", consensus_round + "history/"),
            ("import", consensus_round + "import/"),
            ("report page", consensus_round + "report/"),
            ("open round page", open_round),
            ("deadline and people", open_round + "edit/"),
            ("action plan", open_round + "actions/"),
            ("new action", open_round + "actions/new/?item=workforce"),
            ("facilitator view, projector", consensus_round + "consensus/?projector=1"),
            # The lead has submitted in the open round: her form is read-only, with "Reopen".
            ("scoring form, submitted", open_round + "respond/"),
            ("frameworks list", "/frameworks/"),
            ("matrix page", matrix),
            ("lessons page", lessons),
            ("glossary", "/frameworks/glossary/"),
            ("your data", "/accounts/data/"),
            ("sign-in and security", "/accounts/2fa/"),
        ],
        charts=("report page",),
    )
    assert not found, _report(found)


def test_it_finds_no_violations_on_the_scoring_form(page, demo):
    sign_in(page, RESPONDENT)
    scoring = _round_url(page, "Riverside Borough", "2026 Q4") + "respond/"
    found = _check(page, [("scoring form", scoring)])
    page.locator("fieldset.card[id^='item-'] input[type=radio]").first.check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved: 1 of 25 answered.")
    found += _at_each_size(page, "scoring form, draft saved")
    assert not found, _report(found)


def test_it_finds_no_violations_on_an_analyst_s_pages(page, demo):
    sign_in(page, ANALYST)
    page.goto("/compare/")
    boxes = page.get_by_role("group", name="Rounds").get_by_role("checkbox")
    query = "&".join(f"assessment={boxes.nth(n).get_attribute('value')}" for n in range(2))
    chosen = "compare page, rounds chosen"
    found = _check(
        page,
        [
            ("compare page", "/compare/"),
            (chosen, f"/compare/?{query}"),
            ("API tokens", "/accounts/tokens/"),
        ],
        charts=(chosen,),
    )
    assert not found, _report(found)


def test_it_names_each_item_of_the_scoring_form_as_a_group(page, demo):
    # Every item asks the same three questions ("Where are we now?"...): a screen reader user
    # can tell them apart only if each item's fieldset is a group named after the item.
    sign_in(page, RESPONDENT)
    page.goto(_round_url(page, "Riverside Borough", "2026 Q4") + "respond/")
    items = page.locator("fieldset.card[id^='item-']")
    expect(items).to_have_count(25)
    unnamed = []
    for n in range(items.count()):
        item = items.nth(n)
        title = item.locator("legend").first.inner_text().strip()
        if not page.get_by_role("group", name=title, exact=True).count():
            unnamed.append(title)
    assert not unnamed, f"{len(unnamed)} items are groups without their title as name: {unnamed}"


def test_it_takes_the_keyboard_past_the_navigation_to_main_first(page, demo):
    sign_in(page, RESPONDENT)
    page.goto(_round_url(page, "Riverside Borough", "2026 Q4") + "respond/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1, "the focused skip link is not shown"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # onwards from main: the breadcrumb, not the site navigation
    expect(page.locator("main nav[aria-label='Breadcrumb'] a").first).to_be_focused()


def test_it_finds_no_violations_on_the_error_pages(page, demo):
    sign_in(page, RESPONDENT)
    open_round = _round_url(page, "Riverside Borough", "2026 Q4")
    found = []
    for name, url, status in [
        ("not for a respondent", open_round + "edit/", 403),
        ("no such page", "/no-such-page/", 404),
    ]:
        assert page.goto(url).status == status
        expect(page.get_by_role("navigation", name="Main")).to_be_attached()
        found += _at_each_size(page, name)
    assert not found, _report(found)
