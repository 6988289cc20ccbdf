"""Multi-factor authentication from the person's side: setting up an authenticator app from the
page (the code computed by pyotp from the key the page shows: a real TOTP, nothing mocked), the
second step of the next sign-in, recovery codes, throttling of wrong codes, and MFA_REQUIRED
sending the people it names to set one up before anything else."""

import re

import pyotp
import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

# Six digits from the app, or an eight-digit recovery code: neither is ever right.
WRONG = "000000"


def text(page, selector) -> str:
    """The words a person reads in the part of the page the selector picks."""
    found = page.html.select_one(selector)
    return " ".join(found.get_text(" ").split()) if found else ""


def form_with(page, field):
    return next(f for f in page.forms.values() if field in f.fields)


def form_to(page, action):
    return next(f for f in page.forms.values() if f.action == action)


def sign_in(app, person, password=PASSWORD):
    """Type the e-mail address and password into the sign-in page; the response to that."""
    form = form_with(app.get(reverse("account_login")), "password")
    form["login"] = person.email
    form["password"] = password
    return form.submit()


def sign_out(app):
    app.post(reverse("logout"), {"csrfmiddlewaretoken": app.cookies["csrftoken"]})
    app.reset()


def signed_in_as(app, person) -> bool:
    return app.session.get("_auth_user_id") == str(person.pk)


def set_up_app(app):
    """From "Sign-in and security", set up an authenticator app as a person would: read the key
    the page shows, let pyotp compute the code, type it in. The key and the recovery codes."""
    page = confirm_it_is_you(app.get(reverse("mfa_index")).click("Set up an authenticator app"))
    secret = text(page, "#totp-secret")
    form = form_with(page, "code")
    form["code"] = pyotp.TOTP(secret).now()
    codes_page = form.submit().follow()
    return secret, [li.get_text(strip=True) for li in codes_page.html.select("#recovery-codes li")]


def confirm_it_is_you(page, password=PASSWORD):
    """Changing how one signs in asks for the password again (allauth's reauthentication)."""
    if page.status_code == 302 and page.location.startswith(reverse("account_reauthenticate")):
        asked = page.follow()
        assert text(asked, "h1") == "Confirm it is you"
        form = form_with(asked, "password")
        form["password"] = password
        page = form.submit()
    return page.maybe_follow()


def enter_second_factor(page, code):
    form = form_with(page, "code")
    form["code"] = code
    return form.submit()


def fresh_code(secret) -> str:
    """The app's current code. A code signs in once (allauth remembers it for its 30 seconds
    in the cache): a test signing in twice in one window forgets the first use."""
    cache.clear()
    return pyotp.TOTP(secret).now()


@pytest.fixture
def with_app(django_app, respondent):
    """Tom, who has set up an authenticator app and signed out: his key and recovery codes."""
    sign_in(django_app, respondent)
    secret, codes = set_up_app(django_app)
    sign_out(django_app)
    return secret, codes


def test_the_security_page_says_what_a_second_factor_is_and_offers_each_kind(
    django_app, respondent
):
    sign_in(django_app, respondent)
    page = django_app.get(reverse("mfa_index"))

    assert text(page, "h1") == "Sign-in and security"
    assert "when you sign in, you also give a code" in text(page, "main")
    assert "Not set up" in text(page, "section[aria-labelledby=totp-heading]")
    assert page.html.find("a", string="Add a passkey")
    assert "You get them when you set up an authenticator app" in text(page, "main")
    # Nobody made Tom come here: no word about a role needing it.
    assert not page.html.select("#second-factor-needed")


def test_a_person_sets_up_an_authenticator_app_with_a_real_code(django_app, respondent):
    sign_in(django_app, respondent)
    page = confirm_it_is_you(
        django_app.get(reverse("mfa_index")).click("Set up an authenticator app")
    )

    assert page.html.select_one("img[alt^='QR code']")["src"].startswith("data:image/svg+xml")
    secret = text(page, "#totp-secret")
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    field = page.html.select_one("input[name=code]")
    assert (field["autocomplete"], field["inputmode"]) == ("one-time-code", "numeric")
    assert text(page, f"label[for={field['id']}]") == "Code from the app"

    wrong = enter_second_factor(page, WRONG)
    assert "Incorrect code" in text(wrong, "#id_code_error")
    assert "id_code_error" in wrong.html.select_one("#id_code")["aria-describedby"]
    assert wrong.html.select_one("#id_code")["aria-invalid"] == "true"

    # The key stays the same across the wrong try (it is kept in the session).
    assert text(wrong, "#totp-secret") == secret
    codes_page = enter_second_factor(wrong, pyotp.TOTP(secret).now()).follow()

    assert text(codes_page, "h1") == "Your recovery codes"
    codes = [li.get_text(strip=True) for li in codes_page.html.select("#recovery-codes li")]
    assert len(codes) == 10 and all(re.fullmatch(r"\d{8}", c) for c in codes)
    index = django_app.get(reverse("mfa_index"))
    assert "On" in text(index, "section[aria-labelledby=totp-heading]")
    assert "10 of 10 codes left unused" in text(index, "section[aria-labelledby=recovery-heading]")


def test_the_next_sign_in_asks_for_the_code(django_app, respondent, with_app):
    secret, _ = with_app

    asked = sign_in(django_app, respondent)

    assert asked.location == reverse("mfa_authenticate")
    page = asked.follow()
    assert text(page, "h1") == "Confirm it is you"
    assert page.html.select_one("input[name=code]").has_attr("autofocus")
    assert not signed_in_as(django_app, respondent)

    landed = enter_second_factor(page, pyotp.TOTP(secret).now())

    assert landed.location == reverse("landing")
    assert signed_in_as(django_app, respondent)


def test_a_code_from_the_app_signs_in_once(django_app, respondent, with_app):
    secret, _ = with_app
    code = fresh_code(secret)
    enter_second_factor(sign_in(django_app, respondent).follow(), code)
    sign_out(django_app)

    again = enter_second_factor(sign_in(django_app, respondent).follow(), code)

    assert "Incorrect code" in text(again, "#id_code_error")
    assert not signed_in_as(django_app, respondent)


def test_a_recovery_code_signs_in_once(django_app, respondent, with_app):
    _, codes = with_app

    landed = enter_second_factor(sign_in(django_app, respondent).follow(), codes[0])
    assert landed.location == reverse("landing")
    index = django_app.get(reverse("mfa_index"))
    assert "9 of 10 codes left unused" in text(index, "section[aria-labelledby=recovery-heading]")
    sign_out(django_app)

    again = enter_second_factor(sign_in(django_app, respondent).follow(), codes[0])

    assert "Incorrect code" in text(again, "#id_code_error")
    assert not signed_in_as(django_app, respondent)


def test_recovery_codes_download_and_new_ones_replace_the_old(django_app, respondent, with_app):
    secret, codes = with_app
    enter_second_factor(sign_in(django_app, respondent).follow(), fresh_code(secret))

    download = confirm_it_is_you(django_app.get(reverse("mfa_index")).click("Download your codes"))
    assert download.content_type == "text/plain"
    assert "attachment" in download.headers["Content-Disposition"]
    assert re.findall(r"^\d{8}$", download.text, re.MULTILINE) == codes
    assert respondent.email in download.text

    confirm = confirm_it_is_you(django_app.get(reverse("mfa_index")).click("Make new codes"))
    assert "The 10 codes you have now will stop working" in text(confirm, "main")
    new_codes_page = form_to(confirm, reverse("mfa_generate_recovery_codes")).submit().follow()
    new_codes = [li.get_text(strip=True) for li in new_codes_page.html.select("#recovery-codes li")]
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    sign_out(django_app)

    old = enter_second_factor(sign_in(django_app, respondent).follow(), codes[1])
    assert "Incorrect code" in text(old, "#id_code_error")
    django_app.reset()
    new = enter_second_factor(sign_in(django_app, respondent).follow(), new_codes[0])
    assert new.location == reverse("landing")


def test_after_five_wrong_codes_even_the_right_one_is_refused(django_app, respondent, with_app):
    secret, codes = with_app
    page = sign_in(django_app, respondent).follow()
    for _ in range(5):
        page = enter_second_factor(page, WRONG)
        assert "Incorrect code" in text(page, "#id_code_error")

    refused = enter_second_factor(page, pyotp.TOTP(secret).now())

    assert "Too many wrong codes" in text(refused, "#id_code_error")
    assert not signed_in_as(django_app, respondent)
    # A recovery code does not get round it either.
    refused = enter_second_factor(refused, codes[0])
    assert "Too many wrong codes" in text(refused, "#id_code_error")
    assert not signed_in_as(django_app, respondent)


def test_the_throttle_follows_the_person_not_the_browser(django_app, respondent, with_app):
    secret, _ = with_app
    page = sign_in(django_app, respondent).follow()
    for _ in range(5):
        page = enter_second_factor(page, WRONG)
    django_app.reset()

    refused = enter_second_factor(
        sign_in(django_app, respondent).follow(), pyotp.TOTP(secret).now()
    )

    assert "Too many wrong codes" in text(refused, "#id_code_error")


# --- MFA_REQUIRED: who is made to set one up ---------------------------------------------------


@pytest.fixture
def people(staff, lead, respondent):
    return {"staff": staff, "lead": lead, "respondent": respondent}


@pytest.mark.parametrize(
    ("policy", "named"),
    [
        ("none", set()),
        ("staff", {"staff"}),
        ("leads", {"staff", "lead"}),
        ("everyone", {"staff", "lead", "respondent"}),
    ],
)
def test_the_policy_sends_the_people_it_names_to_set_up_a_second_factor(
    django_app, settings, people, policy, named
):
    """ "leads" names a place's lead through the assessment app's personal-data holder
    (accounts.personal_data: ``leads_a_place``)."""
    settings.MFA_REQUIRED = policy
    sent = set()
    for role, person in people.items():
        django_app.reset()
        landing = sign_in(django_app, person).follow()
        if landing.location == reverse("mfa_index"):
            sent.add(role)
    assert sent == named


def test_someone_named_is_told_why_sets_one_up_and_carries_on(django_app, settings, staff):
    settings.MFA_REQUIRED = "staff"
    sign_in(django_app, staff)

    asked = django_app.get(reverse("home"))
    assert asked.location == reverse("mfa_index")
    page = asked.follow()
    assert text(page, "#second-factor-needed h2") == "Your role needs a second factor"
    assert "once it is set up you can carry on to the page you asked for" in text(
        page, "#second-factor-needed"
    )
    # Every other page waits too; the statements and signing out do not.
    assert django_app.get(reverse("frameworks-list")).location == reverse("mfa_index")
    assert django_app.get(reverse("privacy")).status_code == 200

    secret, _ = set_up_app(django_app)

    codes_page = django_app.get(reverse("mfa_view_recovery_codes"))
    carry_on = codes_page.click("Carry on where you were")
    assert carry_on.status_code == 200
    assert carry_on.request.path == reverse("frameworks-list")
    assert django_app.get(reverse("reports-compare")).status_code == 200
    assert secret


def test_under_none_a_person_without_a_second_factor_is_never_redirected(
    django_app, settings, staff
):
    settings.MFA_REQUIRED = "none"
    landed = sign_in(django_app, staff)
    assert landed.location == reverse("landing")
    for name in ["landing", "home", "frameworks-list", "mfa_index"]:
        response = django_app.get(reverse(name))
        assert response.status_code in {200, 302}
        assert response.location != reverse("mfa_index"), name
    assert not django_app.get(reverse("mfa_index")).html.select("#second-factor-needed")


def test_someone_named_who_already_has_a_second_factor_goes_straight_on(
    django_app, settings, respondent, with_app
):
    settings.MFA_REQUIRED = "everyone"
    secret, _ = with_app

    landed = enter_second_factor(sign_in(django_app, respondent).follow(), fresh_code(secret))

    assert landed.location == reverse("landing")
    assert django_app.get(reverse("home")).status_code == 200


def test_someone_with_no_password_confirms_by_e_mailed_code_and_sets_one_up(
    django_app, settings, respondent, mailoutbox
):
    """A volunteer who signs in by e-mailed code, under MFA_REQUIRED=everyone: setting up the
    app, once their sign-in is no longer recent, asks again who they are, by a code e-mailed to
    them, since they have no password."""
    settings.MFA_REQUIRED = "everyone"
    respondent.set_unusable_password()
    respondent.save()
    page = django_app.get(reverse("account_request_login_code"))
    form = form_with(page, "email")
    form["email"] = respondent.email
    page = form.submit().follow()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE)[1]
    asked = enter_second_factor(page, code).maybe_follow()
    assert asked.request.path == reverse("mfa_index")
    assert text(asked, "#second-factor-needed h2") == "Your role needs a second factor"
    _signed_in_an_hour_ago(django_app)

    confirm = asked.click("Set up an authenticator app").maybe_follow()
    assert text(confirm, "h1") == "Confirm it is you"
    form = form_to(confirm, reverse("account_request_reauthentication_code"))
    page = form.submit().maybe_follow()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.MULTILINE)[1]
    setup = enter_second_factor(page, code).maybe_follow()

    assert text(setup, "h1") == "Set up an authenticator app"
    done = enter_second_factor(setup, pyotp.TOTP(text(setup, "#totp-secret")).now()).follow()
    assert text(done, "h1") == "Your recovery codes"
    assert django_app.get(reverse("home")).status_code == 200


def test_the_security_page_tells_someone_named_even_when_they_come_straight_to_it(
    django_app, settings, staff
):
    settings.MFA_REQUIRED = "staff"
    sign_in(django_app, staff)

    page = django_app.get(reverse("mfa_index"))

    assert text(page, "#second-factor-needed h2") == "Your role needs a second factor"


def test_straight_after_signing_in_setting_one_up_does_not_ask_for_the_password_again(
    django_app, settings, staff
):
    settings.MFA_REQUIRED = "staff"
    sign_in(django_app, staff)
    setup = django_app.get(reverse("mfa_index")).click("Set up an authenticator app")
    assert setup.status_code == 200, "no “Confirm it is you” within minutes of signing in"
    assert text(setup, "h1") == "Set up an authenticator app"


def _signed_in_an_hour_ago(app):
    """Move the session's record of how the person signed in an hour back: their sign-in is no
    longer recent enough to change how they sign in without confirming who they are."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore(app.cookies["sessionid"])
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{**r, "at": r["at"] - 3600} for r in records]
    session.save()
