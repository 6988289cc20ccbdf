"""Consensus: the lead records the agreed position item after item; a conflict is shown, never
overwritten."""

import pytest

from assessment.models import Assessment, Consensus, Sector
from assessment.services import assessment_advance, consensus_record
from frameworks.models import Item
from tests.assessment.consensus_pages import (
    item_url,
    overview_url,
    set_sector,
)
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import items_by_key

pytestmark = pytest.mark.django_db


def test_it_shows_an_item_s_answers_by_sector(
    django_app, lead, respondent, place, split_at_consensus, impact
):
    Assessment.objects.filter(pk=split_at_consensus.pk).update(show_names=True)
    set_sector(lead, place, Sector.COMMISSIONER)
    page = django_app.get(item_url(split_at_consensus, impact), user=lead)
    rows = page.html.select("table.sectors tbody tr")
    assert [[c.text for c in row.select("th, td")] for row in rows] == [
        ["Commissioner", "1", "1", "1"],
        ["Not recorded", "2", "3", "2–4"],
    ]


def test_it_suggests_the_median_without_choosing_it(django_app, lead, split_at_consensus, impact):
    page = django_app.get(item_url(split_at_consensus, impact), user=lead)
    form = page.forms["consensus-form"]
    assert (form["current"].value, form["target"].value) == ("", "")
    chosen = page.html.select("#consensus-form option[selected]")
    assert [option["value"] for option in chosen] == ["", ""]  # "Choose a level", twice
    # Each suggestion is read out with its field.
    for name, median in (("current", 2), ("target", 3)):
        hint = page.html.select_one(f"#{page.html.select_one(f'#id_{name}')['aria-describedby']}")
        assert hint.text == f"Suggestion: {median} — the median of 3 answers."


def test_it_refuses_a_position_without_a_chosen_level(django_app, lead, split_at_consensus, impact):
    form = django_app.get(item_url(split_at_consensus, impact), user=lead).forms["consensus-form"]
    form["rationale"] = "We agree, but nobody picked a level."
    page = form.submit("then", value="next", status=400)
    errors = page.html.select_one("#consensus-form").text
    assert "Choose the agreed current level" in errors
    assert "Choose the agreed target level" in errors
    assert page.forms["consensus-form"]["rationale"].value == "We agree, but nobody picked a level."
    assert not Consensus.objects.exists()


def test_it_fills_in_a_position_already_recorded(client, lead, split_at_consensus, impact):
    consensus_record(
        assessment=split_at_consensus,
        item=impact,
        current=2,
        target=3,
        rationale="First pass.",
        user=lead,
        revision=0,
    )
    client.force_login(lead)
    form = page_form(client.get(item_url(split_at_consensus, impact)))
    assert (form.values["current"], form.values["target"]) == (["2"], ["3"])
    assert form.values["revision"] == ["1"]


def test_it_records_the_agreed_position_and_returns_to_the_overview(
    client, lead, split_at_consensus, impact
):
    client.force_login(lead)
    form = page_form(client.get(item_url(split_at_consensus, impact))).fill(
        current="2", target="4", rationale="The pilot has not yet scaled."
    )
    response = client.post(item_url(split_at_consensus, impact), form.data("overview"), follow=True)
    assert response.redirect_chain == [
        (f"{overview_url(split_at_consensus)}#item-{impact.pk}", 302)
    ]
    assert "Consensus on Impact saved." in response.text
    record = Consensus.objects.get(assessment=split_at_consensus, item=impact)
    assert (record.current, record.target, record.rationale, record.recorded_by) == (
        2,
        4,
        "The pilot has not yet scaled.",
        lead,
    )


def test_it_saves_and_opens_the_next_item_at_its_heading(
    django_app, lead, split_at_consensus, impact, workshop_order
):
    form = django_app.get(item_url(split_at_consensus, impact), user=lead).forms["consensus-form"]
    form["current"], form["target"], form["rationale"] = "2", "3", "Talked through."
    saved = form.submit("then", value="next")
    second = workshop_order[1]
    assert saved.location == f"{item_url(split_at_consensus, second)}#item-heading"
    page = saved.follow()
    assert "Consensus on Impact saved." in page.html.select_one('[role="status"]').text
    heading = page.html.select_one("h1#item-heading")
    assert heading["tabindex"] == "-1" and next(heading.stripped_strings) == second.title
    assert page.forms["consensus-form"]["current"].value == ""
    assert Consensus.objects.get(item=impact).current == 2


def test_it_walks_every_item_with_save_and_next(
    django_app, lead, split_at_consensus, workshop_order
):
    page = django_app.get(
        item_url(split_at_consensus, workshop_order[0]) + "#item-heading", user=lead
    )
    visited = []
    while page.request.path != overview_url(split_at_consensus):
        visited.append(next(page.html.select_one("h1#item-heading").stripped_strings))
        form = page.forms["consensus-form"]
        form["current"], form["rationale"] = "2", "Agreed."
        if "target" in form.fields:  # Place, a context factor, takes no target
            form["target"] = "3"
        buttons = [b.text for b in page.html.select('#consensus-form button[type="submit"]')]
        button = "next" if "Save and next" in buttons else "overview"
        page = form.submit("then", value=button).follow()
    assert visited == [item.title for item in workshop_order]
    assert Consensus.objects.filter(assessment=split_at_consensus).count() == 25
    assert "25 of 25 recorded" in page.text


def test_it_offers_save_and_next_on_every_item_but_the_last(
    django_app, lead, split_at_consensus, workshop_order
):
    first = django_app.get(item_url(split_at_consensus, workshop_order[0]), user=lead)
    last = django_app.get(item_url(split_at_consensus, workshop_order[-1]), user=lead)
    buttons = '#consensus-form button[type="submit"]'
    assert [b.text for b in first.html.select(buttons)] == ["Save and next", "Save agreed position"]
    assert [b.text for b in last.html.select(buttons)] == ["Save agreed position"]
    assert "Item 1 of 25" in first.text and "Item 25 of 25" in last.text


def test_it_returns_to_the_overview_after_the_last_item(
    client, lead, split_at_consensus, workshop_order
):
    last = workshop_order[-1]
    client.force_login(lead)
    form = page_form(client.get(item_url(split_at_consensus, last)))
    saved = client.post(
        item_url(split_at_consensus, last),
        form.fill(current="2", target="3", rationale="Agreed.").data(),
    )
    assert saved["Location"] == f"{overview_url(split_at_consensus)}#item-{last.pk}"
    # A page drawn before the order changed may still offer "save and next" on the last item.
    body = {"current": "2", "target": "3", "rationale": "Again.", "revision": "1", "then": "next"}
    again = client.post(item_url(split_at_consensus, last), body, follow=True)
    assert again.redirect_chain == [(f"{overview_url(split_at_consensus)}#item-{last.pk}", 302)]
    assert "That was the last item" in again.text


def test_it_revises_a_recorded_position_from_the_form(client, lead, split_at_consensus, impact):
    consensus_record(
        assessment=split_at_consensus,
        item=impact,
        current=2,
        target=3,
        rationale="First pass.",
        user=lead,
        revision=0,
    )
    client.force_login(lead)
    form = page_form(client.get(item_url(split_at_consensus, impact)))
    assert form.values["rationale"] == ["First pass."]
    client.post(item_url(split_at_consensus, impact), form.fill(current="3").data("overview"))
    record = Consensus.objects.get(assessment=split_at_consensus, item=impact)
    assert (record.current, record.revision) == (3, 2)


def test_it_refuses_a_position_without_a_rationale(client, lead, split_at_consensus, impact):
    client.force_login(lead)
    form = page_form(client.get(item_url(split_at_consensus, impact))).fill(
        current="2", target="3", rationale=""
    )
    response = client.post(item_url(split_at_consensus, impact), form.data("next"))
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not Consensus.objects.exists()


def test_it_refuses_a_level_the_scale_does_not_have(client, lead, split_at_consensus, impact):
    client.force_login(lead)
    body = {"current": "9", "target": "3", "rationale": "Off the scale.", "revision": "0"}
    response = client.post(item_url(split_at_consensus, impact), body)
    assert response.status_code == 400
    assert "Select a valid choice. 9 is not one of the available choices." in response.text
    assert not Consensus.objects.exists()


def _mine_then_theirs(client, staff, lead, split_at_consensus, impact):
    """Alex (staff) opens the item and fills the form; Priya saves first."""
    client.force_login(staff)
    mine = page_form(client.get(item_url(split_at_consensus, impact))).fill(
        current="4", target="4", rationale="Alex: we are further on."
    )
    consensus_record(
        assessment=split_at_consensus,
        item=impact,
        current=1,
        target=2,
        rationale="Priya: early days.",
        user=lead,
        revision=0,
    )
    return mine


def test_it_shows_a_conflict_with_the_other_person_s_values_and_overwrites_nothing(
    client, lead, staff, split_at_consensus, impact
):
    mine = _mine_then_theirs(client, staff, lead, split_at_consensus, impact)
    response = client.post(item_url(split_at_consensus, impact), mine.data("next"))
    assert response.status_code == 409
    assert "Someone else saved this item while you were editing" in response.text
    assert "Priya Shah recorded" in response.text
    assert "current <strong>1</strong>, target <strong>2</strong>" in response.text
    assert "Priya: early days." in response.text
    assert page_form(response).values["rationale"] == ["Alex: we are further on."]
    record = Consensus.objects.get(assessment=split_at_consensus, item=impact)
    assert (record.current, record.rationale, record.recorded_by) == (1, "Priya: early days.", lead)


def test_it_replaces_the_other_position_when_saved_again_after_a_conflict(
    client, lead, staff, split_at_consensus, impact
):
    # The conflict page says: "To replace theirs, save again".
    mine = _mine_then_theirs(client, staff, lead, split_at_consensus, impact)
    clash = client.post(item_url(split_at_consensus, impact), mine.data("next"))
    again = client.post(item_url(split_at_consensus, impact), page_form(clash).data("next"))
    assert again.status_code == 302
    record = Consensus.objects.get(assessment=split_at_consensus, item=impact)
    assert (record.current, record.rationale, record.recorded_by) == (
        4,
        "Alex: we are further on.",
        staff,
    )


def test_it_records_nothing_while_scoring_is_open(client, lead, prepared_round):
    impact = items_by_key(prepared_round)["impact"]
    client.force_login(lead)
    page = client.get(item_url(prepared_round, impact))
    assert "Scoring is still open; consensus is recorded once the round moves on." in page.text
    body = {"current": "2", "target": "3", "rationale": "Early.", "revision": "0"}
    response = client.post(item_url(prepared_round, impact), body)
    assert "Consensus can be recorded only while the round is at consensus." in response.text
    assert not Consensus.objects.exists()


def test_it_shows_a_closed_round_s_position_read_only(client, lead, split_at_consensus, impact):
    consensus_record(
        assessment=split_at_consensus,
        item=impact,
        current=2,
        target=3,
        rationale="Agreed.",
        user=lead,
        revision=0,
    )
    assessment_advance(assessment=split_at_consensus)
    client.force_login(lead)
    response = client.get(item_url(split_at_consensus, impact))
    assert "This round is closed." in response.text
    assert "Agreed current 2, target 3." in response.text
    assert 'name="rationale"' not in response.text


def test_it_answers_404_for_an_item_that_is_not_in_the_round(client, lead, split_at_consensus):
    client.force_login(lead)
    # The same factor in the version this round did not pin: an item, but not this round's.
    stranger = Item.objects.exclude(version__assessments=split_at_consensus).get(
        key="impact", version__version="1.0"
    )
    missing = Item.objects.order_by("-pk").first().pk + 1
    url = f"/assessments/{split_at_consensus.pk}/consensus/"
    assert client.get(f"{url}{stranger.pk}/").status_code == 404
    assert client.get(f"{url}{missing}/").status_code == 404


def test_it_answers_405_to_other_methods_on_an_item(client, lead, split_at_consensus, impact):
    client.force_login(lead)
    assert client.put(item_url(split_at_consensus, impact)).status_code == 405
    assert client.delete(item_url(split_at_consensus, impact)).status_code == 405
