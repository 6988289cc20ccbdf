"""Consensus: the lead reads what the team said per item and records the agreed position."""

import pytest
from django.utils import timezone

from assessment.models import Assessment, Consensus, Respondent, Response
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
def impact(scored_round):
    return items_by_key(scored_round)["impact"]


def _overview(assessment):
    return f"/assessments/{assessment.pk}/consensus/"


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


def _row(html, item):
    start = html.index(f'<tr id="item-{item.pk}">')
    return html[start : html.index("</tr>", start)]


# The overview


def test_it_summarises_each_item_s_submitted_answers(client, lead, scored_round, impact):
    client.force_login(lead)
    response = client.get(_overview(scored_round))
    assert response.status_code == 200
    row = _row(response.text, impact)
    assert "<td>3</td>" in row  # answers: Dan's draft is not one of them
    assert "<td>2 (1–4)</td>" in row  # current: median (min–max)
    assert "<td>3 (2–4)</td>" in row  # target
    assert "0 of 25 recorded." in response.text


def test_it_flags_only_the_items_where_answers_are_two_levels_apart(
    client, lead, scored_round, impact
):
    client.force_login(lead)
    html = client.get(_overview(scored_round)).text
    assert 'class="badge split-flag">Split</span>' in _row(html, impact)
    place = items_by_key(scored_round)["place"]
    assert "split-flag" not in _row(html, place)
    assert "two or more levels apart" in html


def test_it_shows_the_agreed_positions_once_recorded(client, lead, scored_round, impact):
    consensus_record(
        assessment=scored_round, item=impact, current=2, target=4, rationale="Agreed.",
        user=lead, revision=0,
    )  # fmt: skip
    client.force_login(lead)
    html = client.get(_overview(scored_round)).text
    assert "<td>2</td>\n      <td>4</td>" in _row(html, impact)
    assert "1 of 25 recorded." in html


def test_it_tells_the_lead_while_scoring_is_still_open(client, lead, open_round):
    client.force_login(lead)
    response = client.get(_overview(open_round))
    assert "Scoring is still open" in response.text


@pytest.mark.parametrize("extra_respondents", [0, 10])
def test_it_draws_the_overview_in_the_same_queries_however_many_answered(
    client, lead, scored_round, django_assert_num_queries, extra_respondents
):
    _more_answers(scored_round, extra_respondents)
    client.force_login(lead)
    # session, user, round with place, my role, items (with framework) and their descriptors,
    # scales and related items, submitted answers with respondents, consensus with recorder
    with django_assert_num_queries(10):
        response = client.get(_overview(scored_round))
    assert response.text.count(f"<td>{3 + extra_respondents}</td>") == 25


# One item


def test_it_shows_every_answer_without_names_unless_the_round_shows_names(
    client, lead, scored_round, impact
):
    client.force_login(lead)
    html = client.get(_item(scored_round, impact)).text
    assert "Answers (without names)" in html
    assert "<strong>Respondent 1</strong>: now 4, target 4" in html
    assert "Grace Okafor" not in html and "Tom Hughes" not in html
    assert "Dan Reilly" not in html and "Respondent 4" not in html


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
    html = client.get(_item(scored_round, impact)).text
    assert "Current: median 2, from 1 to 4." in html
    assert "Target: median 3, from 2 to 4." in html
    assert '<span class="badge split-flag">Split</span></h1>' in html
    assert "1 Emerging</th><td>1</td>" in html and "3 Well developed</th><td>0</td>" in html


def test_it_proposes_the_median_until_a_position_is_recorded(client, lead, scored_round, impact):
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact)))
    assert (form.values["current"], form.values["target"]) == (["2"], ["3"])
    assert form.values["revision"] == ["0"]


def test_it_records_the_agreed_position_from_the_form(client, lead, scored_round, impact):
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact))).fill(
        current="2", target="4", rationale="The pilot has not yet scaled."
    )
    response = client.post(_item(scored_round, impact), form.data(), follow=True)
    assert response.redirect_chain == [(f"{_overview(scored_round)}#item-{impact.pk}", 302)]
    assert "Consensus on Impact saved." in response.text
    record = Consensus.objects.get(assessment=scored_round, item=impact)
    assert (record.current, record.target, record.rationale, record.recorded_by) == (
        2, 4, "The pilot has not yet scaled.", lead,
    )  # fmt: skip


def test_it_revises_a_recorded_position_from_the_form(client, lead, scored_round, impact):
    consensus_record(
        assessment=scored_round, item=impact, current=2, target=3, rationale="First pass.",
        user=lead, revision=0,
    )  # fmt: skip
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact)))
    assert form.values["rationale"] == ["First pass."]
    client.post(_item(scored_round, impact), form.fill(current="3").data())
    record = Consensus.objects.get(assessment=scored_round, item=impact)
    assert (record.current, record.revision) == (3, 2)


def test_it_refuses_a_position_without_a_rationale(client, lead, scored_round, impact):
    client.force_login(lead)
    form = page_form(client.get(_item(scored_round, impact))).fill(rationale="")
    response = client.post(_item(scored_round, impact), form.data())
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Consensus.objects.exists()


def test_it_shows_a_conflict_with_the_other_person_s_values_and_overwrites_nothing(
    client, lead, staff, scored_round, impact
):
    client.force_login(staff)
    mine = page_form(client.get(_item(scored_round, impact))).fill(
        current="4", target="4", rationale="Alex: we are further on."
    )
    consensus_record(
        assessment=scored_round, item=impact, current=1, target=2, rationale="Priya: early days.",
        user=lead, revision=0,
    )  # fmt: skip
    response = client.post(_item(scored_round, impact), mine.data())
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
    client.force_login(staff)
    mine = page_form(client.get(_item(scored_round, impact))).fill(
        current="4", target="4", rationale="Alex: we are further on."
    )
    consensus_record(
        assessment=scored_round, item=impact, current=1, target=2, rationale="Priya: early days.",
        user=lead, revision=0,
    )  # fmt: skip
    clash = client.post(_item(scored_round, impact), mine.data())
    again = client.post(_item(scored_round, impact), page_form(clash).data())
    assert again.status_code == 302
    record = Consensus.objects.get(assessment=scored_round, item=impact)
    assert (record.current, record.rationale, record.recorded_by) == (
        4, "Alex: we are further on.", staff,
    )  # fmt: skip


def test_it_records_nothing_while_scoring_is_open(client, lead, open_round):
    impact = items_by_key(open_round)["impact"]
    client.force_login(lead)
    page = client.get(_item(open_round, impact))
    assert "Scoring is still open; consensus is recorded once the round moves on." in page.text
    response = client.post(
        _item(open_round, impact), {"current": "2", "target": "3", "rationale": "Early.",
                                    "revision": "0"},
    )  # fmt: skip
    assert "Consensus can be recorded only while the round is at consensus." in response.text
    assert not Consensus.objects.exists()


def test_it_shows_a_closed_round_s_position_read_only(client, lead, scored_round, impact):
    consensus_record(
        assessment=scored_round, item=impact, current=2, target=3, rationale="Agreed.",
        user=lead, revision=0,
    )  # fmt: skip
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


@pytest.mark.parametrize("who", ["respondent", "viewer"])
def test_it_forbids_anyone_but_the_lead(client, request, scored_round, impact, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_overview(scored_round)).status_code == 403
    assert client.get(_item(scored_round, impact)).status_code == 403
    response = client.post(
        _item(scored_round, impact), {"current": "2", "target": "3", "rationale": "Mine.",
                                      "revision": "0"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Consensus.objects.exists()


@pytest.mark.parametrize("extra_respondents", [0, 10])
def test_it_draws_an_item_in_the_same_queries_however_many_answered(
    client, lead, scored_round, impact, django_assert_num_queries, extra_respondents
):
    _more_answers(scored_round, extra_respondents)
    client.force_login(lead)
    # session, user, round with place, my role, items (with framework) and their descriptors,
    # scales and related items, submitted answers with respondents, consensus with recorder
    with django_assert_num_queries(10):
        response = client.get(_item(scored_round, impact))
    assert response.text.count('<li class="border-bottom py-2">') == 3 + extra_respondents
