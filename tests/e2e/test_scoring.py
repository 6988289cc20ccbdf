"""A respondent scores the open round in a real browser: keyboard first, then the mouse."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e

# The demo's respondent who has not started Riverside's open round (assessment/demo.py).
SCORER = "asha.patel@riverside.example.org"
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
    sign_in(page, SCORER)
    riverside = page.get_by_role("region", name="Riverside Borough", exact=True)
    riverside.get_by_role("link", name="2026 Q4", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside Borough: 2026 Q4")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open for scoring")
    page.get_by_role("link", name=re.compile(r"(Start|Continue) scoring")).click()
    expect(page).to_have_url(re.compile(r"/respond/\?item=1$"))  # one item at a time
    page.get_by_role("link", name="All items on one page").click()
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
    expect(answers).to_contain_text(re.compile(r"Submitted \d+ \w+ \d{4}\."))
    expect(answers.get_by_role("button", name="Reopen my answers")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^Asha Patel"))).to_contain_text("Yes")
    assert page.problems.messages == []


def _ids(locator) -> list[str]:
    return locator.evaluate_all("elements => elements.map(e => e.id)")


PHONE = {"width": 390, "height": 844}


def test_it_scores_one_item_at_a_time_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    sign_in(page, SCORER)
    riverside = page.get_by_role("region", name="Riverside Borough", exact=True)
    expect(riverside).to_contain_text("Your answers: not started")
    riverside.get_by_role("link", name=re.compile("^Score now")).click()
    expect(page).to_have_url(re.compile(r"/respond/\?item=1$"))
    first = page.locator("input[type=radio]").first.bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"], f"first answer below the fold: {first}"

    heights = {}
    for position in range(1, ITEMS + 1):
        expect(page.locator("#progress strong")).to_have_text(f"{position} of {ITEMS}")
        heights[position] = page.evaluate("document.documentElement.scrollHeight")
        # Each level: a name and one line, the whole descriptor a click away.
        more = page.locator(".level-option details").first
        expect(more.locator("p").first).to_be_hidden()
        more.locator("summary").click()
        expect(more.locator("p").first).to_be_visible()
        page.locator(".level-option label").nth(1).click()
        page.get_by_role("button", name=re.compile(r"^Save and (next|review)$")).click()
        expect(page.get_by_role("status")).to_contain_text(
            f"Draft saved: {position} of {ITEMS} answered."
        )
    tall = {n: h for n, h in heights.items() if h > 2 * PHONE["height"]}
    assert not tall, f"items taller than two screens at 390 × 844: {tall}"

    expect(page).to_have_url(re.compile(r"\?review=1$"))
    expect(page.locator("#progress")).to_contain_text(f"{ITEMS} of {ITEMS} answered.")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you: your answers are submitted.")
    assert page.problems.messages == []


def test_it_says_draft_saved_where_the_person_is_after_save_and_stay_here(page, demo):
    sign_in(page, SCORER)
    page.get_by_role("region", name="Riverside Borough").get_by_role(
        "link", name=re.compile("^Score now")
    ).click()
    page.get_by_role("link", name="All items on one page").click()
    item = page.locator("fieldset.card[id^='item-']").nth(11)
    item.locator(".level-option label").nth(1).click()
    item.get_by_role("button", name="Save and stay here").click()
    note = page.locator(".saved-note")
    expect(note).to_contain_text("Draft saved: 1 of 25 answered.")
    expect(note).to_be_in_viewport(ratio=1)  # once the page has scrolled back to the item


def test_it_finds_no_serious_accessibility_violations_on_the_steps(page, demo):
    sign_in(page, SCORER)
    found = [f"home: {v}" for v in _serious(page)]
    page.get_by_role("link", name=re.compile("^Score now")).click()
    found += [f"first step: {v}" for v in _serious(page)]
    scoring = page.url.split("?")[0]
    page.locator(".level-option label").first.click()
    page.get_by_role("button", name="Save and next").click()
    found += [f"Place, after saving the first: {v}" for v in _serious(page)]
    page.goto(scoring + "?review=1")
    found += [f"review: {v}" for v in _serious(page)]
    assert not found, "\n".join(found)


def _serious(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} [{v['impact']}] {v['help']}: {[n['target'] for n in v['nodes'][:5]]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
