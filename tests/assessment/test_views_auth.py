"""Signing in by e-mail, signing out, and setting a password from an e-mailed link."""

import re

import pytest
from django.core import mail

from tests.assessment.forms_helper import page_form
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


def _sign_in(client, email, password, next_url=None):
    page = client.get(LOGIN_URL + (f"?next={next_url}" if next_url else ""))
    form = page_form(page).fill(username=email, password=password)
    return client.post(LOGIN_URL, form.data())


def _set_password_from(client, message, password):
    """Follow the e-mailed link and choose a password, as the person would."""
    path = LINK.search(message.body).group(1)
    landing = client.get(path, follow=True)
    form = page_form(landing).fill(new_password1=password, new_password2=password)
    return client.post(landing.wsgi_request.path, form.data())


def test_it_signs_in_with_an_e_mail_address_in_any_case(client, respondent):
    response = _sign_in(client, "  Tom.Hughes@Riverside.example.org ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
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
    assert done["Location"] == "/accounts/reset/done/"
    assert _sign_in(client, respondent.email, "a-brand-new-passphrase")["Location"] == "/"


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
    assert (
        _sign_in(client, "grace.okafor@riverside.example.org", "a-brand-new-passphrase")["Location"]
        == "/"
    )
