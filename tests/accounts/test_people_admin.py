"""Staff add a person by name and e-mail address, and the person is invited; made a place's lead
in the admin, they are told that too."""

import re

import pytest
from django.core import mail

from assessment.models import Membership, Place

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def superuser(staff):
    staff.is_superuser = True
    staff.save()
    return staff


def _add_person(django_app, superuser, **fields):
    form = django_app.get("/admin/auth/user/add/", user=superuser).forms["user_form"]
    for name, value in fields.items():
        form[name] = value
    return form.submit()


def test_it_asks_for_a_name_and_an_address_and_no_password(django_app, superuser):
    form = django_app.get("/admin/auth/user/add/", user=superuser).forms["user_form"]
    assert {"full_name", "email"} <= set(form.fields)
    assert not {"username", "password1", "password2"} & set(form.fields)


def test_it_invites_the_person_it_adds(django_app, superuser, django_user_model):
    _add_person(django_app, superuser, full_name="Grace Okafor", email=" Grace.Okafor@Eastvale.org")
    grace = django_user_model.objects.get(email="grace.okafor@eastvale.org")
    assert (grace.first_name, grace.last_name, grace.has_usable_password()) == (
        "Grace", "Okafor", False,
    )  # fmt: skip
    [invitation] = mail.outbox
    assert invitation.to == ["grace.okafor@eastvale.org"]
    assert "Hello Grace Okafor" in invitation.body
    assert LINK.search(invitation.body), "a link to set a password"
    assert "E-mail me a sign-in code" in invitation.body


def test_it_refuses_an_address_that_already_has_an_account(django_app, superuser, lead):
    page = _add_person(django_app, superuser, full_name="Priya Again", email=lead.email.upper())
    assert "already has an account" in page.text
    assert mail.outbox == []


def test_the_person_made_a_new_places_lead_is_named_and_told(django_app, superuser):
    _add_person(django_app, superuser, full_name="Grace Okafor", email="grace.okafor@eastvale.org")
    mail.outbox.clear()
    form = django_app.get("/admin/assessment/place/add/", user=superuser).forms["place_form"]
    form["name"], form["code"], form["kind"] = "Eastvale", "eastvale", "hwb"
    grace = Membership._meta.get_field("user").related_model.objects.get(
        email="grace.okafor@eastvale.org"
    )
    form["memberships-0-user"].force_value(str(grace.pk))
    form["memberships-0-role"] = "lead"
    form.submit().follow()
    eastvale = Place.objects.get(code="eastvale")
    assert Membership.objects.get(place=eastvale).role == "lead"
    [told] = mail.outbox
    assert told.to == ["grace.okafor@eastvale.org"] and "Eastvale" in told.subject
    # On the place's page, the lead is a named person, not an empty row.
    people = django_app.get(f"/places/{eastvale.code}/", user=grace).text
    assert "Grace Okafor" in people
