"""The scoring form under load: a draft save writes only what changed, in a fixed number of
queries however many items it carries, and the hand-drawn fields keep what a widget would say."""

import pytest
from django.urls import reverse
from simple_history.manager import HistoryManager

from assessment import services
from assessment.models import Response
from tests.assessment.scoring import items_by_key, respondent_of, score, scoring_form

pytestmark = pytest.mark.django_db


class Killed(Exception):
    """Stands for a worker killed in the middle of a save."""


def _draft(open_round, current: int, evidence: str) -> dict:
    return {
        item: services.Answer(current, 3, evidence, "medium")
        for item in items_by_key(open_round).values()
    }


def _url(round_):
    return reverse("assessment-respond", args=[round_.pk])


def test_it_saves_a_first_draft_of_25_answers_in_fixed_queries(
    open_round, respondent, django_assert_num_queries
):
    me = respondent_of(open_round, respondent)
    answers = _draft(open_round, 2, "First look.")
    # savepoint; the round, locked; the respondent's state; their answers; the 25 answers in one
    # insert, and their 25 history rows in another; the revision; release.
    with django_assert_num_queries(8):
        services.responses_save(respondent=me, answers=answers)
    assert Response.objects.filter(respondent=me, current=2).count() == 25
    assert Response.history.filter(respondent=me, history_type="+").count() == 25


def test_it_saves_25_changed_answers_in_fixed_queries(
    open_round, respondent, django_assert_num_queries
):
    me = respondent_of(open_round, respondent)
    services.responses_save(respondent=me, answers=_draft(open_round, 2, "First look."))
    answers = _draft(open_round, 1, "Second look.")
    # The same, with one update for the 25 answers in place of the insert.
    with django_assert_num_queries(8):
        services.responses_save(respondent=me, answers=answers)
    assert Response.objects.filter(respondent=me, current=1, evidence="Second look.").count() == 25
    assert Response.history.filter(respondent=me, history_type="~").count() == 25


def test_it_writes_nothing_for_a_draft_saved_again_unchanged(
    open_round, respondent, django_assert_num_queries
):
    me = respondent_of(open_round, respondent)
    answers = _draft(open_round, 2, "First look.")
    services.responses_save(respondent=me, answers=answers)
    revision = respondent_of(open_round, respondent).revision
    # savepoint; the round, locked; the respondent's state; their answers; release.
    with django_assert_num_queries(5):
        changed = services.responses_save(respondent=me, answers=answers)
    assert changed == 0
    assert Response.history.filter(respondent=me).count() == 25
    assert respondent_of(open_round, respondent).revision == revision


def test_it_keeps_one_history_row_per_changed_answer_with_when_it_changed(open_round, respondent):
    me = respondent_of(open_round, respondent)
    score(me, current=2, submit=False)
    before = {r.item.key: r.updated_at for r in Response.objects.filter(respondent=me)}
    score(
        me, only=["impact", "lesson-01", "place"], current=1, levels={"place": (2, 3)}, submit=False
    )
    changed = Response.history.filter(respondent=me, history_type="~")
    assert sorted(h.item.key for h in changed) == ["impact", "lesson-01"]
    after = {r.item.key: r.updated_at for r in Response.objects.filter(respondent=me)}
    assert after["impact"] > before["impact"]
    assert after["place"] == before["place"], "an answer saved again unchanged keeps its date"


def test_it_saves_none_of_a_draft_when_the_save_dies_half_way(monkeypatch, open_round, respondent):
    # The answers are written, then their history fails: neither may be left behind.
    me = respondent_of(open_round, respondent)

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(HistoryManager, "bulk_history_create", killed)
    with pytest.raises(Killed):
        services.responses_save(respondent=me, answers=_draft(open_round, 2, "Evidence."))
    assert not Response.objects.filter(respondent=me).exists()


def test_it_saves_the_page_of_25_answers_in_fixed_queries(
    django_app, respondent, open_round, django_assert_num_queries
):
    form = scoring_form(django_app.get(_url(open_round), user=respondent))
    for item in items_by_key(open_round).values():
        form[f"i{item.pk}_current"] = "2"
        form[f"i{item.pk}_evidence"] = "Seen in the minutes."
    # session, user; round with place, membership; the pinned versions (their items are read
    # once a process); respondent, answers; the save's eight (see above); how many are now
    # answered.
    with django_assert_num_queries(16):
        saved = form.submit("action", value="save", user=respondent)
    assert "Draft saved: 25 of 25 answered." in saved.follow()
    history = Response.history.filter(respondent__user=respondent)
    assert [h.history_user for h in history] == [respondent] * 25, "who saved, as on one save"


def test_it_redraws_a_refused_page_with_its_choices_and_the_field_at_fault(
    django_app, respondent, open_round
):
    impact = items_by_key(open_round)["impact"]
    form = scoring_form(django_app.get(_url(open_round), user=respondent))
    form[f"i{impact.pk}_current"] = "3"
    form[f"i{impact.pk}_target"] = "2"
    form[f"i{impact.pk}_confidence"] = "high"
    form[f"i{impact.pk}_evidence"] = "x" * 5001
    refused = form.submit("action", value="save", user=respondent)
    redrawn = scoring_form(refused)
    assert [
        redrawn[f"i{impact.pk}_{name}"].value for name in ("current", "target", "confidence")
    ] == [
        "3",
        "2",
        "high",
    ]
    evidence = refused.html.select_one(f"#id_i{impact.pk}_evidence")
    assert evidence["aria-invalid"] == "true"
    assert evidence["maxlength"] == "5000"
    assert refused.html.select_one(f"#id_i{impact.pk}_target").get("aria-invalid") is None
