"""Sign-in by a code e-mailed to the address: for members who sign in rarely (a Healthwatch
volunteer, a carer), with no password. The code works once, for minutes, three tries at most;
codes are throttled per address; and an unknown address is answered as a known one is."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)


def request_code(app, email, *, from_sign_in=True):
    """Ask for a code from the page the sign-in page links to; the page it lands on."""
    if from_sign_in:
        page = app.get(reverse("account_login")).click("E-mail me a sign-in code instead")
    else:
        page = app.get(reverse("account_request_login_code"))
    form = next(f for f in page.forms.values() if "email" in f.fields)
    form["email"] = email
    return form.submit()


def code_in(message) -> str:
    return CODE.search(message.body).group(1)


def text(page, selector) -> str:
    """The words a person reads in the part of the page the selector picks."""
    found = page.html.select_one(selector)
    return " ".join(found.get_text(" ").split()) if found else ""


def enter_code(page, code):
    form = next(f for f in page.forms.values() if "code" in f.fields)
    form["code"] = code
    return form.submit()


def test_a_code_signs_a_participant_in_without_a_password_and_on_to_their_round(
    django_app, respondent, open_round
):
    page = request_code(django_app, respondent.email).follow()
    assert text(page, "h1") == "Enter your sign-in code"
    assert [m.to for m in mail.outbox] == [[respondent.email]]
    assert mail.outbox[0].subject == "Your sign-in code"

    landed = enter_code(page, code_in(mail.outbox[0]))

    assert landed.location == reverse("landing")
    scoring = landed.maybe_follow()
    assert scoring.request.path == reverse("assessment-respond", args=[open_round.pk])
    assert text(scoring, ".navbar-text") == "Tom Hughes"
    assert django_app.session["_auth_user_id"] == str(respondent.pk)


def test_the_code_page_shows_a_labelled_one_time_code_field(django_app, respondent):
    page = request_code(django_app, respondent.email).follow()
    field = page.html.select_one("input[name=code]")
    assert field["autocomplete"] == "one-time-code"
    assert field.has_attr("autofocus")
    assert text(page, f"label[for={field['id']}]") == "Sign-in code"


def test_a_code_works_once(django_app, respondent):
    page = request_code(django_app, respondent.email).follow()
    code = code_in(mail.outbox[0])
    enter_code(page, code).follow()
    django_app.post(reverse("logout"), {"csrfmiddlewaretoken": django_app.cookies["csrftoken"]})

    # The old code page, replayed with the same code, no longer knows of any code.
    again = django_app.post(
        reverse("account_confirm_login_code"),
        {"code": code, "csrfmiddlewaretoken": django_app.cookies["csrftoken"]},
    )

    assert again.status_code == 302
    assert again.location == reverse("account_request_login_code")
    assert "_auth_user_id" not in django_app.session


def test_three_wrong_codes_void_the_code_and_the_person_must_ask_again(django_app, respondent):
    page = request_code(django_app, respondent.email).follow()
    right = code_in(mail.outbox[0])

    page = enter_code(page, "AAAA-AAAA")
    assert "Incorrect code" in text(page, "#id_code_error")
    assert page.html.select_one("#id_code")["aria-describedby"].endswith("id_code_error")
    page = enter_code(page, "BBBB-BBBB")
    voided = enter_code(page, "CCCC-CCCC")

    assert voided.location == reverse("account_request_login_code")
    asked_again = voided.follow()
    assert "Too many" in text(asked_again, ".messages")
    # The right code is now no good either: the person asks for a new one.
    late = django_app.post(
        reverse("account_confirm_login_code"),
        {"code": right, "csrfmiddlewaretoken": django_app.cookies["csrftoken"]},
    )
    assert late.location == reverse("account_request_login_code")
    assert "_auth_user_id" not in django_app.session


def test_codes_for_one_address_are_throttled_to_three_a_minute(django_app, respondent):
    # Each from a fresh browser, as someone trying to flood the person's inbox would.
    for _ in range(3):
        django_app.reset()
        assert request_code(django_app, respondent.email, from_sign_in=False).status_code == 302

    django_app.reset()
    refused = request_code(django_app, respondent.email, from_sign_in=False)

    assert refused.status_code == 200
    assert "Too many" in text(refused, "#id_email_error")
    assert len(mail.outbox) == 3


def test_an_unknown_address_is_told_the_same_and_gets_no_e_mail(django_app, respondent):
    known = request_code(django_app, respondent.email).follow()
    django_app.reset()
    unknown = request_code(django_app, "nobody@elsewhere.example.org").follow()

    def told(page, email):
        return text(page, "main").replace(email, "EMAIL")

    assert told(unknown, "nobody@elsewhere.example.org") == told(known, respondent.email)
    assert [m.to for m in mail.outbox] == [[respondent.email]]
    # Whatever is typed, no account is signed in to.
    enter_code(unknown, "AAAA-AAAA")
    assert "_auth_user_id" not in django_app.session


@pytest.mark.parametrize("path", ["account_request_login_code"])
def test_the_sign_in_page_still_offers_a_password(django_app, respondent, path):
    page = django_app.get(reverse(path)).click("Other ways to sign in")
    form = next(f for f in page.forms.values() if "password" in f.fields)
    form["login"] = respondent.email
    form["password"] = PASSWORD
    assert form.submit().location == reverse("landing")
