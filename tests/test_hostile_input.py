"""Hostile input answered plainly: a form in a character set the site cannot read is a 400, and
text fields refuse characters that hide or disguise what they say."""

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import Action, Assessment, Membership
from assessment.services import assessment_open
from tests.assessment.scoring import respondent_of, score

pytestmark = pytest.mark.django_db

PLACE_URL = "/places/riverside/"
OPEN_URL = "/places/riverside/rounds/new/"


def _form(page, action: str = ""):
    """The page's form that posts to ``action`` (its own address when empty)."""
    [form] = [f for f in page.forms.values() if f.action in (action, page.request.path)]
    return form


def _signed_in_browser(user=None) -> Client:
    """A client that, like a browser, must carry the CSRF cookie and token (the check reads the
    form, which is where a character set Django refuses first bites)."""
    browser = Client(enforce_csrf_checks=True)
    if user is not None:
        browser.force_login(user)
    browser.get("/" if user is not None else "/accounts/login/")  # sets the CSRF cookie
    return browser


def _post_in(browser: Client, url: str, charset: str, **fields):
    fields["csrfmiddlewaretoken"] = browser.cookies["csrftoken"].value
    body = "&".join(f"{name}={value}" for name, value in fields.items())
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    return browser.post(url, body, content_type=content_type)


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
@pytest.mark.parametrize(
    "url, fields",
    [
        ("/accounts/login/", {"login": "someone@example.org", "password": "guess"}),
        ("/accounts/password_reset/", {"email": "someone@example.org"}),
    ],
)
def test_it_answers_400_to_a_form_in_another_character_set(charset, url, fields):
    response = _post_in(_signed_in_browser(), url, charset, **fields)
    assert response.status_code == 400
    assert "could not read what your browser sent" in response.text


def test_it_answers_400_to_a_signed_in_form_in_another_character_set(lead, place):
    browser = _signed_in_browser(lead)
    response = _post_in(browser, f"{PLACE_URL}members/", "latin-1", email="a@example.org")
    assert response.status_code == 400
    assert "Sign out" in response.text, "the page is the site's own, not a bare error"


@pytest.mark.parametrize(
    "period, problem",
    [
        ("2026 Q1\u202e", "The period cannot contain characters that change the direction"),
        ("2026\u2066 Q1", "The period cannot contain characters that change the direction"),
        ("2026\x07 Q1", "The period cannot contain control characters"),
        ("2026\x85Q1", "The period cannot contain control characters"),
    ],
)
def test_it_refuses_a_period_that_hides_what_it_says(django_app, lead, versions, period, problem):
    form = _form(django_app.get(OPEN_URL, user=lead))
    form["period"] = period
    page = form.submit()
    assert problem in page.text
    assert not Assessment.objects.exists()


def test_it_refuses_a_name_sent_as_invalid_utf_8(client, lead, place):
    client.force_login(lead)
    body = "email=grace%40riverside.example.org&name=Grace%FF%FEOkafor&role=respondent"
    response = client.post(
        f"{PLACE_URL}members/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "The full name has characters that could not be read" in response.text
    assert not Membership.objects.filter(user__email="grace@riverside.example.org").exists()


def test_it_refuses_an_action_whose_title_or_owner_hides_what_it_says(django_app, lead, open_round):
    for person in open_round.respondents.all():  # both submitted: the lead may plan
        score(person)
    url = reverse("assessment-action-new", args=[open_round.pk])
    form = _form(django_app.get(url, user=lead))
    form["title"] = "Joint induction\u202e for the teams"
    form["owner"] = "Jo Lee\x1b[2J, Riverside Council"
    page = form.submit()
    assert "The action cannot contain characters that change the direction of text." in page.text
    assert "The owner cannot contain control characters (such as tabs)." in page.text
    assert not Action.objects.exists()


def test_it_downloads_the_plan_under_its_whole_period(client, lead, place, versions):
    round_ = assessment_open(
        place=place, period="2026/27 Q1", versions=versions, participants=[lead], user=lead
    )
    score(respondent_of(round_, lead))  # submitted: the plan is the lead's to read
    client.force_login(lead)
    response = client.get(reverse("assessment-actions-csv", args=[round_.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="riverside-2026-27-q1-action-plan.csv"'
    )
