"""Signing in by e-mail, signing out, and setting a password from an e-mailed link."""

import html
import re

import pytest
from django.core import mail

from assessment.models import Membership
from assessment.services import assessment_open
from tests.assessment.forms_helper import page_form
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


def _sign_in(client, email, password, next_url=None):
    page = client.get(LOGIN_URL + (f"?next={next_url}" if next_url else ""))
    form = page_form(page).fill(login=email, password=password)
    return client.post(LOGIN_URL, form.data())


def _lands_on(client, response) -> str:
    """Where a sign-in ends up: it goes by /signed-in/, which sends the person on."""
    assert response["Location"] == "/signed-in/"
    return client.get(response["Location"])["Location"]


def _set_password_from(client, message, password):
    """Follow the e-mailed link and choose a password, as the person would."""
    path = LINK.search(message.body).group(1)
    landing = client.get(path, follow=True)
    form = page_form(landing).fill(new_password1=password, new_password2=password)
    return client.post(landing.wsgi_request.path, form.data())


def test_it_signs_in_with_an_e_mail_address_in_any_case(client, respondent):
    response = _sign_in(client, "  Tom.Hughes@Riverside.example.org ", PASSWORD)
    assert response.status_code == 302
    assert _lands_on(client, response) == "/"
    assert "Tom Hughes" in client.get("/").text


def test_it_returns_to_the_page_that_asked_for_sign_in(client, respondent, open_round):
    wanted = f"/assessments/{open_round.pk}/"
    assert client.get(wanted)["Location"] == f"{LOGIN_URL}?next={wanted}"
    response = _sign_in(client, respondent.email, PASSWORD, next_url=wanted)
    assert response["Location"] == wanted


def test_it_refuses_a_wrong_password(client, respondent):
    response = _sign_in(client, respondent.email, "not-the-password")
    assert response.status_code == 200
    assert "That e-mail address and password do not match." in response.text
    assert client.get("/").status_code == 302


def test_it_signs_out_from_the_button_on_every_page(client, respondent):
    client.force_login(respondent)
    page = client.get("/")
    response = client.post("/accounts/logout/", page_form(page, "/accounts/logout/").data())
    assert response["Location"] == LOGIN_URL
    assert client.get("/")["Location"] == f"{LOGIN_URL}?next=/"


def test_it_emails_a_link_that_sets_a_new_password(client, respondent):
    page = client.get("/accounts/password_reset/")
    form = page_form(page).fill(email=respondent.email)
    sent = client.post("/accounts/password_reset/", form.data(), follow=True)
    assert "Check your e-mail" in sent.text
    assert mail.outbox[0].to == [respondent.email]
    done = _set_password_from(client, mail.outbox[0], "a-brand-new-passphrase")
    assert _lands_on(client, done) == "/"  # signed in: no round is waiting for their answers
    assert "Your password is set and you are signed in." in client.get("/").text
    client.logout()
    assert _lands_on(client, _sign_in(client, respondent.email, "a-brand-new-passphrase")) == "/"


def test_it_refuses_a_password_link_once_it_has_been_used(client, respondent):
    client.post("/accounts/password_reset/", {"email": respondent.email})
    _set_password_from(client, mail.outbox[0], "a-brand-new-passphrase")
    path = LINK.search(mail.outbox[0].body).group(1)
    assert "This link has expired or has been used" in client.get(path, follow=True).text


def test_it_sends_a_fresh_link_to_someone_added_who_never_set_a_password(client, lead, place):
    # Added by a lead, they lost (or let expire) the first e-mail: the reset page is their way in.
    client.force_login(lead)
    client.post(
        f"/places/{place.code}/members/",
        {"email": "grace.okafor@riverside.example.org", "name": "Grace Okafor",
         "role": "respondent"},
    )  # fmt: skip
    client.logout()
    mail.outbox.clear()
    client.post("/accounts/password_reset/", {"email": "grace.okafor@riverside.example.org"})
    assert len(mail.outbox) == 1
    _set_password_from(client, mail.outbox[0], "a-brand-new-passphrase")
    client.logout()
    signed_in = _sign_in(client, "grace.okafor@riverside.example.org", "a-brand-new-passphrase")
    assert _lands_on(client, signed_in) == "/"


def test_it_takes_someone_invited_from_setting_a_password_straight_to_scoring(
    client, lead, place, versions
):
    client.force_login(lead)
    page = client.get(f"/places/{place.code}/")
    form = page_form(page, f"/places/{place.code}/members/").fill(
        email="grace.okafor@riverside.example.org", name="Grace Okafor", role="respondent"
    )
    client.post(f"/places/{place.code}/members/", form.data())
    grace = Membership.objects.get(place=place, user__email="grace.okafor@riverside.example.org")
    round_ = assessment_open(
        place=place, period="2027 Q1", versions=versions, participants=[grace.user], user=lead
    )
    client.logout()
    [invitation] = [m for m in mail.outbox if "set your password" in m.subject]
    done = _set_password_from(client, invitation, "a-brand-new-passphrase")
    scoring = _lands_on(client, done)
    assert scoring == f"/assessments/{round_.pk}/respond/?item=next"
    step = client.get(scoring, follow=True)
    assert step.redirect_chain == [(f"/assessments/{round_.pk}/respond/?item=1", 302)]
    assert "Your password is set and you are signed in." in step.text


def test_it_returns_to_the_page_asked_for_after_setting_a_password(client, respondent, open_round):
    # Someone invited to score who has no password yet opens the round's link, is asked to sign
    # in, and asks for a link from there: the link brings them back to the scoring page.
    wanted = f"/assessments/{open_round.pk}/respond/"
    login = client.get(client.get(wanted)["Location"]).text
    asked = html.unescape(re.search(r'href="(/accounts/password_reset/[^"]*)"', login).group(1))
    form = page_form(client.get(asked)).fill(email=respondent.email)
    client.post(asked, form.data())
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    assert link.endswith(f"?next={wanted}")
    landing = client.get(link, follow=True)
    form = page_form(landing).fill(
        new_password1="a-new-passphrase", new_password2="a-new-passphrase"
    )
    done = client.post(landing.wsgi_request.path, form.data())
    assert done["Location"] == wanted
    assert client.get(wanted).status_code == 200  # signed in


def test_it_ignores_a_next_address_on_another_site(client, respondent):
    client.post("/accounts/password_reset/?next=https://evil.example/", {"email": respondent.email})
    assert "evil" not in mail.outbox[0].body
    done = _set_password_from(client, mail.outbox[0], "a-brand-new-passphrase")
    assert _lands_on(client, done) == "/"
