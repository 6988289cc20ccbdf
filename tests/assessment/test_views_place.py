"""A place's page: its rounds and people, and the lead adding someone by e-mail."""

import re

import pytest
from django.core import mail

from assessment.models import Membership, Role
from assessment.services import assessment_open
from tests.assessment.forms_helper import page_form

pytestmark = pytest.mark.django_db

PLACE_URL = "/places/riverside/"
ADD_URL = "/places/riverside/members/"


def _add_form(client):
    return page_form(client.get(PLACE_URL), ADD_URL)


def test_it_shows_the_place_s_rounds_and_people(client, respondent, lead, open_round):
    client.force_login(respondent)
    response = client.get(PLACE_URL)
    assert response.status_code == 200
    assert "<h1>Riverside Borough</h1>" in response.text
    assert f'<a href="/assessments/{open_round.pk}/">2026 Q4</a>' in response.text
    assert "Priya Shah" in response.text and "Lead (facilitator)" in response.text


def test_it_offers_the_lead_a_new_round_and_a_form_to_add_people(client, lead, place):
    client.force_login(lead)
    response = client.get(PLACE_URL)
    assert 'href="/places/riverside/rounds/new/"' in response.text
    assert _add_form(client).names >= {"email", "name", "role"}


def test_it_offers_a_respondent_neither(client, respondent, place):
    client.force_login(respondent)
    response = client.get(PLACE_URL)
    assert "/rounds/new/" not in response.text
    assert f'action="{ADD_URL}"' not in response.text


def test_it_answers_404_for_a_place_that_does_not_exist(client, lead):
    client.force_login(lead)
    assert client.get("/places/nowhere/").status_code == 404


def test_it_adds_a_new_person_who_is_emailed_a_link(client, lead, place):
    client.force_login(lead)
    form = _add_form(client).fill(
        email="Grace.Okafor@riverside.example.org", name="Grace Okafor", role=Role.VIEWER
    )
    response = client.post(ADD_URL, form.data(), follow=True)
    assert response.redirect_chain == [(PLACE_URL, 302)]
    assert "grace.okafor@riverside.example.org added" in response.text
    membership = Membership.objects.get(
        place=place, user__email="grace.okafor@riverside.example.org"
    )
    assert membership.role == Role.VIEWER
    assert mail.outbox[0].to == ["grace.okafor@riverside.example.org"]


def test_it_lets_the_new_person_set_a_password_from_the_link_and_sign_in(client, lead, place):
    client.force_login(lead)
    form = _add_form(client).fill(email="grace.okafor@riverside.example.org", name="Grace Okafor")
    client.post(ADD_URL, form.data())
    client.logout()
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    landing = client.get(path, follow=True)
    assert "Set your password" in landing.text
    chosen = page_form(landing).fill(
        new_password1="a-brand-new-passphrase", new_password2="a-brand-new-passphrase"
    )
    assert client.post(landing.wsgi_request.path, chosen.data()).status_code == 302
    client.logout()
    login = page_form(client.get("/accounts/login/")).fill(
        login="grace.okafor@riverside.example.org", password="a-brand-new-passphrase"
    )
    client.post("/accounts/login/", login.data())
    home = client.get("/")
    assert home.status_code == 200
    assert "Riverside Borough" in home.text and "You: Respondent" in home.text


def test_it_refuses_to_add_an_existing_member_again(client, lead, respondent, place):
    client.force_login(lead)
    form = _add_form(client).fill(email=respondent.email, name="Tom Hughes", role=Role.LEAD)
    response = client.post(ADD_URL, form.data())
    assert response.status_code == 400
    assert "is already a member of Riverside Borough" in response.text
    assert Membership.objects.get(user=respondent, place=place).role == Role.RESPONDENT
    assert mail.outbox == []


def test_it_refuses_an_address_that_is_not_an_e_mail(client, lead, place):
    client.force_login(lead)
    form = _add_form(client).fill(email="grace at riverside", name="Grace Okafor")
    response = client.post(ADD_URL, form.data())
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert Membership.objects.filter(place=place).count() == 1


def test_it_forbids_a_respondent_from_adding_people(client, respondent, place):
    client.force_login(respondent)
    response = client.post(ADD_URL, {"email": "x@example.org", "name": "X", "role": "lead"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="x@example.org").exists()


def test_it_adds_people_only_by_post(client, lead, place):
    client.force_login(lead)
    assert client.get(ADD_URL).status_code == 405


@pytest.mark.parametrize("rounds", [1, 6])
def test_it_shows_the_place_in_the_same_queries_however_many_rounds_and_people(
    client, lead, place, versions, make_person, django_assert_num_queries, rounds
):
    for n in range(rounds):
        person = make_person(f"person{n}@riverside.example.org")
        Membership.objects.create(user=person, place=place, role=Role.RESPONDENT)
        assessment_open(place=place, period=f"Round {n}", versions=versions, participants=[])
    client.force_login(lead)
    # session, user, place, my role in it, its members with their users, its rounds
    with django_assert_num_queries(6):
        response = client.get(PLACE_URL)
    assert response.text.count('class="list-group-item d-flex') == rounds
