"""Consensus pages for the team and for a round without names: who may read and record, sectors
pooled, answers listed by what they say, the warning below three, minority views, the
projector layout."""

import pytest

from assessment.models import Assessment, Consensus, Response, Sector
from assessment.services import assessment_advance, consensus_record
from tests.assessment.consensus_pages import (
    card_of,
    item_url,
    more_answers,
    overview_url,
    sectors_of,
    set_sector,
)
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_lets_the_team_read_the_consensus_pages_but_record_nothing(
    django_app, client, request, lead, split_at_consensus, impact, who
):
    consensus_record(
        assessment=split_at_consensus,
        item=impact,
        current=2,
        target=3,
        rationale="The pilot has not scaled.",
        minority_view="Some of us see level 1: the pilot is one ward.",
        user=lead,
        revision=0,
    )
    reader = request.getfixturevalue(who)
    overview = django_app.get(overview_url(split_at_consensus), user=reader)
    links = [a.get_text(" ", strip=True) for a in overview.html.select(".record-link")]
    assert not [text for text in links if text.startswith(("Record", "Review"))]
    assert "The pilot has not scaled." in card_of(overview, impact).text
    page = django_app.get(item_url(split_at_consensus, impact), user=reader)
    assert "consensus-form" not in page.forms
    assert page.html.select_one(".agreed").text == "Agreed current 2, target 3."
    assert "the pilot is one ward" in page.html.select_one(".minority-view").text
    client.force_login(reader)
    body = {"current": "4", "target": "4", "rationale": "Mine.", "revision": "1", "then": "next"}
    assert client.post(item_url(split_at_consensus, impact), body).status_code == 403
    assert Consensus.objects.get(item=impact).current == 2


def test_it_answers_404_to_an_outsider(client, outsider, split_at_consensus, impact):
    client.force_login(outsider)
    assert client.get(overview_url(split_at_consensus, "?split=1")).status_code == 404
    assert client.get(item_url(split_at_consensus, impact)).status_code == 404


@pytest.mark.parametrize("extra_respondents", [0, 10])
def test_it_draws_an_item_in_the_same_queries_however_many_answered(
    client, lead, split_at_consensus, impact, django_assert_num_queries, extra_respondents
):
    more_answers(split_at_consensus, extra_respondents)
    client.force_login(lead)
    # session, user, round with place, my role, the pinned versions (their items are read once
    # a process), submitted answers with respondents, consensus with recorder, the sectors of
    # the place's members
    with django_assert_num_queries(8):
        response = client.get(item_url(split_at_consensus, impact))
    assert response.text.count('<li class="border-bottom py-2">') == 3 + extra_respondents


# Without names, inside the team


def test_it_pools_sectors_of_fewer_than_three_answers_in_a_round_without_names(
    django_app, lead, respondent, place, split_at_consensus, impact
):
    # One answer each from the council, an NHS trust and a sheet: any sector shown would be
    # one person's answer.
    set_sector(lead, place, Sector.LOCAL_AUTHORITY)
    set_sector(respondent, place, Sector.NHS_PROVIDER)
    page = django_app.get(overview_url(split_at_consensus), user=lead)
    card = card_of(page, impact)
    assert sectors_of(card) == [["All sectors (pooled)", "3", "2", "1–4"]]
    assert [dot.text for dot in card.select("li .dot")] == ["+", "+", "+"]
    assert "Local authority" not in card.text and "NHS provider" not in card.text


def test_it_lists_answers_without_names_by_what_they_say_not_by_person(
    django_app, lead, split_at_consensus, impact
):
    # By name the list would start with Grace (4) on every item, whatever she said.
    page = django_app.get(item_url(split_at_consensus, impact), user=lead)
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
    for url in (overview_url(round_of_two), item_url(round_of_two, impact)):
        warning = django_app.get(url, user=lead).html.select_one(".few-respondents")
        assert warning.get_text(" ", strip=True).startswith(
            "Answers can be told apart. Two people answered: with fewer than three,"
        )


def test_it_does_not_warn_with_three_answers_or_with_names(django_app, lead, split_at_consensus):
    assert not django_app.get(overview_url(split_at_consensus), user=lead).html.select(
        ".few-respondents"
    )
    Assessment.objects.filter(pk=split_at_consensus.pk).update(show_names=True)
    Response.objects.filter(respondent__name="Grace Okafor").delete()
    assert not django_app.get(overview_url(split_at_consensus), user=lead).html.select(
        ".few-respondents"
    )


# The agreed position's reasons, and context factors


def test_it_records_a_minority_view_and_shows_it_with_the_rationale(
    django_app, lead, split_at_consensus, impact
):
    page = django_app.get(item_url(split_at_consensus, impact), user=lead)
    minority = page.html.select_one('label[for="id_minority_view"]')
    assert minority.get_text(strip=True) == "Minority view (optional)"
    assert "Who held it is not recorded." in page.html.select_one("#id_minority_view_helptext").text
    form = page.forms["consensus-form"]
    form["current"], form["target"], form["rationale"] = "2", "3", "One pilot, not yet scaled."
    form["minority_view"] = "  Some would say 1: the pilot covers one ward.  "
    overview = form.submit("then", value="overview").follow()
    record = Consensus.objects.get(item=impact)
    assert record.minority_view == "Some would say 1: the pilot covers one ward."
    card = card_of(overview, impact)
    assert card.select_one(".rationale").get_text(" ", strip=True) == (
        "Why: One pilot, not yet scaled."
    )
    assert card.select_one(".minority-view").get_text(" ", strip=True) == (
        "Minority view: Some would say 1: the pilot covers one ward."
    )


def test_it_asks_no_target_for_a_context_factor(django_app, lead, split_at_consensus):
    place = items_by_key(split_at_consensus)["place"]
    form = django_app.get(item_url(split_at_consensus, place), user=lead).forms["consensus-form"]
    assert "target" not in form.fields
    form["current"], form["rationale"] = "2", "Two footprints, one council."
    overview = form.submit("then", value="overview").follow()
    assert Consensus.objects.get(item=place).target is None
    assert card_of(overview, place).select_one(".agreed").get_text(" ", strip=True) == (
        "Agreed now 2"
    )


# The projector layout


def test_it_keeps_the_projector_layout_from_the_overview_through_save_and_next(
    django_app, lead, split_at_consensus, impact, workshop_order
):
    projected = django_app.get(overview_url(split_at_consensus, "?projector=1"), user=lead)
    page = projected.click(href=f"/consensus/{impact.pk}/")
    assert page.request.query_string == "projector=1"
    assert page.html.select('link[href$="css/projector.css"]')
    assert page.html.select_one(".facilitator.projector")
    form = page.forms["consensus-form"]
    form["current"], form["target"], form["rationale"] = "2", "3", "Talked through."
    saved = form.submit("then", value="next")
    second = workshop_order[1]
    assert saved.location == f"{item_url(split_at_consensus, second)}?projector=1#item-heading"
    following = saved.follow().forms["consensus-form"]
    following["current"], following["rationale"] = "2", "Agreed."  # Place: no target
    back = following.submit("then", value="overview")
    assert back.location == f"{overview_url(split_at_consensus)}?projector=1#item-{second.pk}"


def test_it_keeps_an_item_at_normal_size_outside_the_projector_layout(
    django_app, lead, split_at_consensus, impact
):
    page = django_app.get(item_url(split_at_consensus, impact), user=lead)
    assert not page.html.select('link[href$="css/projector.css"]')
    assert page.click(description="Projector layout").request.query_string == "projector=1"
