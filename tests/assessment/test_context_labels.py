"""A context factor names its levels for a place's circumstances, not for progress."""

import pytest
from django.urls import reverse

from assessment.services import assessment_advance
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db

PLACE_LABELS = ["1 Highly complex", "2 Complex", "3 Fairly simple", "4 Simple"]


def test_it_offers_place_its_own_level_names_on_the_scoring_form(django_app, lead, open_round):
    place = items_by_key(open_round)["place"]
    page = django_app.get(reverse("assessment-respond", args=[open_round.pk]), user=lead)
    fieldset = page.html.select_one(f"#item-{place.pk}")
    options = [label.strong.text for label in fieldset.select(".level-option label")]
    assert options == PLACE_LABELS
    assert fieldset.select(f"#id_i{place.pk}_target") == []  # a context factor takes no target


def test_it_offers_place_its_own_level_names_at_consensus(django_app, lead, open_round):
    score(respondent_of(open_round, lead))
    assessment_advance(assessment=open_round)
    place = items_by_key(open_round)["place"]
    url = reverse("assessment-consensus-item", args=[open_round.pk, place.pk])
    page = django_app.get(url, user=lead)
    agreed = [o.text for o in page.html.select("#id_current option") if o["value"]]
    assert agreed == PLACE_LABELS
    assert "Extensive development" not in page.html.select_one("form").text
