"""Sign-in throttling by address: one address trying passwords across many accounts is locked
out, while an office behind one address where a few people mistype is not."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SPRAYER = "203.0.113.66"
ELSEWHERE = "198.51.100.7"
PASSWORD = "correct-horse-battery-staple"  # every cast member's (tests/conftest.py)


def _sign_in(client, email, password, address):
    return client.post(
        reverse("login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def _spray(client, accounts: int, address=SPRAYER):
    """One guessed password tried once on each of many accounts."""
    for n in range(accounts):
        _sign_in(client, f"person{n}@riverside.example.org", "Winter2026!", address)


def test_it_locks_out_an_address_that_tries_a_password_across_many_accounts(client, lead):
    _spray(client, settings.AXES_ADDRESS_FAILURE_LIMIT)
    response = _sign_in(client, lead.email, PASSWORD, SPRAYER)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_still_lets_people_at_another_address_sign_in(client, lead):
    _spray(client, settings.AXES_ADDRESS_FAILURE_LIMIT)
    response = _sign_in(client, lead.email, PASSWORD, ELSEWHERE)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lead.pk)


def test_it_lets_an_office_where_several_people_mistyped_sign_in(client, lead):
    _spray(client, 10)  # ten colleagues behind one address, each mistyping once
    response = _sign_in(client, lead.email, PASSWORD, SPRAYER)
    assert response.status_code == 302


def test_it_keeps_counting_an_address_whose_own_account_signs_in(client, lead, respondent):
    _spray(client, settings.AXES_ADDRESS_FAILURE_LIMIT - 1)
    _sign_in(client, respondent.email, PASSWORD, SPRAYER)  # the sprayer's own account
    client.logout()
    _spray(client, 1)
    response = _sign_in(client, lead.email, PASSWORD, SPRAYER)
    assert response.status_code == 429, "a sign-in must not wipe the address's failures"
