"""Signing in through a real OpenID Provider (tests/oidc/provider), without a browser.

django-webtest is the browser on the app's side, `requests` on the provider's; the app's own
back-channel calls (discovery, token, keys, userinfo) go to the provider on loopback. Each way
a sign-in can go wrong ends on a page that says so, with nobody signed in.
"""

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import PASSWORD
from tests.oidc.openid_provider import (
    ALLOWED_DOMAIN,
    AT_ALLOWED_DOMAIN,
    CLIENT_ID,
    INVITED,
    LEAD,
    PROVIDER_NAME,
    REFUSED,
    RESPONDENT,
    TEST_SERVER_CALLBACK,
    UNINVITED,
    UNVERIFIED,
    closed_port_url,
    query_of,
)

pytestmark = [pytest.mark.oidc, pytest.mark.django_db]

User = get_user_model()


# ---- the steps a person takes ----------------------------------------------------------------


def press_provider_button(django_app):
    """Open the sign-in page and press "Sign in with <provider>"; the app's answer."""
    page = django_app.get("/accounts/login/")
    form = next(f for f in page.forms.values() if "/oidc/" in (f.action or ""))
    assert form.html.find("button").get_text(strip=True) == f"Sign in with {PROVIDER_NAME}"
    return form.submit(expect_errors=True)


def to_provider(django_app) -> str:
    """Press the provider's button; the address at the provider the app sends the person to."""
    response = press_provider_button(django_app)
    assert response.status_code == 302, response.text
    assert response.location.startswith("http://127.0.0.1:")
    return response.location


def back_at_app(django_app, url: str):
    """Arrive back at the app at ``url`` (the provider's redirect), following the app's own
    redirects; the page it ends on."""
    assert url.startswith(TEST_SERVER_CALLBACK), url
    response = django_app.get(url.removeprefix("https://testserver"), expect_errors=True)
    while response.status_code in (301, 302):
        response = response.follow(expect_errors=True)
    return response


def sign_in(django_app, provider_browser, email: str, outcome: str = "sign-in"):
    """The whole sign-in: the app's button, the provider's page, back at the app."""
    callback = provider_browser.to_app(to_provider(django_app), email=email, outcome=outcome)
    return back_at_app(django_app, callback)


def signed_in_as(django_app):
    user_id = django_app.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def assert_not_signed_in(django_app):
    assert "_auth_user_id" not in django_app.session
    home = django_app.get("/")
    assert home.status_code == 302
    assert home.location.startswith("/accounts/login/")


def heading(page) -> str:
    return page.html.find("h1").get_text(" ", strip=True)


# ---- signing in --------------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_provider_by_name(django_app, signs_in_through):
    page = django_app.get("/accounts/login/")
    buttons = [button.get_text(strip=True) for button in page.html.find_all("button")]
    assert f"Sign in with {PROVIDER_NAME}" in buttons


def test_the_app_asks_the_provider_with_pkce_a_state_and_a_nonce(django_app, signs_in_through):
    asked = query_of(to_provider(django_app))
    assert asked["client_id"] == CLIENT_ID
    assert asked["response_type"] == "code"
    assert asked["redirect_uri"] == TEST_SERVER_CALLBACK
    assert set(asked["scope"].split()) >= {"openid", "email", "profile"}
    assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
    assert len(asked["state"]) >= 16 and len(asked["nonce"]) >= 32


def test_a_member_signs_in_through_the_provider(
    django_app, provider_browser, signs_in_through, lead
):
    page = sign_in(django_app, provider_browser, LEAD)
    assert page.status_code == 200
    assert signed_in_as(django_app) == lead
    assert heading(page) == "My places"
    assert "Riverside Borough" in page.text
    assert "Sign out" in page.text


def test_a_person_invited_by_email_signs_in_and_lands_on_their_round(
    django_app, provider_browser, signs_in_through, place, lead, versions
):
    """The lead adds them by name and e-mail (no password is ever set); they sign in through
    their organisation and land on the round waiting for their answers."""
    from assessment.services import assessment_open
    from assessment.services.places import member_add

    added = member_add(
        place=place,
        email=INVITED,
        name="Sam Invited",
        role="respondent",
        base_url="https://testserver",
        by=lead,
    )
    invited = added.membership.user
    assert not invited.has_usable_password()
    round_ = assessment_open(
        place=place, period="2027 Q1", versions=versions, participants=[lead, invited], user=lead
    )

    page = sign_in(django_app, provider_browser, INVITED)

    assert signed_in_as(django_app) == invited
    assert page.request.path == f"/assessments/{round_.pk}/respond/"
    assert page.status_code == 200
    assert "2027 Q1" in page.text
    # The address was linked to the account the invitation made, not to a new one.
    assert User.objects.filter(email__iexact=INVITED).count() == 1


def test_signing_in_again_uses_the_same_account(
    django_app, provider_browser, signs_in_through, respondent
):
    sign_in(django_app, provider_browser, RESPONDENT)
    django_app.reset()
    sign_in(django_app, provider_browser, RESPONDENT)  # the provider remembers them: no form
    assert signed_in_as(django_app) == respondent
    assert User.objects.filter(email__iexact=RESPONDENT).count() == 1


def test_an_address_at_an_allowed_domain_gets_an_account_with_no_place(
    django_app, provider_browser, signs_in_through, settings
):
    settings.OIDC_ALLOWED_DOMAINS = [ALLOWED_DOMAIN]

    page = sign_in(django_app, provider_browser, AT_ALLOWED_DOMAIN)

    person = signed_in_as(django_app)
    assert person is not None and person.email == AT_ALLOWED_DOMAIN
    assert (person.first_name, person.last_name) == ("Pat", "Partner")
    assert not person.memberships.exists()
    assert heading(page) == "My places"
    assert "Riverside Borough" not in page.text


def test_a_person_with_an_authenticator_app_is_not_asked_for_a_code(
    django_app, provider_browser, signs_in_through, lead
):
    """Their organisation asked for its own second factor; signing in with a password, they
    are asked for a code (so the authenticator is really set up)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(lead, generate_totp_secret())

    page = django_app.get("/accounts/login/")
    form = next(f for f in page.forms.values() if f.action.endswith("/accounts/login/"))
    form["login"], form["password"] = LEAD, PASSWORD
    asked = form.submit().follow()
    assert asked.request.path == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in django_app.session
    django_app.reset()

    page = sign_in(django_app, provider_browser, LEAD)

    assert signed_in_as(django_app) == lead
    assert heading(page) == "My places"


# ---- refused, each with a clear page and nobody signed in --------------------------------------


def test_a_wrong_state_is_refused(django_app, provider_browser, signs_in_through, lead):
    callback = provider_browser.to_app(to_provider(django_app), email=LEAD)
    state = query_of(callback)["state"]

    page = back_at_app(django_app, callback.replace(f"state={state}", "state=forged-state"))

    assert page.status_code == 401
    assert heading(page) == "This sign-in has expired"
    assert "You are not signed in" in page.text
    assert_not_signed_in(django_app)


def test_a_sign_in_answer_from_another_browser_is_refused(
    django_app, provider_browser, signs_in_through, lead
):
    """The state is kept in the session of the browser that started the sign-in."""
    from django_webtest import DjangoTestApp

    callback = provider_browser.to_app(to_provider(django_app), email=LEAD)
    other_browser = DjangoTestApp()

    page = back_at_app(other_browser, callback)

    assert page.status_code == 401
    assert heading(page) == "This sign-in has expired"
    assert_not_signed_in(other_browser)


def test_a_replayed_answer_is_refused(django_app, provider_browser, signs_in_through, lead):
    """The same answer again (from the browser's history, after signing out): its state was
    used up the first time."""
    callback = provider_browser.to_app(to_provider(django_app), email=LEAD)
    home = back_at_app(django_app, callback)
    assert signed_in_as(django_app) == lead
    sign_out = next(f for f in home.forms.values() if f.action.endswith("/accounts/logout/"))
    sign_out.submit()
    assert "_auth_user_id" not in django_app.session

    page = back_at_app(django_app, callback)

    assert page.status_code == 401
    assert_not_signed_in(django_app)


def test_a_replayed_code_is_refused_by_the_provider(
    django_app, provider_browser, signs_in_through, lead
):
    """A code already exchanged, carried back with a fresh sign-in's state: the app's back
    channel asks the provider for tokens and the provider says no."""
    used = provider_browser.to_app(to_provider(django_app), email=LEAD)
    back_at_app(django_app, used)
    django_app.reset()
    fresh = provider_browser.to_app(to_provider(django_app), email=LEAD)

    replayed = fresh.replace(f"code={query_of(fresh)['code']}", f"code={query_of(used)['code']}")
    page = back_at_app(django_app, replayed)

    assert page.status_code == 401
    assert heading(page) == "We could not check your sign-in"
    assert_not_signed_in(django_app)


def test_an_unverified_address_is_refused(
    django_app, provider_browser, signs_in_through, make_person, place
):
    from assessment.models import Membership

    person = make_person(UNVERIFIED, "Una", "Verified")
    Membership.objects.create(user=person, place=place, role="respondent")

    page = sign_in(django_app, provider_browser, UNVERIFIED)

    assert page.status_code == 403
    assert heading(page) == "Your provider has not confirmed your address"
    assert "You are not signed in" in page.text
    assert_not_signed_in(django_app)
    assert not person.socialaccount_set.exists()


def test_an_uninvited_address_is_refused_and_no_account_made(
    django_app, provider_browser, signs_in_through
):
    page = sign_in(django_app, provider_browser, UNINVITED)

    assert page.status_code == 403
    assert heading(page) == "This address has not been invited"
    assert UNINVITED in page.text
    assert "no account was made and you are not signed in" in page.text
    assert not User.objects.filter(email__iexact=UNINVITED).exists()
    assert_not_signed_in(django_app)


def test_an_expired_id_token_is_refused(
    django_app, provider_browser, faulty_provider, use_provider, lead
):
    provider = faulty_provider(id_token_clock_offset=-3600)
    use_provider(provider.url)

    page = sign_in(django_app, provider_browser, LEAD)

    assert page.status_code == 401
    assert heading(page) == "We could not check your sign-in"
    assert "it may have expired" in page.text
    assert_not_signed_in(django_app)


def test_tokens_from_another_issuer_are_refused(
    django_app, provider_browser, faulty_provider, use_provider, lead
):
    provider = faulty_provider(issuer="https://impostor.example.org")
    use_provider(provider.url)

    page = sign_in(django_app, provider_browser, LEAD)

    assert page.status_code == 401
    assert heading(page) == "We could not check your sign-in"
    assert_not_signed_in(django_app)


@pytest.mark.parametrize("nonce", ["omit", "wrong"])
def test_an_id_token_without_the_nonce_sent_is_refused(
    django_app, provider_browser, faulty_provider, use_provider, lead, nonce
):
    provider = faulty_provider(nonce=nonce)
    use_provider(provider.url)

    page = sign_in(django_app, provider_browser, LEAD)

    assert page.status_code == 403
    assert heading(page) == "The sign-in could not be checked"
    assert "You are not signed in" in page.text
    assert_not_signed_in(django_app)


def test_a_provider_that_is_down_gets_a_clear_page(django_app, use_provider, lead):
    use_provider(closed_port_url())

    page = press_provider_button(django_app)

    assert page.status_code == 401
    assert heading(page) == f"We could not reach {PROVIDER_NAME}"
    assert "Try again shortly" in page.text
    assert_not_signed_in(django_app)


def test_a_provider_that_goes_down_mid_sign_in_gets_a_clear_page(
    django_app, provider_browser, faulty_provider, use_provider, lead
):
    provider = faulty_provider()
    use_provider(provider.url)
    callback = provider_browser.to_app(to_provider(django_app), email=LEAD)
    provider.stop()

    page = back_at_app(django_app, callback)

    assert page.status_code == 401
    assert heading(page) == f"We could not reach {PROVIDER_NAME}"
    assert_not_signed_in(django_app)


def test_a_provider_that_refuses_the_person_gets_a_clear_page(
    django_app, provider_browser, signs_in_through
):
    page = sign_in(django_app, provider_browser, REFUSED)

    assert page.status_code == 401
    assert heading(page) == f"{PROVIDER_NAME} did not sign you in"
    assert_not_signed_in(django_app)


def test_a_wrong_client_secret_gets_a_clear_page(
    django_app, provider_browser, oidc_provider, use_provider, lead
):
    """The provider refuses the app's token request (invalid_client)."""
    use_provider(oidc_provider.url, client_secret="not-the-secret")

    page = sign_in(django_app, provider_browser, LEAD)

    assert page.status_code == 401
    assert heading(page) == "We could not check your sign-in"
    assert_not_signed_in(django_app)


def test_a_person_who_cancels_at_the_provider_gets_a_clear_page(
    django_app, provider_browser, signs_in_through, lead
):
    page = sign_in(django_app, provider_browser, None, outcome="cancel")

    assert page.request.path == "/accounts/3rdparty/login/cancelled/"
    assert heading(page) == "Sign-in cancelled"
    assert "you are not signed in" in page.text
    assert_not_signed_in(django_app)


def test_opening_the_provider_address_asks_before_going(django_app, signs_in_through):
    """A GET never starts a sign-in (another site could start one for the person)."""
    page = django_app.get("/accounts/oidc/test-nhs/login/")

    assert heading(page) == f"Sign in with {PROVIDER_NAME}"
    going = page.forms[0].submit()
    assert going.status_code == 302
    assert going.location.startswith("http://127.0.0.1:")


def test_failed_sign_ins_through_the_provider_are_in_the_audit_log(
    django_app, provider_browser, signs_in_through
):
    from accounts.models import AuditEvent, AuditKind

    sign_in(django_app, provider_browser, UNINVITED)
    django_app.reset()
    provider_browser.session.cookies.clear()  # signed out at the provider too
    sign_in(django_app, provider_browser, REFUSED)

    failed = AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED).order_by("at", "pk")
    assert [(event.email, event.detail) for event in failed] == [
        (UNINVITED, "uninvited"),
        ("", f"Through {PROVIDER_NAME}: refused"),
    ]
