"""Leads who add the same person, or open the same round, at the same moment: one of them does
it, and every other is told plainly that it is done — never an error page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from assessment.models import Assessment, Membership
from assessment.services import assessment_advance, assessment_open
from tests.assessment.forms_helper import page_form
from tests.concurrency.conftest import race, slowed

pytestmark = pytest.mark.django_db(transaction=True)

NEWCOMER = "noor.ali@riverside.example.org"


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _poster(user, url: str, body: dict):
    """A post, ready to race, from its own signed-in browser."""
    client = _signed_in(user)
    return lambda: client.post(url, body)


def _said(response) -> str:
    return " ".join(response.content.decode().split())


def test_it_adds_a_new_person_once_when_ten_leads_add_them_at_once(lead, place):
    url = reverse("assessment-member-add", args=[place.code])
    data = page_form(_signed_in(lead).get(reverse("assessment-place", args=[place.code])), url)
    data.fill(email=NEWCOMER, name="Noor Ali")
    outcomes = race(*[_poster(lead, url, data.data()) for _ in range(10)])
    assert [o.error for o in outcomes] == [None] * 10
    codes = sorted(o.value.status_code for o in outcomes)
    assert codes == [302] + [400] * 9, codes
    refused = [_said(o.value) for o in outcomes if o.value.status_code == 400]
    assert all(f"{NEWCOMER} is already a member of Riverside Borough" in page for page in refused)
    assert Membership.objects.filter(user__email=NEWCOMER).count() == 1


def test_it_adds_one_new_person_to_two_places_at_once(
    monkeypatch, lead, outsider, place, other_place
):
    # Each account is made, then its membership a moment later: the two overlap.
    slowed(Membership.objects, "create", 0.5, monkeypatch)
    posts = []
    for who, where in [(lead, place), (outsider, other_place)]:
        url = reverse("assessment-member-add", args=[where.code])
        data = page_form(_signed_in(who).get(reverse("assessment-place", args=[where.code])), url)
        data.fill(email=NEWCOMER, name="Noor Ali")
        posts.append(_poster(who, url, data.data()))
    outcomes = race(*posts)
    assert [o.error for o in outcomes] == [None, None]
    assert [o.value.status_code for o in outcomes] == [302, 302]
    assert get_user_model().objects.filter(email=NEWCOMER).count() == 1
    assert Membership.objects.filter(user__email=NEWCOMER).count() == 2


def test_it_opens_a_period_once_when_ten_leads_open_it_at_once(lead, place, versions):
    url = reverse("assessment-open", args=[place.code])
    form = page_form(_signed_in(lead).get(url))
    form.fill(period="2027 Q1")
    outcomes = race(*[_poster(lead, url, form.data()) for _ in range(10)])
    assert [o.error for o in outcomes] == [None] * 10
    codes = sorted(o.value.status_code for o in outcomes)
    assert codes == [200] * 9 + [302], codes
    refused = [_said(o.value) for o in outcomes if o.value.status_code == 200]
    assert all(
        "Riverside Borough already has a round called &#x27;2027 Q1&#x27;" in page
        for page in refused
    )
    assert Assessment.objects.filter(period="2027 Q1").count() == 1


def test_it_starts_one_next_round_per_period_from_two_closed_rounds_at_once(lead, place, versions):
    closed = []
    for period in ["2025 Q4", "2026 Q1"]:
        round_ = assessment_open(place=place, period=period, versions=versions, participants=[])
        assessment_advance(assessment=round_)
        assessment_advance(assessment=round_)
        closed.append(round_)
    posts = []
    for round_ in closed:
        url = reverse("assessment-next", args=[round_.pk])
        form = page_form(_signed_in(lead).get(url))
        form.fill(period="2026 Q2")
        posts.append(_poster(lead, url, form.data()))
    outcomes = race(*posts)
    assert [o.error for o in outcomes] == [None, None]
    assert sorted(o.value.status_code for o in outcomes) == [200, 302]
    [refused] = [_said(o.value) for o in outcomes if o.value.status_code == 200]
    assert "Riverside Borough already has a round called &#x27;2026 Q2&#x27;" in refused
    assert Assessment.objects.filter(period="2026 Q2").count() == 1
