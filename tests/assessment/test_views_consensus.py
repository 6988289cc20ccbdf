"""Consensus: the lead reads what the team said on every item, split ones first, and records
the agreed position item after item."""

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from assessment import services
from assessment.models import Assessment, Consensus, Membership, Respondent, Response, Sector
from assessment.services import assessment_advance, consensus_record
from frameworks.models import Item
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import items_by_key, named_respondent, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_round(open_round, lead, respondent):
    """At consensus. Impact: Priya 1→2, Tom 2→3, Grace 4→4, so split; every other item 2→3.
    Dan's draft (impact 3) was never submitted and must not count."""
    score(respondent_of(open_round, lead), levels={"impact": (1, 2)})
    score(respondent_of(open_round, respondent), levels={"impact": (2, 3)})
    score(named_respondent(open_round, "Grace Okafor"), levels={"impact": (4, 4)})
    score(named_respondent(open_round, "Dan Reilly"), only=["impact"], current=3, submit=False)
    return assessment_advance(assessment=open_round)


@pytest.fixture
def prepared_round(place, lead, respondent, versions):
    """Open for scoring, led by Priya, who does not take part: she may prepare the workshop."""
    return services.assessment_open(
        place=place, period="2026 Q4", versions=versions, participants=[respondent], user=lead
    )


@pytest.fixture
def impact(scored_round):
    return items_by_key(scored_round)["impact"]


@pytest.fixture
def workshop_order(scored_round, impact):
    """The round's items as the workshop takes them: Impact (the only split one) first."""
    return [impact] + [i for i in items_by_key(scored_round).values() if i != impact]


def _overview(assessment, query=""):
    return f"/assessments/{assessment.pk}/consensus/{query}"


def _item(assessment, item):
    return f"/assessments/{assessment.pk}/consensus/{item.pk}/"


def _more_answers(assessment, count):
    """`count` more people who submitted answers to every item (written directly: the round
    has already left scoring)."""
    items = list(items_by_key(assessment).values())
    people = Respondent.objects.bulk_create(
        Respondent(assessment=assessment, name=f"Respondent {n}", submitted_at=timezone.now())
        for n in range(count)
    )
    Response.objects.bulk_create(
        Response(respondent=person, item=item, current=1 + n % 3, target=3)
        for n, person in enumerate(people)
        for item in items
    )


def _card(page, item):
    return page.html.select_one(f"article#item-{item.pk}")


def _figures(card) -> dict[str, str]:
    """The agreement figures of an item's card, by name."""
    names = [dt.get_text(" ", strip=True) for dt in card.select(".figures dt")]
    values = [dd.get_text(" ", strip=True) for dd in card.select(".figures dd")]
    return dict(zip(names, values, strict=True))


def _dots(card) -> dict[str, list[str]]:
    """What a screen reader hears for each level's dots (the marks drawn in them are hidden)."""
    rows = card.select("table.distribution tbody tr")
    return {row.th.get_text(strip=True): [_heard(li) for li in row.select("li")] for row in rows}


def _heard(tag) -> str:
    return " ".join(
        text.strip()
        for text in tag.find_all(string=True)
        if text.strip() and not text.find_parent(attrs={"aria-hidden": "true"})
    )


def _sectors(card) -> list[list[str]]:
    rows = card.select("table.sectors tbody tr")
    return [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in rows]


def _set_sector(user, place, sector):
    Membership.objects.filter(user=user, place=place).update(sector=sector)


# The facilitator view


def test_it_reads_out_the_agreement_figures_of_each_item(django_app, lead, scored_round, impact):
    page = django_app.get(_overview(scored_round), user=lead)
    # Impact: 1, 2 and 4 (Dan's unsubmitted 3 is not one of them).
    assert _figures(_card(page, impact)) == {
        "Answers": "3",
        "Median": "2",
        "Interquartile range": "1.5 from 1.5 to 3",
        "Within one level of the median": "2 of 3 67%",
        "Split": "Yes answers from 1 to 4: two or more levels apart",
        "Target median": "3",
    }
    place = items_by_key(scored_round)["place"]
    assert _figures(_card(page, place))["Within one level of the median"] == "3 of 3 100%"
    assert _figures(_card(page, place))["Split"] == "No every answer 2"
    assert "0 of 25 recorded. 1 split." in page.text
    assert "two or more levels apart" in page.html.select_one(".consensus-key").text


def test_it_puts_split_items_first(django_app, lead, scored_round, workshop_order):
    page = django_app.get(_overview(scored_round), user=lead)
    cards = [card["id"] for card in page.html.select("article")]
    assert cards == [f"item-{item.pk}" for item in workshop_order]
    split = page.html.select_one("#split-heading").find_parent("section")
    assert [card["id"] for card in split.select("article")] == [f"item-{workshop_order[0].pk}"]
    assert split.select_one(".split-flag")


def test_it_shows_only_split_items_when_asked(django_app, lead, scored_round, impact):
    page = django_app.get(_overview(scored_round), user=lead)
    page = page.click(description="Split only")
    assert page.request.query_string == "split=1"
    assert [card["id"] for card in page.html.select("article")] == [f"item-{impact.pk}"]
    assert page.html.select_one('a[aria-current="page"]').text == "Split only (1)"
    assert len(page.click(description="All items").html.select("article")) == 25


def test_it_refuses_a_filter_it_does_not_know_and_shows_every_item(django_app, lead, scored_round):
    page = django_app.get(_overview(scored_round, "?split=yes"), user=lead, status=400)
    assert "cannot show" in page.html.select_one('[role="alert"]').text
    assert "split" in page.html.select_one('[role="alert"]').text
    assert len(page.html.select("article")) == 25


def test_it_draws_a_dot_per_answer_without_names_unless_the_round_shows_names(
    django_app, lead, scored_round, impact
):
    page = django_app.get(_overview(scored_round), user=lead)
    dots = _dots(_card(page, impact))
    assert dots == {
        "1 Emerging": ["Sector not recorded;"],
        "2 Developed": ["Sector not recorded;"],
        "3 Well developed": [],
        "4 Extensive development": ["Sector not recorded;"],
    }
    assert "Grace Okafor" not in page.text and "Tom Hughes" not in page.text


def test_it_names_each_dot_when_the_round_shows_names(django_app, lead, scored_round, impact):
    Assessment.objects.filter(pk=scored_round.pk).update(show_names=True)
    page = django_app.get(_overview(scored_round), user=lead)
    dots = _dots(_card(page, impact))
    assert dots["1 Emerging"] == ["Priya Shah , Sector not recorded;"]
    assert dots["4 Extensive development"] == ["Grace Okafor , Sector not recorded;"]
    assert "Dan Reilly" not in page.text  # he never submitted


def test_it_shows_where_disagreement_comes_from_by_sector(
    django_app, lead, respondent, place, scored_round, impact
):
    # Priya (the lead) is from the council, Tom from an NHS trust; Grace scored on a sheet. By
    # name, sectors of one person reveal nothing more.
    Assessment.objects.filter(pk=scored_round.pk).update(show_names=True)
    _set_sector(lead, place, Sector.LOCAL_AUTHORITY)
    _set_sector(respondent, place, Sector.NHS_PROVIDER)
    page = django_app.get(_overview(scored_round), user=lead)
    card = _card(page, impact)
    assert _sectors(card) == [
        ["NHS provider", "1", "2", "2"],
        ["Local authority", "1", "1", "1"],
        ["Not recorded", "1", "4", "4"],
    ]
    assert _dots(card)["1 Emerging"] == ["Priya Shah , Local authority;"]
    assert [dot.text for dot in card.select("li .dot")] == ["L", "N", "–"]


def test_it_takes_a_person_s_sector_from_this_place_only(
    django_app, lead, place, other_place, scored_round, impact
):
    Membership.objects.create(
        user=lead, place=other_place, role="respondent", sector=Sector.VOLUNTARY
    )
    page = django_app.get(_overview(scored_round), user=lead)
    assert [row[0] for row in _sectors(_card(page, impact))] == ["Not recorded"]


def test_it_shows_the_agreed_positions_once_recorded(django_app, lead, scored_round, impact):
    consensus_record(
        assessment=scored_round,
        item=impact,
        current=2,
        target=4,
        rationale="Agreed.",
        user=lead,
        revision=0,
    )
    page = django_app.get(_overview(scored_round), user=lead)
    card = _card(page, impact)
    assert card.select_one(".agreed").get_text(" ", strip=True) == "Agreed now 2, target 4"
    assert card.select_one(".record-link").get_text(" ", strip=True) == "Review Impact"
    assert "1 of 25 recorded" in page.text


def test_it_offers_a_projector_layout_with_large_type(django_app, lead, scored_round):
    page = django_app.get(_overview(scored_round), user=lead)
    assert not page.html.select('link[href$="css/projector.css"]')
    projected = page.click(description="Projector layout")
    assert projected.request.query_string == "projector=1"
    assert projected.html.select('link[href$="css/projector.css"]')
    assert projected.html.select_one(".facilitator.projector")
    assert len(projected.html.select("article")) == 25
    assert "projector.css" not in projected.click(description="Standard layout").text


def test_it_keeps_the_split_filter_in_the_projector_layout(django_app, lead, scored_round):
    page = django_app.get(_overview(scored_round, "?split=1&projector=1"), user=lead)
    assert len(page.html.select("article")) == 1
    assert page.click(description="All items").request.query_string == "projector=1"


def test_it_tells_the_lead_while_scoring_is_still_open(django_app, lead, prepared_round):
    page = django_app.get(_overview(prepared_round), user=lead)
    assert "Scoring is still open" in page.text


@pytest.mark.parametrize("url", [_overview, lambda a: _item(a, items_by_key(a)["impact"])])
def test_it_runs_no_inline_script(django_app, lead, scored_round, url):
    # The policy refuses inline scripts and handlers: the page must not need one.
    page = django_app.get(url(scored_round), user=lead)
    assert all(script.get("src") for script in page.html.select("script"))
    handlers = [
        name for tag in page.html.find_all(True) for name in tag.attrs if name.startswith("on")
    ]
    assert handlers == []


@pytest.mark.parametrize("extra_respondents", [0, 10])
def test_it_draws_the_overview_in_the_same_queries_however_many_answered(
    django_app, lead, scored_round, django_assert_num_queries, extra_respondents
):
    _more_answers(scored_round, extra_respondents)
    django_app.get("/", user=lead)  # signed in before counting
    # session, user, round with place, my role, the pinned versions (their items are read once
    # a process), submitted answers with respondents, consensus with recorder, the sectors of
    # the place's members
    with django_assert_num_queries(8):
        page = django_app.get(_overview(scored_round), user=lead)
    answers = [_figures(card)["Answers"] for card in page.html.select("article")]
    assert answers == [str(3 + extra_respondents)] * 25


def test_it_answers_405_to_a_post_on_the_overview(client, lead, scored_round):
    client.force_login(lead)
    assert client.post(_overview(scored_round)).status_code == 405


# One item


def test_it_shows_every_answer_without_names_unless_the_round_shows_names(
    client, lead, scored_round, impact
):
    client.force_login(lead)
    html = client.get(_item(scored_round, impact)).text
    assert "Answers (without names)" in html
    assert "Now 4, target 4" in html
    assert "Grace Okafor" not in html and "Tom Hughes" not in html
    assert "Dan Reilly" not in html and "Respondent" not in html


def test_it_shows_every_answer_by_name_when_the_round_shows_names(
    client, lead, scored_round, impact
):
    Assessment.objects.filter(pk=scored_round.pk).update(show_names=True)
    client.force_login(lead)
    html = client.get(_item(scored_round, impact)).text
    assert "Answers by name" in html
    assert "<strong>Grace Okafor</strong>: now 4, target 4" in html
    assert "<strong>Priya Shah</strong>: now 1, target 2" in html
    assert "Evidence on impact." in html


def test_it_shows_the_median_range_and_how_many_chose_each_level(
    client, lead, scored_round, impact
):
    client.force_login(lead)
    page = client.get(_item(scored_round, impact))
    html = page.text
    assert "Current: median 2, from 1 to 4." in html
    assert "Target: median 3, from 2 to 4." in html
    assert '<span class="badge split-flag">Split</span></h1>' in html
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr")
    counts = {row.th.contents[0].strip(): row.td.text for row in rows if row.td}
    assert counts["1 Emerging"] == "1" and counts["3 Well developed"] == "0"


def test_it_shows_an_item_s_answers_by_sector(
    django_app, lead, respondent, place, scored_round, impact
):
    Assessment.objects.filter(pk=scored_round.pk).update(show_names=True)
    _set_sector(lead, place, Sector.COMMISSIONER)
    page = django_app.get(_item(scored_round, impact), user=lead)
    rows = page.html.select("table.sectors tbody tr")
    assert [[c.text for c in row.select("th, td")] for row in rows] == [
        ["Commissioner", "1", "1", "1"],
        ["Not recorded", "2", "3", "2–4"],
    ]


def test_it_suggests_the_median_without_choosing_it(django_app, lead, scored_round, impact):
    page = django_app.get(_item(scored_round, impact), user=lead)
    form = page.forms["consensus-form"]
    assert (form["current"].value, form["target"].value) == ("", "")
    chosen = page.html.select("#consensus-form option[selected]")
    assert [option["value"] for option in chosen] == ["", ""]  # "Choose a level", twice
    # Each suggestion is read out with its field.
    for name, median in (("current", 2), ("target", 3)):
        hint = page.html.select_one(f"#{page.html.select_one(f'#id_{name}')['aria-describedby']}")
        assert hint.text == f"Suggestion: {median} — the median of 3 answers."


def test_it_refuses_a_position_without_a_chosen_level(django_app, lead, scored_round, impact):
    form = django_app.get(_item(scored_round, impact), user=lead).forms["consensus-form"]
    form["rationale"] = "We agree, but nobody picked a level."
    page = form.submit("then", value="next", status=400)
    errors = page.html.select_one("#consensus-form").text
    assert "Choose the agreed current level" in errors
    assert "Choose the agreed target level" in errors
    assert page.forms["consensus-form"]["rationale"].value == "We agree, but nobody picked a level."
    assert not Consensus.objects.exists()


def test_it_fills_in_a_position_already_recorded(client, lead, scored_round, impact):
    consensus_record(
        assessment=scored_round,
        item=impact,
        current=2,
        target=3,
        rationale="First pass.",
        user=lead,
        revision=0,
    )
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact)))
    assert (form.values["current"], form.values["target"]) == (["2"], ["3"])
    assert form.values["revision"] == ["1"]


def test_it_records_the_agreed_position_and_returns_to_the_overview(
    client, lead, scored_round, impact
):
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact))).fill(
        current="2", target="4", rationale="The pilot has not yet scaled."
    )
    response = client.post(_item(scored_round, impact), form.data("overview"), follow=True)
    assert response.redirect_chain == [(f"{_overview(scored_round)}#item-{impact.pk}", 302)]
    assert "Consensus on Impact saved." in response.text
    record = Consensus.objects.get(assessment=scored_round, item=impact)
    assert (record.current, record.target, record.rationale, record.recorded_by) == (
        2,
        4,
        "The pilot has not yet scaled.",
        lead,
    )


def test_it_saves_and_opens_the_next_item_at_its_heading(
    django_app, lead, scored_round, impact, workshop_order
):
    form = django_app.get(_item(scored_round, impact), user=lead).forms["consensus-form"]
    form["current"], form["target"], form["rationale"] = "2", "3", "Talked through."
    saved = form.submit("then", value="next")
    second = workshop_order[1]
    assert saved.location == f"{_item(scored_round, second)}#item-heading"
    page = saved.follow()
    assert "Consensus on Impact saved." in page.html.select_one('[role="status"]').text
    heading = page.html.select_one("h1#item-heading")
    assert heading["tabindex"] == "-1" and next(heading.stripped_strings) == second.title
    assert page.forms["consensus-form"]["current"].value == ""
    assert Consensus.objects.get(item=impact).current == 2


def test_it_walks_every_item_with_save_and_next(django_app, lead, scored_round, workshop_order):
    page = django_app.get(_item(scored_round, workshop_order[0]) + "#item-heading", user=lead)
    visited = []
    while page.request.path != _overview(scored_round):
        visited.append(next(page.html.select_one("h1#item-heading").stripped_strings))
        form = page.forms["consensus-form"]
        form["current"], form["rationale"] = "2", "Agreed."
        if "target" in form.fields:  # Place, a context factor, takes no target
            form["target"] = "3"
        buttons = [b.text for b in page.html.select('#consensus-form button[type="submit"]')]
        button = "next" if "Save and next" in buttons else "overview"
        page = form.submit("then", value=button).follow()
    assert visited == [item.title for item in workshop_order]
    assert Consensus.objects.filter(assessment=scored_round).count() == 25
    assert "25 of 25 recorded" in page.text


def test_it_offers_save_and_next_on_every_item_but_the_last(
    django_app, lead, scored_round, workshop_order
):
    first = django_app.get(_item(scored_round, workshop_order[0]), user=lead)
    last = django_app.get(_item(scored_round, workshop_order[-1]), user=lead)
    buttons = '#consensus-form button[type="submit"]'
    assert [b.text for b in first.html.select(buttons)] == ["Save and next", "Save agreed position"]
    assert [b.text for b in last.html.select(buttons)] == ["Save agreed position"]
    assert "Item 1 of 25" in first.text and "Item 25 of 25" in last.text


def test_it_returns_to_the_overview_after_the_last_item(client, lead, scored_round, workshop_order):
    last = workshop_order[-1]
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, last)))
    saved = client.post(
        _item(scored_round, last), form.fill(current="2", target="3", rationale="Agreed.").data()
    )
    assert saved["Location"] == f"{_overview(scored_round)}#item-{last.pk}"
    # A page drawn before the order changed may still offer "save and next" on the last item.
    body = {"current": "2", "target": "3", "rationale": "Again.", "revision": "1", "then": "next"}
    again = client.post(_item(scored_round, last), body, follow=True)
    assert again.redirect_chain == [(f"{_overview(scored_round)}#item-{last.pk}", 302)]
    assert "That was the last item" in again.text


def test_it_revises_a_recorded_position_from_the_form(client, lead, scored_round, impact):
    consensus_record(
        assessment=scored_round,
        item=impact,
        current=2,
        target=3,
        rationale="First pass.",
        user=lead,
        revision=0,
    )
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact)))
    assert form.values["rationale"] == ["First pass."]
    client.post(_item(scored_round, impact), form.fill(current="3").data("overview"))
    record = Consensus.objects.get(assessment=scored_round, item=impact)
    assert (record.current, record.revision) == (3, 2)


def test_it_refuses_a_position_without_a_rationale(client, lead, scored_round, impact):
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact))).fill(
        current="2", target="3", rationale=""
    )
    response = client.post(_item(scored_round, impact), form.data("next"))
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not Consensus.objects.exists()


def test_it_refuses_a_level_the_scale_does_not_have(client, lead, scored_round, impact):
    client.force_login(lead)
    body = {"current": "9", "target": "3", "rationale": "Off the scale.", "revision": "0"}
    response = client.post(_item(scored_round, impact), body)
    assert response.status_code == 400
    assert "Select a valid choice. 9 is not one of the available choices." in response.text
    assert not Consensus.objects.exists()


def _mine_then_theirs(client, staff, lead, scored_round, impact):
    """Alex (staff) opens the item and fills the form; Priya saves first."""
    client.force_login(staff)
    mine = page_form(client.get(_item(scored_round, impact))).fill(
        current="4", target="4", rationale="Alex: we are further on."
    )
    consensus_record(
        assessment=scored_round,
        item=impact,
        current=1,
        target=2,
        rationale="Priya: early days.",
        user=lead,
        revision=0,
    )
    return mine


def test_it_shows_a_conflict_with_the_other_person_s_values_and_overwrites_nothing(
    client, lead, staff, scored_round, impact
):
    mine = _mine_then_theirs(client, staff, lead, scored_round, impact)
    response = client.post(_item(scored_round, impact), mine.data("next"))
    assert response.status_code == 409
    assert "Someone else saved this item while you were editing" in response.text
    assert "Priya Shah recorded" in response.text
    assert "current <strong>1</strong>, target <strong>2</strong>" in response.text
    assert "Priya: early days." in response.text
    assert page_form(response).values["rationale"] == ["Alex: we are further on."]
    record = Consensus.objects.get(assessment=scored_round, item=impact)
    assert (record.current, record.rationale, record.recorded_by) == (1, "Priya: early days.", lead)


def test_it_replaces_the_other_position_when_saved_again_after_a_conflict(
    client, lead, staff, scored_round, impact
):
    # The conflict page says: "To replace theirs, save again".
    mine = _mine_then_theirs(client, staff, lead, scored_round, impact)
    clash = client.post(_item(scored_round, impact), mine.data("next"))
    again = client.post(_item(scored_round, impact), page_form(clash).data("next"))
    assert again.status_code == 302
    record = Consensus.objects.get(assessment=scored_round, item=impact)
    assert (record.current, record.rationale, record.recorded_by) == (
        4,
        "Alex: we are further on.",
        staff,
    )


def test_it_records_nothing_while_scoring_is_open(client, lead, prepared_round):
    impact = items_by_key(prepared_round)["impact"]
    client.force_login(lead)
    page = client.get(_item(prepared_round, impact))
    assert "Scoring is still open; consensus is recorded once the round moves on." in page.text
    body = {"current": "2", "target": "3", "rationale": "Early.", "revision": "0"}
    response = client.post(_item(prepared_round, impact), body)
    assert "Consensus can be recorded only while the round is at consensus." in response.text
    assert not Consensus.objects.exists()


def test_it_shows_a_closed_round_s_position_read_only(client, lead, scored_round, impact):
    consensus_record(
        assessment=scored_round,
        item=impact,
        current=2,
        target=3,
        rationale="Agreed.",
        user=lead,
        revision=0,
    )
    assessment_advance(assessment=scored_round)
    client.force_login(lead)
    response = client.get(_item(scored_round, impact))
    assert "This round is closed." in response.text
    assert "Agreed current 2, target 3." in response.text
    assert 'name="rationale"' not in response.text


def test_it_answers_404_for_an_item_that_is_not_in_the_round(client, lead, scored_round):
    client.force_login(lead)
    # The same factor in the version this round did not pin: an item, but not this round's.
    stranger = Item.objects.exclude(version__assessments=scored_round).get(
        key="impact", version__version="1.0"
    )
    missing = Item.objects.order_by("-pk").first().pk + 1
    url = f"/assessments/{scored_round.pk}/consensus/"
    assert client.get(f"{url}{stranger.pk}/").status_code == 404
    assert client.get(f"{url}{missing}/").status_code == 404


def test_it_answers_405_to_other_methods_on_an_item(client, lead, scored_round, impact):
    client.force_login(lead)
    assert client.put(_item(scored_round, impact)).status_code == 405
    assert client.delete(_item(scored_round, impact)).status_code == 405


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_lets_the_team_read_the_consensus_pages_but_record_nothing(
    django_app, client, request, lead, scored_round, impact, who
):
    consensus_record(
        assessment=scored_round,
        item=impact,
        current=2,
        target=3,
        rationale="The pilot has not scaled.",
        minority_view="Some of us see level 1: the pilot is one ward.",
        user=lead,
        revision=0,
    )
    reader = request.getfixturevalue(who)
    overview = django_app.get(_overview(scored_round), user=reader)
    links = [a.get_text(" ", strip=True) for a in overview.html.select(".record-link")]
    assert not [text for text in links if text.startswith(("Record", "Review"))]
    assert "The pilot has not scaled." in _card(overview, impact).text
    page = django_app.get(_item(scored_round, impact), user=reader)
    assert "consensus-form" not in page.forms
    assert page.html.select_one(".agreed").text == "Agreed current 2, target 3."
    assert "the pilot is one ward" in page.html.select_one(".minority-view").text
    client.force_login(reader)
    body = {"current": "4", "target": "4", "rationale": "Mine.", "revision": "1", "then": "next"}
    assert client.post(_item(scored_round, impact), body).status_code == 403
    assert Consensus.objects.get(item=impact).current == 2


def test_it_answers_404_to_an_outsider(client, outsider, scored_round, impact):
    client.force_login(outsider)
    assert client.get(_overview(scored_round, "?split=1")).status_code == 404
    assert client.get(_item(scored_round, impact)).status_code == 404


@pytest.mark.parametrize("extra_respondents", [0, 10])
def test_it_draws_an_item_in_the_same_queries_however_many_answered(
    client, lead, scored_round, impact, django_assert_num_queries, extra_respondents
):
    _more_answers(scored_round, extra_respondents)
    client.force_login(lead)
    # session, user, round with place, my role, the pinned versions (their items are read once
    # a process), submitted answers with respondents, consensus with recorder, the sectors of
    # the place's members
    with django_assert_num_queries(8):
        response = client.get(_item(scored_round, impact))
    assert response.text.count('<li class="border-bottom py-2">') == 3 + extra_respondents


# Without names, inside the team


def test_it_pools_sectors_of_fewer_than_three_answers_in_a_round_without_names(
    django_app, lead, respondent, place, scored_round, impact
):
    # One answer each from the council, an NHS trust and a sheet: any sector shown would be
    # one person's answer.
    _set_sector(lead, place, Sector.LOCAL_AUTHORITY)
    _set_sector(respondent, place, Sector.NHS_PROVIDER)
    page = django_app.get(_overview(scored_round), user=lead)
    card = _card(page, impact)
    assert _sectors(card) == [["All sectors (pooled)", "3", "2", "1–4"]]
    assert [dot.text for dot in card.select("li .dot")] == ["+", "+", "+"]
    assert "Local authority" not in card.text and "NHS provider" not in card.text


def test_it_lists_answers_without_names_by_what_they_say_not_by_person(
    django_app, lead, scored_round, impact
):
    # By name the list would start with Grace (4) on every item, whatever she said.
    page = django_app.get(_item(scored_round, impact), user=lead)
    answers = [li.get_text(" ", strip=True) for li in page.html.select("li.border-bottom")]
    assert [text.split(" Evidence")[0] for text in answers] == [
        "Now 1, target 2",
        "Now 2, target 3",
        "Now 4, target 4",
    ]


@pytest.fixture
def round_of_two(open_round, lead, respondent):
    """At consensus, with only Priya's and Tom's answers."""
    score(respondent_of(open_round, lead))
    score(respondent_of(open_round, respondent))
    return assessment_advance(assessment=open_round)


def test_it_warns_that_fewer_than_three_people_s_answers_can_be_told_apart(
    django_app, lead, round_of_two
):
    impact = items_by_key(round_of_two)["impact"]
    for url in (_overview(round_of_two), _item(round_of_two, impact)):
        warning = django_app.get(url, user=lead).html.select_one(".few-respondents")
        assert warning.get_text(" ", strip=True).startswith(
            "Answers can be told apart. Two people answered: with fewer than three,"
        )


def test_it_does_not_warn_with_three_answers_or_with_names(django_app, lead, scored_round):
    assert not django_app.get(_overview(scored_round), user=lead).html.select(".few-respondents")
    Assessment.objects.filter(pk=scored_round.pk).update(show_names=True)
    Response.objects.filter(respondent__name="Grace Okafor").delete()
    assert not django_app.get(_overview(scored_round), user=lead).html.select(".few-respondents")


# The agreed position's reasons, and context factors


def test_it_records_a_minority_view_and_shows_it_with_the_rationale(
    django_app, lead, scored_round, impact
):
    page = django_app.get(_item(scored_round, impact), user=lead)
    minority = page.html.select_one('label[for="id_minority_view"]')
    assert minority.get_text(strip=True) == "Minority view (optional)"
    assert "Who held it is not recorded." in page.html.select_one("#id_minority_view_helptext").text
    form = page.forms["consensus-form"]
    form["current"], form["target"], form["rationale"] = "2", "3", "One pilot, not yet scaled."
    form["minority_view"] = "  Some would say 1: the pilot covers one ward.  "
    overview = form.submit("then", value="overview").follow()
    record = Consensus.objects.get(item=impact)
    assert record.minority_view == "Some would say 1: the pilot covers one ward."
    card = _card(overview, impact)
    assert card.select_one(".rationale").get_text(" ", strip=True) == (
        "Why: One pilot, not yet scaled."
    )
    assert card.select_one(".minority-view").get_text(" ", strip=True) == (
        "Minority view: Some would say 1: the pilot covers one ward."
    )


def test_it_asks_no_target_for_a_context_factor(django_app, lead, scored_round):
    place = items_by_key(scored_round)["place"]
    form = django_app.get(_item(scored_round, place), user=lead).forms["consensus-form"]
    assert "target" not in form.fields
    form["current"], form["rationale"] = "2", "Two footprints, one council."
    overview = form.submit("then", value="overview").follow()
    assert Consensus.objects.get(item=place).target is None
    assert _card(overview, place).select_one(".agreed").get_text(" ", strip=True) == (
        "Agreed now 2"
    )


# The projector layout


def test_it_keeps_the_projector_layout_from_the_overview_through_save_and_next(
    django_app, lead, scored_round, impact, workshop_order
):
    projected = django_app.get(_overview(scored_round, "?projector=1"), user=lead)
    page = projected.click(href=f"/consensus/{impact.pk}/")
    assert page.request.query_string == "projector=1"
    assert page.html.select('link[href$="css/projector.css"]')
    assert page.html.select_one(".facilitator.projector")
    form = page.forms["consensus-form"]
    form["current"], form["target"], form["rationale"] = "2", "3", "Talked through."
    saved = form.submit("then", value="next")
    second = workshop_order[1]
    assert saved.location == f"{_item(scored_round, second)}?projector=1#item-heading"
    following = saved.follow().forms["consensus-form"]
    following["current"], following["rationale"] = "2", "Agreed."  # Place: no target
    back = following.submit("then", value="overview")
    assert back.location == f"{_overview(scored_round)}?projector=1#item-{second.pk}"


def test_it_keeps_an_item_at_normal_size_outside_the_projector_layout(
    django_app, lead, scored_round, impact
):
    page = django_app.get(_item(scored_round, impact), user=lead)
    assert not page.html.select('link[href$="css/projector.css"]')
    assert page.click(description="Projector layout").request.query_string == "projector=1"
