"""A whole workshop in a real browser: open a round, invite, score, remind, confirm the end of
scoring, agree every item with "Save and next" from the keyboard, step back once, and close."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from playwright.sync_api import expect

from .conftest import LEAD, csp_violations, sign_in
from .test_accessibility import _report, _violations

pytestmark = pytest.mark.e2e

PERIOD = "2027 Q1"
SCORERS = ["tom.hughes@riverside.example.org", "asha.patel@riverside.example.org"]
LINK = re.compile(r"https?://[^/\s]+(/assessments/\d+/respond/)")
ITEMS = 25


def _score_everything(page, path: str) -> None:
    """Follow the e-mailed link, choose a level for every item, submit."""
    page.goto(path)
    items = page.locator("fieldset.card[id^='item-']")
    expect(items).to_have_count(ITEMS)
    for n in range(ITEMS):
        items.nth(n).locator("input[type=radio]").nth(2).check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("status")).to_contain_text("your answers are submitted")


def _confirm(page, button: str, confirm: str, found: list[str], name: str) -> None:
    page.get_by_role("button", name=button).click()
    found += _violations(page, name)
    page.get_by_role("button", name=confirm).click()


def test_it_runs_a_whole_workshop(page, context, demo):
    found: list[str] = []
    sign_in(page, LEAD)
    page.goto("/places/riverside/")
    page.get_by_role("link", name="Open a new round").click()
    page.get_by_label("Period").fill(PERIOD)
    page.get_by_label("Deadline for scoring").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("status")).to_contain_text(f"Round {PERIOD} is open for scoring.")
    round_url = page.url
    # Everyone taking part is invited by e-mail, with the link to score.
    invited = {message.to[0]: message for message in mail.outbox}
    assert set(SCORERS) <= set(invited)
    links = {email: LINK.search(invited[email].body).group(1) for email in SCORERS}

    # Two respondents score through their e-mailed links.
    for email in SCORERS:
        scorer = context.browser.new_context(base_url=page.url.split("/assessments")[0])
        their_page = scorer.new_page()
        sign_in(their_page, email)
        _score_everything(their_page, links[email])
        scorer.close()

    # The lead reminds everyone else once.
    page.goto(round_url)
    sent_before = len(mail.outbox)
    page.get_by_role("button", name="Remind everyone who has not submitted").click()
    expect(page.get_by_role("status")).to_contain_text("E-mailed and reminded:")
    reminded = {message.to[0] for message in mail.outbox[sent_before:]}
    assert reminded and not reminded & set(SCORERS), "only those who have not submitted"

    # Ending scoring asks first, naming who has not submitted.
    page.get_by_role("button", name="End scoring and move to consensus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End scoring and move to consensus?")
    expect(page.get_by_role("alert")).to_contain_text("have not submitted")
    found += _violations(page, "confirm the end of scoring")
    page.get_by_role("button", name="Yes, end scoring").click()
    expect(page.get_by_role("status")).to_contain_text("The round is now: Consensus.")

    # The facilitator view, then every item agreed with "Save and next", from the keyboard.
    page.get_by_role("link", name="Consensus: agreed positions and targets").click()
    found += _violations(page, "facilitator view")
    page.get_by_role("link", name=re.compile(r"^Record ")).first.click()
    for n in range(ITEMS):
        expect(page.get_by_text(f"Item {n + 1} of {ITEMS}")).to_be_visible()
        if n == 0:
            found += _violations(page, "consensus item")
        page.get_by_label("Agreed current level").focus()
        page.keyboard.type("2")
        target = page.get_by_label("Agreed target level")
        if target.count():  # a context factor (Place) takes no target
            target.focus()
            page.keyboard.type("3")
        page.get_by_label("Rationale").focus()
        page.keyboard.type("Agreed in the room.")
        last = n == ITEMS - 1
        page.get_by_role("button", name="Save agreed position" if last else "Save and next").focus()
        page.keyboard.press("Enter")
    expect(page.get_by_text(f"{ITEMS} of {ITEMS} recorded.")).to_be_visible()

    # One step back to scoring, and forward again: agreed positions are kept.
    page.goto(round_url)
    _confirm(page, "Reopen scoring", "Yes, reopen scoring", found, "confirm reopening scoring")
    expect(page.get_by_role("status")).to_contain_text("The round is back to: Open for scoring.")
    page.get_by_role("button", name="End scoring and move to consensus").click()
    page.get_by_role("button", name="Yes, end scoring").click()

    # Closing asks first; every item is agreed, so nothing falls back to the median.
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_text("Every item has an agreed position.")).to_be_visible()
    found += _violations(page, "confirm closing")
    page.get_by_role("button", name="Yes, close the round").click()
    expect(page.get_by_role("status")).to_contain_text("The round is now: Closed.")

    page.get_by_role("link", name="History of changes").click()
    expect(page.get_by_role("cell", name=re.compile("Status: Consensus → Closed"))).to_be_visible()
    found += _violations(page, "history")
    assert not csp_violations(page)
    assert not page.problems.messages, page.problems.messages
    assert not found, _report(found)
