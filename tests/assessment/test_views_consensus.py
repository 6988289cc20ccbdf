"""Consensus: the lead reads what the team said on every item, split ones first (the overview
and the facilitator's view)."""

import pytest
from bs4 import BeautifulSoup

from assessment.models import Assessment, Membership, Sector
from assessment.services import consensus_record
from tests.assessment.consensus_pages import (
    card_of,
    dots_of,
    figures_of,
    item_url,
    more_answers,
    overview_url,
    sectors_of,
    set_sector,
)
from tests.assessment.scoring import items_by_key

pytestmark = pytest.mark.django_db


# The facilitator view


def test_it_reads_out_the_agreement_figures_of_each_item(
    django_app, lead, split_at_consensus, impact, any_far_answer_splits
):
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    # Impact: 1, 2 and 4 (Dan's unsubmitted 3 is not one of them).
    assert figures_of(card_of(page, impact)) == {
        "Answers": "3",
        "Median": "2",
        "Interquartile range": "1.5 from 1.5 to 3",
        "Within one level of the median": "2 of 3 67%",
        "Split": "Yes 1 answer outside the rule's band around the median: more than it allows",
        "Target median": "3",
    }
    place = items_by_key(split_at_consensus)["place"]
    assert figures_of(card_of(page, place))["Within one level of the median"] == "3 of 3 100%"
    assert figures_of(card_of(page, place))["Split"] == "No every answer 2"
    assert "0 of 25 recorded. 1 split." in page.text
    key = " ".join(page.html.select_one(".consensus-key").text.split())
    assert "split when any answer falls more than 1 level from the median" in key
    assert "This deployment sets the rule" in key


def test_it_says_why_an_item_with_one_far_answer_is_not_split_by_sciroccos_rule(
    django_app, lead, split_at_consensus, impact, settings
):
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 3  # SCIROCCO's rule
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    # Grace's 4 is two levels above the median of 2: one answer, not the four the rule asks.
    assert figures_of(card_of(page, impact))["Split"] == (
        "No 1 answer outside the rule's band around the median: no more than it allows"
    )
    assert "0 of 25 recorded. 0 split." in page.text
    assert "No item is split by the rule above." in page.text
    key = " ".join(page.html.select_one(".consensus-key").text.split())
    assert "split when more than 3 answers fall more than 1 level from the median" in key


def test_it_puts_split_items_first(
    django_app, lead, split_at_consensus, workshop_order, any_far_answer_splits
):
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    cards = [card["id"] for card in page.html.select("article")]
    assert cards == [f"item-{item.pk}" for item in workshop_order]
    split = page.html.select_one("#split-heading").find_parent("section")
    assert [card["id"] for card in split.select("article")] == [f"item-{workshop_order[0].pk}"]
    assert split.select_one(".split-flag")


def test_it_shows_only_split_items_when_asked(
    django_app, lead, split_at_consensus, impact, any_far_answer_splits
):
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    page = page.click(description="Split only")
    assert page.request.query_string == "split=1"
    assert [card["id"] for card in page.html.select("article")] == [f"item-{impact.pk}"]
    assert page.html.select_one('a[aria-current="page"]').text == "Split only (1)"
    assert len(page.click(description="All items").html.select("article")) == 25


def test_it_refuses_a_filter_it_does_not_know_and_shows_every_item(
    django_app, lead, split_at_consensus
):
    page = django_app.get(overview_url(split_at_consensus, "?split=yes"), user=lead, status=400)
    assert "cannot show" in page.html.select_one('[role="alert"]').text
    assert "split" in page.html.select_one('[role="alert"]').text
    assert len(page.html.select("article")) == 25


def test_it_draws_a_dot_per_answer_without_names_unless_the_round_shows_names(
    django_app, lead, split_at_consensus, impact
):
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    dots = dots_of(card_of(page, impact))
    assert dots == {
        "1 Emerging": ["Sector not recorded;"],
        "2 Developed": ["Sector not recorded;"],
        "3 Well developed": [],
        "4 Extensive development": ["Sector not recorded;"],
    }
    assert "Grace Okafor" not in page.text and "Tom Hughes" not in page.text


def test_it_names_each_dot_when_the_round_shows_names(django_app, lead, split_at_consensus, impact):
    Assessment.objects.filter(pk=split_at_consensus.pk).update(show_names=True)
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    dots = dots_of(card_of(page, impact))
    assert dots["1 Emerging"] == ["Priya Shah , Sector not recorded;"]
    assert dots["4 Extensive development"] == ["Grace Okafor , Sector not recorded;"]
    assert "Dan Reilly" not in page.text  # he never submitted


def test_it_shows_where_disagreement_comes_from_by_sector(
    django_app, lead, respondent, place, split_at_consensus, impact
):
    # Priya (the lead) is from the council, Tom from an NHS trust; Grace scored on a sheet. By
    # name, sectors of one person reveal nothing more.
    Assessment.objects.filter(pk=split_at_consensus.pk).update(show_names=True)
    set_sector(lead, place, Sector.LOCAL_AUTHORITY)
    set_sector(respondent, place, Sector.NHS_PROVIDER)
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    card = card_of(page, impact)
    assert sectors_of(card) == [
        ["NHS provider", "1", "2", "2"],
        ["Local authority", "1", "1", "1"],
        ["Not recorded", "1", "4", "4"],
    ]
    assert dots_of(card)["1 Emerging"] == ["Priya Shah , Local authority;"]
    assert [dot.text for dot in card.select("li .dot")] == ["L", "N", "–"]


def test_it_takes_a_person_s_sector_from_this_place_only(
    django_app, lead, place, other_place, split_at_consensus, impact
):
    Membership.objects.create(
        user=lead, place=other_place, role="respondent", sector=Sector.VOLUNTARY
    )
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    assert [row[0] for row in sectors_of(card_of(page, impact))] == ["Not recorded"]


def test_it_shows_the_agreed_positions_once_recorded(django_app, lead, split_at_consensus, impact):
    consensus_record(
        assessment=split_at_consensus,
        item=impact,
        current=2,
        target=4,
        rationale="Agreed.",
        user=lead,
        revision=0,
    )
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    card = card_of(page, impact)
    assert card.select_one(".agreed").get_text(" ", strip=True) == "Agreed now 2, target 4"
    assert card.select_one(".record-link").get_text(" ", strip=True) == "Review Impact"
    assert "1 of 25 recorded" in page.text


def test_it_offers_a_projector_layout_with_large_type(django_app, lead, split_at_consensus):
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    assert not page.html.select('link[href$="css/projector.css"]')
    projected = page.click(description="Projector layout")
    assert projected.request.query_string == "projector=1"
    assert projected.html.select('link[href$="css/projector.css"]')
    assert projected.html.select_one(".facilitator.projector")
    assert len(projected.html.select("article")) == 25
    assert "projector.css" not in projected.click(description="Standard layout").text


def test_it_keeps_the_split_filter_in_the_projector_layout(
    django_app, lead, split_at_consensus, any_far_answer_splits
):
    page = django_app.get(overview_url(split_at_consensus, "?split=1&projector=1"), user=lead)
    assert len(page.html.select("article")) == 1
    assert page.click(description="All items").request.query_string == "projector=1"


def test_it_tells_the_lead_while_scoring_is_still_open(django_app, lead, prepared_round):
    page = django_app.get(overview_url(prepared_round), user=lead)
    assert "Scoring is still open" in page.text


@pytest.mark.parametrize("url", [overview_url, lambda a: item_url(a, items_by_key(a)["impact"])])
def test_it_runs_no_inline_script(django_app, lead, split_at_consensus, url):
    # The policy refuses inline scripts and handlers: the page must not need one.
    page = django_app.get(url(split_at_consensus), user=lead)
    assert all(script.get("src") for script in page.html.select("script"))
    handlers = [
        name for tag in page.html.find_all(True) for name in tag.attrs if name.startswith("on")
    ]
    assert handlers == []


@pytest.mark.parametrize("extra_respondents", [0, 10])
def test_it_draws_the_overview_in_the_same_queries_however_many_answered(
    django_app, lead, split_at_consensus, django_assert_num_queries, extra_respondents
):
    more_answers(split_at_consensus, extra_respondents)
    django_app.get("/", user=lead)  # signed in before counting
    # session, user, round with place, my role, the pinned versions (their items are read once
    # a process), submitted answers with respondents, consensus with recorder, the sectors of
    # the place's members
    with django_assert_num_queries(8):
        page = django_app.get(overview_url(split_at_consensus), user=lead)
    answers = [figures_of(card)["Answers"] for card in page.html.select("article")]
    assert answers == [str(3 + extra_respondents)] * 25


def test_it_answers_405_to_a_post_on_the_overview(client, lead, split_at_consensus):
    client.force_login(lead)
    assert client.post(overview_url(split_at_consensus)).status_code == 405


# One item


def test_it_shows_every_answer_without_names_unless_the_round_shows_names(
    client, lead, split_at_consensus, impact
):
    client.force_login(lead)
    html = client.get(item_url(split_at_consensus, impact)).text
    assert "Answers (without names)" in html
    assert "Now 4, target 4" in html
    assert "Grace Okafor" not in html and "Tom Hughes" not in html
    assert "Dan Reilly" not in html and "Respondent" not in html


def test_it_shows_every_answer_by_name_when_the_round_shows_names(
    client, lead, split_at_consensus, impact
):
    Assessment.objects.filter(pk=split_at_consensus.pk).update(show_names=True)
    client.force_login(lead)
    html = client.get(item_url(split_at_consensus, impact)).text
    assert "Answers by name" in html
    assert "<strong>Grace Okafor</strong>: now 4, target 4" in html
    assert "<strong>Priya Shah</strong>: now 1, target 2" in html
    assert "Evidence on impact." in html


def test_it_shows_the_median_range_and_how_many_chose_each_level(
    client, lead, split_at_consensus, impact, any_far_answer_splits
):
    client.force_login(lead)
    page = client.get(item_url(split_at_consensus, impact))
    html = page.text
    assert "Current: median 2, from 1 to 4." in html
    assert "Target: median 3, from 2 to 4." in html
    assert '<span class="badge split-flag">Split</span></h1>' in html
    rows = BeautifulSoup(html, "html.parser").select("table tbody tr")
    counts = {row.th.contents[0].strip(): row.td.text for row in rows if row.td}
    assert counts["1 Emerging"] == "1" and counts["3 Well developed"] == "0"
