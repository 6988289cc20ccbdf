"""Adding someone to a place tells the lead nothing about accounts elsewhere: whether or not
the address already signs in somewhere, the lead sees the same message and the same page, and
the person is e-mailed either way."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from tests.assessment.forms_helper import page_form

pytestmark = pytest.mark.django_db

PLACE_URL = "/places/riverside/"
ADD_URL = "/places/riverside/members/"
NEW = "grace.okafor@riverside.example.org"


@pytest.fixture
def signed_in_elsewhere(outsider):
    """Someone with an account in another place, who has signed in there."""
    outsider.last_login = outsider.date_joined
    outsider.save()
    return outsider


def _added(client, email: str) -> tuple[str, str]:
    """What the lead is told, and what the people list shows beside the address (with the
    address itself left out)."""
    form = page_form(client.get(PLACE_URL), ADD_URL).fill(email=email, name="Someone New")
    page = BeautifulSoup(client.post(ADD_URL, form.data(), follow=True).text, "html.parser")
    said = page.select_one(".messages").get_text(" ", strip=True)
    [row] = [tr for tr in page.select("tbody tr") if email in tr.get_text()]
    beside = row.select("td")[1].get_text(" ", strip=True)
    return said.replace(email, "<address>"), beside.replace(email, "<address>")


def test_it_tells_the_lead_the_same_whether_or_not_the_address_has_an_account(
    client, lead, place, signed_in_elsewhere
):
    client.force_login(lead)
    assert _added(client, NEW) == _added(client, signed_in_elsewhere.email)


def test_it_e_mails_someone_who_already_has_an_account_that_they_were_added(
    client, lead, place, signed_in_elsewhere
):
    client.force_login(lead)
    _added(client, signed_in_elsewhere.email)
    [message] = mail.outbox
    assert message.to == [signed_in_elsewhere.email]
    assert "You have been added to Riverside Borough" in message.body


def test_it_shows_a_person_by_the_name_the_lead_gave_whatever_their_account_says(
    client, lead, place, signed_in_elsewhere
):
    # Ian Walker's account exists in another place; this lead knows him by another name.
    client.force_login(lead)
    form = page_form(client.get(PLACE_URL), ADD_URL).fill(
        email=signed_in_elsewhere.email, name="Dr I. Walker"
    )
    client.post(ADD_URL, form.data())
    people = client.get(PLACE_URL).text
    assert "Dr I. Walker" in people
    assert "Ian Walker" not in people
    assert "Dr I. Walker" in client.get(f"/places/{place.code}/rounds/new/").text
