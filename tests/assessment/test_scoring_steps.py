"""Scoring one item at a time, as on a phone: ?item=<n> shows one item, "Save and next" saves it
and moves on, the last step leads to a review with the submit button."""

import pytest
from django.urls import reverse

from assessment.models import Response
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(open_round):
    return reverse("assessment-respond", args=[open_round.pk])


@pytest.fixture
def items(open_round):
    return list(items_by_key(open_round).values())


def _step_form(page):
    # The page also holds the sign-out form.
    return next(form for form in page.forms.values() if "/respond/" in (form.action or ""))


def test_it_shows_one_item_with_its_position(django_app, respondent, url, items):
    page = django_app.get(f"{url}?item=3", user=respondent)
    assert len(page.html.select("fieldset[id^=item-]")) == 1
    assert page.html.select_one("h1").text.strip() == f"{items[2].number}. {items[2].title}"
    assert page.html.select_one("#progress strong").text == "3 of 25"


def test_it_gives_each_level_a_one_line_summary_and_the_full_descriptor_on_demand(
    django_app, respondent, url, items
):
    impact = items[0]
    page = django_app.get(f"{url}?item=1", user=respondent)
    options = page.html.select(".level-option")
    descriptors = [d.descriptor for d in impact.descriptors.all()]
    assert len(options) == len(descriptors) == 4
    for option, descriptor in zip(options, descriptors, strict=True):
        gist = option.select_one(".level-gist").text
        assert len(gist) <= 86 and descriptor.startswith(gist.rstrip("…"))
        more = option.select_one("details")
        if gist != descriptor:
            assert more.select_one("p").text == descriptor


def test_it_saves_a_step_and_goes_on_to_the_next(django_app, respondent, open_round, url, items):
    form = _step_form(django_app.get(f"{url}?item=3", user=respondent))
    form[f"i{items[2].pk}_current"] = "2"
    form[f"i{items[2].pk}_target"] = "3"
    form[f"i{items[2].pk}_evidence"] = "A shared register."
    saved = form.submit("step", value="next", user=respondent)
    assert saved.location == f"{url}?item=4"
    assert "Draft saved: 1 of 25 answered." in saved.follow()
    answer = Response.objects.get(respondent__user=respondent, item=items[2])
    assert (answer.current, answer.target, answer.evidence) == (2, 3, "A shared register.")


def test_it_saves_a_step_and_goes_back(django_app, respondent, url, items):
    form = _step_form(django_app.get(f"{url}?item=3", user=respondent))
    form[f"i{items[2].pk}_current"] = "1"
    assert form.submit("step", value="previous", user=respondent).location == f"{url}?item=2"
    assert Response.objects.get(respondent__user=respondent, item=items[2]).current == 1


def test_it_keeps_other_items_answers_when_a_step_is_saved(
    django_app, respondent, open_round, url, items
):
    score(respondent_of(open_round, respondent), only=[items[0].key], current=3, submit=False)
    form = _step_form(django_app.get(f"{url}?item=2", user=respondent))
    form[f"i{items[1].pk}_current"] = "2"
    form.submit("step", value="next", user=respondent)
    assert Response.objects.get(respondent__user=respondent, item=items[0]).current == 3


def test_it_leads_from_the_last_step_to_a_review_that_submits(
    django_app, respondent, open_round, url, items
):
    keys = [item.key for item in items[:-1]]
    score(respondent_of(open_round, respondent), only=keys, submit=False)
    form = _step_form(django_app.get(f"{url}?item=25", user=respondent))
    form[f"i{items[-1].pk}_current"] = "1"
    saved = form.submit("step", value="next", user=respondent)
    assert saved.location == f"{url}?review=1"
    review = saved.follow()
    assert "25 of 25 answered." in review.html.select_one("#progress").text
    done = _step_form(review).submit("action", value="submit", user=respondent)
    assert done.location == reverse("assessment-detail", args=[open_round.pk])
    assert respondent_of(open_round, respondent).is_submitted


def test_it_refuses_an_incomplete_submission_from_the_review(
    django_app, respondent, open_round, url
):
    review = django_app.get(f"{url}?review=1", user=respondent)
    refused = _step_form(review).submit("action", value="submit", user=respondent)
    assert refused.location == f"{url}?review=1"
    assert "25 still to do, starting with Impact." in refused.follow()
    assert not respondent_of(open_round, respondent).is_submitted


def test_it_goes_to_the_first_unanswered_item(django_app, respondent, open_round, url, items):
    score(respondent_of(open_round, respondent), only=[items[0].key], submit=False)
    assert django_app.get(f"{url}?item=next", user=respondent).location == f"{url}?item=2"
    score(respondent_of(open_round, respondent), submit=False)
    assert django_app.get(f"{url}?item=next", user=respondent).location == f"{url}?review=1"


@pytest.mark.parametrize("step", ["0", "26", "-1", "abc", "1.5", "", "9" * 4301])
def test_it_answers_404_for_a_step_the_round_does_not_have(django_app, respondent, url, step):
    django_app.get(f"{url}?item={step}", user=respondent, status=404)


def test_it_lists_every_item_with_its_state_and_marks_the_one_shown(
    django_app, respondent, open_round, url, items
):
    score(respondent_of(open_round, respondent), only=[items[4].key], submit=False)
    page = django_app.get(f"{url}?item=3", user=respondent)
    nav = page.html.select_one("nav#items")
    links = nav.select("ol a")
    assert [a["href"] for a in links] == [f"?item={n}" for n in range(1, 26)]
    assert [a["href"] for a in links if "(answered)" in a.text] == ["?item=5"]
    assert [a["href"] for a in nav.select("a[aria-current=step]")] == ["?item=3"]


def test_it_keeps_the_stale_tab_conflict_on_a_step(django_app, respondent, url, items):
    impact = items[0]
    stale = _step_form(django_app.get(f"{url}?item=1", user=respondent))
    fresh = _step_form(django_app.get(f"{url}?item=1", user=respondent))
    fresh[f"i{impact.pk}_current"] = "3"
    fresh.submit("step", value="next", user=respondent)
    stale[f"i{impact.pk}_current"] = "1"
    clash = stale.submit("step", value="next", user=respondent, status=409)
    assert "saved current 3" in clash.html.select_one("#conflict").text
    assert Response.objects.get(respondent__user=respondent, item=impact).current == 3


def test_it_shows_submitted_answers_read_only_with_links_between_steps(
    django_app, respondent, open_round, url
):
    score(respondent_of(open_round, respondent))
    page = django_app.get(f"{url}?item=2", user=respondent)
    assert page.html.select("button[name=step]") == []
    assert page.html.select_one("fieldset[id^=item-]").has_attr("disabled")
    assert page.html.select_one("a[href='?item=3']").text == "Next item"
