"""A respondent scores the open round in a real browser: keyboard first, then the mouse."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import RESPONDENT, sign_in

pytestmark = pytest.mark.e2e

ITEMS = 25  # nine factors and sixteen lessons
KEYBOARD_ITEMS = 3


def _focused(page) -> dict:
    """The focused element: its name, id, state and the outline it is drawn with."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {name: el.name || '', id: el.id, type: el.type || '', checked: !!el.checked,
                  outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                  focusVisible: el.matches(':focus-visible')};
        }"""
    )


def _tab_to(page, name: str, limit: int = 20) -> dict:
    """Press Tab until focus reaches a control called `name`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["name"] == name:
            return focused
    raise AssertionError(f"{limit} presses of Tab never reached {name!r}; stopped at {focused}")


def _assert_focus_visible(focused: dict) -> None:
    assert focused["focusVisible"], f"{focused['id']} is focused but not :focus-visible"
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2, (
        f"{focused['id']} has no visible focus outline: {focused}"
    )


def test_it_lets_a_respondent_score_by_keyboard_save_a_draft_and_submit(page, demo):
    sign_in(page, RESPONDENT)
    riverside = page.get_by_role("region", name="Riverside Borough")
    riverside.get_by_role("link", name="2026 Q4", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside Borough: 2026 Q4")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open for scoring")
    page.get_by_role("link", name=re.compile(r"(Start|Continue) scoring")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your answers: Riverside Borough, 2026 Q4"
    )

    items = page.locator("fieldset.card[id^='item-']")
    expect(items).to_have_count(ITEMS)
    prefixes = [f"i{item_id.removeprefix('item-')}" for item_id in _ids(items)]

    # Keyboard: from the top of the page, Tab into each radio group, arrow down two levels.
    page.locator("h1").click()  # sets where sequential focus navigation starts
    for prefix in prefixes[:KEYBOARD_ITEMS]:
        focused = _tab_to(page, f"{prefix}_current")
        assert focused["type"] == "radio"
        _assert_focus_visible(focused)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        focused = _focused(page)
        assert focused["id"] == f"id_{prefix}_current_2" and focused["checked"], focused
        _assert_focus_visible(focused)
        evidence = f"Keyboard evidence for {prefix}."
        page.locator(f"#id_{prefix}_evidence").fill(evidence)

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Draft saved: {KEYBOARD_ITEMS} of {ITEMS} answered."
    )
    for prefix in prefixes[:KEYBOARD_ITEMS]:
        expect(page.locator(f"#id_{prefix}_current_2")).to_be_checked()
        expect(page.locator(f"#id_{prefix}_evidence")).to_have_value(
            f"Keyboard evidence for {prefix}."
        )

    for prefix in prefixes[KEYBOARD_ITEMS:]:
        page.locator(f"label[for='id_{prefix}_current_1']").click()
        expect(page.locator(f"#id_{prefix}_current_1")).to_be_checked()
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_role("status")).to_contain_text("Thank you: your answers are submitted.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026 Q4")
    answers = page.get_by_role("region", name="Your answers")
    expect(answers).to_contain_text(re.compile(rf"{ITEMS} of {ITEMS} answered, submitted \d"))
    expect(answers.get_by_role("button", name="Reopen my answers")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^Dan Reilly"))).to_contain_text("Yes")
    assert page.problems.messages == []


def _ids(locator) -> list[str]:
    return locator.evaluate_all("elements => elements.map(e => e.id)")
