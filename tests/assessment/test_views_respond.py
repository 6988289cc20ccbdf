"""A respondent scoring the round: drafts, progress, submitting and reopening, without JS."""

import re
from html import escape

import pytest

from assessment.models import Membership, Respondent, Response
from assessment.services import assessment_advance
from tests.assessment.forms_helper import page_form
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(open_round):
    base = f"/assessments/{open_round.pk}/"
    return {"detail": base, "respond": f"{base}respond/", "reopen": f"{base}respond/reopen/"}


@pytest.fixture
def me(client, respondent, open_round):
    client.force_login(respondent)
    return respondent_of(open_round, respondent)


def _form(client, urls):
    return page_form(client.get(urls["respond"]))


def _answer_all(form, open_round, *, skip=()):
    """Choose the second level offered on every item, as someone clicking down the page."""
    for key, item in items_by_key(open_round).items():
        if key not in skip:
            form.fill({f"i{item.pk}_current": form.options[f"i{item.pk}_current"][1]})
    return form


def _item_fieldset(html, item):
    start = html.index(f'id="item-{item.pk}"')
    ends = [html.find(marker, start + 1) for marker in ('id="item-', "</form>")]
    return html[start : min(end for end in ends if end > 0)]


def test_it_draws_a_fieldset_per_item_with_a_radio_per_level(client, me, urls, open_round):
    html = client.get(urls["respond"]).text
    items = items_by_key(open_round).values()
    assert len(items) == 25
    for item in items:
        fieldset = _item_fieldset(html, item)
        # The legend comes first in its fieldset, so the item's title names the whole group.
        legend = re.match(r'[^>]*>\s*<legend class="item-legend">(.*?)</legend>', fieldset).group(1)
        assert escape(item.title) in legend
        labels = re.findall(r'<label class="form-check-label"[^>]*>(.*?)</label>', fieldset, re.S)
        descriptors = {d.value: d.descriptor for d in item.descriptors.all()}
        assert labels == [
            f"<strong>{lv.value} {escape(lv.label)}</strong> — {escape(descriptors[lv.value])}"
            for lv in item.level_labels()  # Place names its own levels
        ]


def test_it_asks_for_current_and_target_level_evidence_and_confidence(client, me, urls, open_round):
    form = _form(client, urls)
    impact = items_by_key(open_round)["impact"]
    assert form.kinds[f"i{impact.pk}_current"] == "radio"
    assert form.options[f"i{impact.pk}_target"] == ["", "1", "2", "3", "4"]
    assert form.options[f"i{impact.pk}_confidence"] == ["", "low", "medium", "high"]
    assert form.kinds[f"i{impact.pk}_evidence"] == "textarea"
    # Plain buttons in a plain form: it works without JavaScript. The first (hidden) one is what
    # Enter in a field presses; then one per item, saving and coming back to that item.
    items = items_by_key(open_round).values()
    assert form.buttons == [
        ("action", "save"),
        *[("save_at", str(item.pk)) for item in items],
        ("action", "save"),
        ("action", "submit"),
    ]


def test_it_saves_a_draft_and_shows_the_progress(client, me, urls, open_round):
    impact = items_by_key(open_round)["impact"]
    form = _form(client, urls).fill(
        {
            f"i{impact.pk}_current": "2",
            f"i{impact.pk}_target": "3",
            f"i{impact.pk}_evidence": "Admissions fell 6%.",
            f"i{impact.pk}_confidence": "high",
        }
    )
    response = client.post(urls["respond"], form.data(button="save"), follow=True)
    assert response.redirect_chain == [(urls["respond"], 302)]
    assert "Draft saved: 1 of 25 answered." in response.text
    assert "<strong>1 of 25 answered.</strong>" in response.text
    saved = Response.objects.get(respondent=me, item=impact)
    assert (saved.current, saved.target, saved.evidence, saved.confidence) == (
        2,
        3,
        "Admissions fell 6%.",
        "high",
    )
    me.refresh_from_db()
    assert not me.is_submitted


def test_it_draws_the_saved_draft_back_into_the_form(client, me, urls, open_round):
    score(me, only=["impact"], current=3, target=4, submit=False)
    impact = items_by_key(open_round)["impact"]
    form = _form(client, urls)
    assert form.values[f"i{impact.pk}_current"] == ["3"]
    assert form.values[f"i{impact.pk}_target"] == ["4"]
    assert form.values[f"i{impact.pk}_evidence"] == ["Evidence on impact."]


def test_it_submits_a_complete_set_of_answers(client, me, urls, open_round):
    form = _answer_all(_form(client, urls), open_round)
    response = client.post(urls["respond"], form.data(button="submit"), follow=True)
    assert response.redirect_chain == [(urls["detail"], 302)]
    assert "Thank you: your answers are submitted." in response.text
    me.refresh_from_db()
    assert me.is_submitted
    assert Response.objects.filter(respondent=me, current__isnull=False).count() == 25


def test_it_explains_an_incomplete_submission_and_keeps_what_was_entered_on_the_page(
    client, me, urls, open_round
):
    form = _answer_all(_form(client, urls), open_round, skip=["leadership"])
    response = client.post(urls["respond"], form.data(button="submit"), follow=True)
    assert response.redirect_chain == [(urls["respond"], 302)]
    assert "1 still to do, starting with Leadership" in response.text
    redrawn = page_form(response)
    impact = items_by_key(open_round)["impact"]
    assert redrawn.values[f"i{impact.pk}_current"] == form.values[f"i{impact.pk}_current"]
    me.refresh_from_db()
    assert not me.is_submitted


def test_it_keeps_the_answers_of_an_incomplete_submission_as_a_draft(client, me, urls, open_round):
    # Pressing "Submit" one answer short must not throw away the other 24.
    form = _answer_all(_form(client, urls), open_round, skip=["leadership"])
    client.post(urls["respond"], form.data(button="submit"))
    assert Response.objects.filter(respondent=me, current__isnull=False).count() == 24
    assert "<strong>24 of 25 answered.</strong>" in client.get(urls["respond"]).text


def test_it_refuses_evidence_longer_than_5000_characters(client, me, urls, open_round):
    impact = items_by_key(open_round)["impact"]
    form = _form(client, urls).fill(
        {
            f"i{impact.pk}_current": "2",
            f"i{impact.pk}_evidence": "x" * 5001,
        }
    )
    response = client.post(urls["respond"], form.data(button="save"))
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 5001)." in response.text
    assert f'href="#id_i{impact.pk}_evidence"' in response.text
    assert not Response.objects.filter(respondent=me).exists()


def test_it_refuses_a_level_that_is_not_on_the_scale(client, me, urls, open_round):
    lesson = items_by_key(open_round)["lesson-01"]
    data = _form(client, urls).data(button="save")
    data[f"i{lesson.pk}_current"] = ["4"]  # the lessons' scale stops at 3
    response = client.post(urls["respond"], data)
    assert "Select a valid choice. 4 is not one of the available choices." in response.text
    assert not Response.objects.filter(respondent=me).exists()


def test_it_shows_submitted_answers_read_only_with_a_way_to_reopen_them(
    client, me, urls, open_round
):
    score(me)
    response = client.get(urls["respond"])
    assert "You submitted your answers on" in response.text
    form = page_form(response)
    assert form.buttons == []
    assert not any(form.values[name] for name in form.names if name.endswith("_current"))
    assert page_form(response, urls["reopen"]).method == "post"


def test_it_refuses_a_change_to_submitted_answers(client, me, urls, open_round):
    score(me, current=2)
    impact = items_by_key(open_round)["impact"]
    response = client.post(
        urls["respond"], {f"i{impact.pk}_current": "4", "action": "save"}, follow=True
    )
    assert "reopen them to make changes" in response.text
    assert Response.objects.get(respondent=me, item=impact).current == 2


def test_it_reopens_submitted_answers_for_their_author(client, me, urls, open_round):
    score(me, current=2)
    reopen = page_form(client.get(urls["detail"]), urls["reopen"])
    response = client.post(urls["reopen"], reopen.data(), follow=True)
    assert response.redirect_chain == [(urls["respond"], 302)]
    assert "Your answers are open again" in response.text
    me.refresh_from_db()
    assert not me.is_submitted
    impact = items_by_key(open_round)["impact"]
    form = page_form(response).fill({f"i{impact.pk}_current": "4"})
    client.post(urls["respond"], form.data(button="submit"))
    me.refresh_from_db()
    assert me.is_submitted
    assert Response.objects.get(respondent=me, item=impact).current == 4


def test_it_refuses_to_reopen_answers_once_scoring_has_ended(client, me, urls, open_round):
    score(me)
    assessment_advance(assessment=open_round)
    response = client.post(urls["reopen"], follow=True)
    assert response.redirect_chain == [(urls["detail"], 302)]
    assert "Scoring has ended for this round" in response.text
    me.refresh_from_db()
    assert me.is_submitted


def test_it_shows_the_answers_read_only_once_scoring_has_ended(client, me, urls, open_round):
    score(me, only=["impact"], submit=False)
    assessment_advance(assessment=open_round)
    response = client.get(urls["respond"])
    assert "Scoring has ended for this round; your answers are shown read-only." in response.text
    assert page_form(response).buttons == []


def test_it_changes_nothing_when_answers_arrive_after_scoring_has_ended(
    client, lead, urls, open_round
):
    # A page drawn while the round was open, saved after the lead moved it on.
    Respondent.objects.filter(assessment=open_round, user=lead).delete()
    client.force_login(lead)
    form = _answer_all(page_form(client.get(urls["respond"])), open_round)
    assessment_advance(assessment=open_round)
    response = client.post(urls["respond"], form.data(button="save"), follow=True)
    assert "Scoring has ended for this round; your answers were not saved." in response.text
    assert not Response.objects.filter(respondent__assessment=open_round).exists()
    assert not Respondent.objects.filter(assessment=open_round, user=lead).exists()


def test_it_lets_a_member_who_was_not_listed_join_by_saving(
    client, make_person, place, urls, open_round
):
    newcomer = make_person("asha.patel@riverside.example.org", "Asha", "Patel")
    Membership.objects.create(user=newcomer, place=place, role="respondent")
    client.force_login(newcomer)
    impact = items_by_key(open_round)["impact"]
    form = page_form(client.get(urls["respond"])).fill({f"i{impact.pk}_current": "1"})
    client.post(urls["respond"], form.data(button="save"))
    joined = respondent_of(open_round, newcomer)
    assert joined.name == "Asha Patel"
    assert joined.responses.get(item=impact).current == 1


def test_it_forbids_a_board_viewer_to_score(client, viewer, urls, open_round):
    client.force_login(viewer)
    assert client.get(urls["respond"]).status_code == 403
    assert client.post(urls["respond"], {"action": "save"}).status_code == 403
    assert client.post(urls["reopen"]).status_code == 403
    assert not Respondent.objects.filter(user=viewer).exists()


def test_it_answers_404_to_reopen_for_someone_with_no_answers(client, lead, urls, open_round):
    Respondent.objects.filter(assessment=open_round, user=lead).delete()
    client.force_login(lead)
    assert client.post(urls["reopen"]).status_code == 404


def test_it_reopens_only_by_post(client, me, urls, open_round):
    score(me)
    assert client.get(urls["reopen"]).status_code == 405
    me.refresh_from_db()
    assert me.is_submitted
