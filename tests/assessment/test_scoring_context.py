"""A context factor (Place) describes circumstances, not achievement: it takes no target."""

import pytest
from django.urls import reverse

from assessment.models import Response
from assessment.services import Answer, responses_save
from tests.assessment.scoring import items_by_key, respondent_of, scoring_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(open_round):
    return reverse("assessment-respond", args=[open_round.pk])


@pytest.fixture
def place_item(open_round):
    return items_by_key(open_round)["place"]


def test_it_asks_no_target_for_place_on_the_long_form(
    django_app, respondent, open_round, url, place_item
):
    page = django_app.get(url, user=respondent)
    fieldset = page.html.select_one(f"#item-{place_item.pk}")
    assert fieldset.select(f"[name=i{place_item.pk}_target]") == []
    assert "it has no 12-month target" in fieldset.text
    impact = items_by_key(open_round)["impact"]
    assert page.html.select(f"[name=i{impact.pk}_target]")  # a factor of achievement has one


def test_it_asks_no_target_for_place_on_its_step(django_app, respondent, url, place_item):
    page = django_app.get(f"{url}?item=2", user=respondent)
    assert page.html.select_one(f"#item-{place_item.pk}")  # the step shows Place
    assert page.html.select("select[name$=_target]") == []


def test_it_refuses_a_target_posted_for_place_and_saves_nothing(
    django_app, respondent, url, place_item
):
    form = scoring_form(django_app.get(f"{url}?item=2", user=respondent))
    form[f"i{place_item.pk}_current"] = "2"
    fields = [*form.submit_fields("step", submit_value="next"), (f"i{place_item.pk}_target", "3")]
    refused = django_app.post(f"{url}?item=2", params=fields, user=respondent)
    assert refused.status_code == 200
    assert "Place is a context factor" in refused.html.select_one("#error-summary").text
    assert not Response.objects.filter(item=place_item).exists()


def test_it_stores_no_target_for_a_context_factor(open_round, respondent, place_item):
    me = respondent_of(open_round, respondent)
    responses_save(respondent=me, answers={place_item: Answer(current=2, target=4)})
    assert Response.objects.get(respondent=me, item=place_item).target is None
