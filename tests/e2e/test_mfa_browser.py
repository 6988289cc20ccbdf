"""Second factors in a real browser: a passkey added and then used to sign in with no password
(Chromium's virtual authenticator, over CDP), and an authenticator app set up with the keyboard
alone, with axe finding nothing serious on any multi-factor or sign-in-by-code page, at a
desktop's width or a phone's (390 px).

Passkeys need a secure context: the live server answers on http://localhost, which is one."""

import re
from urllib.parse import urlparse

import pyotp
import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, LEAD, RESPONDENT, csp_violations, sign_in
from .test_accessibility import _report, _violations

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 390
MAX_TABS = 60
# Where Dan lands once signed in: the demo's open round, waiting for his answers.
SCORING = re.compile(r"/assessments/\d+/respond/")


def virtual_authenticator(context, page):
    """A platform authenticator that holds passkeys and verifies its user, as a laptop's
    fingerprint reader does; it answers every request at once."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def confirm_it_is_you(page, password=DEMO_PASSWORD):
    """Changing how one signs in asks for the password again."""
    if page.get_by_role("heading", name="Confirm it is you", level=1).count():
        page.get_by_label("Password").fill(password)
        page.get_by_label("Password").press("Enter")


def sign_in_to_score(page, email=RESPONDENT):
    """Sign in as someone with a round waiting for their answers: they land on it."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(SCORING)


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_a_passkey_added_on_the_page_then_signs_in_with_no_password(context, page, demo):
    cdp, authenticator = virtual_authenticator(context, page)
    sign_in(page, LEAD)
    assert urlparse(page.url).hostname == "localhost", "passkeys need http://localhost"

    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey").click()
    confirm_it_is_you(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey")
    page.get_by_label("A name for it").fill("Work laptop")
    expect(page.get_by_label("Also use it to sign in without a password")).to_be_checked()
    page.get_by_role("button", name="Add the passkey").click()

    # The first second factor comes with recovery codes.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert [c["isResidentCredential"] for c in held["credentials"]] == [True]
    page.goto("/accounts/2fa/webauthn/")
    row = page.get_by_role("row", name=re.compile("Work laptop"))
    expect(row).to_contain_text("Signs in without a password")

    sign_out(page)
    page.get_by_role("button", name="Sign in with a passkey").click()

    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("heading", name="My places", level=1)).to_be_visible()
    expect(page.locator(".navbar-text")).to_have_text("Priya Shah")

    # Listed, and removed again.
    page.goto("/accounts/2fa/webauthn/")
    found = check(page, "your passkeys")
    page.get_by_role("link", name="Remove Work laptop").click()
    confirm_it_is_you(page)
    expect(page.get_by_role("heading", level=1)).to_have_text('Remove the passkey "Work laptop"?')
    found += check(page, "remove a passkey")
    page.get_by_role("button", name="Remove it").click()
    page.goto("/accounts/2fa/webauthn/")
    expect(page.get_by_text("You have no passkeys yet.")).to_be_visible()
    assert not page.problems.messages, page.problems.messages
    assert not csp_violations(page)
    assert not found, _report(found)


def test_a_passkey_is_offered_as_the_second_step_of_a_password_sign_in(context, page, demo):
    virtual_authenticator(context, page)
    sign_in_to_score(page)
    page.goto("/accounts/2fa/webauthn/add/")
    confirm_it_is_you(page)
    page.get_by_label("Also use it to sign in without a password").uncheck()
    page.get_by_role("button", name="Add the passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    sign_out(page)

    page.get_by_label("Email address").fill(RESPONDENT)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_role("button", name="Use a passkey").click()

    page.wait_for_url(SCORING)
    expect(page.locator(".navbar-text")).to_have_text("Dan Reilly")
    assert not page.problems.messages, page.problems.messages


# --- the keyboard alone, and axe ----------------------------------------------------------------


def tab_to(page, name: str, role: str = "link", exact: bool = True):
    """Press Tab until the control a person would look for has the focus, as a keyboard user
    moves through the page; fails if it is never reached."""
    target = page.get_by_role(role, name=name, exact=exact)
    for _ in range(MAX_TABS):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the {role} {name!r} on {page.url}")


def check(page, name: str) -> list[str]:
    """axe's serious findings on the page as drawn, then again at a phone's width, where the
    page must not scroll sideways."""
    found = _violations(page, name)
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    found += _violations(page, f"{name} at {PHONE_WIDTH}px")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > PHONE_WIDTH:
        found.append(f"{name}: {wide}px wide at {PHONE_WIDTH}px, so it scrolls sideways")
    page.set_viewport_size(size)
    return found


def test_an_authenticator_app_is_set_up_with_the_keyboard_alone(page, demo):
    found = []
    page.goto("/accounts/login/")
    page.keyboard.type(RESPONDENT)  # the address field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(SCORING)

    page.goto("/accounts/2fa/")
    found += check(page, "sign-in and security")
    # Within minutes of signing in, setting one up does not ask for the password again; the
    # page that asks (once the sign-in is older) is used with the keyboard alone too.
    page.goto("/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    found += check(page, "confirm it is you")
    tab_to(page, "Password", role="textbox")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    found += check(page, "set up an authenticator app")
    secret = page.locator("#totp-secret").inner_text()
    tab_to(page, "Code from the app", role="textbox")
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    expect(page.locator("#id_code_error")).to_contain_text("Incorrect code")
    expect(page.get_by_role("textbox", name="Code from the app")).to_have_attribute(
        "aria-invalid", "true"
    )
    found += check(page, "set up an authenticator app, wrong code")
    tab_to(page, "Code from the app", role="textbox")
    page.keyboard.type(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    found += check(page, "recovery codes")
    page.goto("/accounts/2fa/")
    expect(page.locator("section[aria-labelledby=totp-heading]")).to_contain_text("On")
    found += check(page, "sign-in and security, set up")
    for name, url in [
        ("make new codes", "/accounts/2fa/recovery-codes/generate/"),
        ("add a passkey", "/accounts/2fa/webauthn/add/"),
        ("turn off the app", "/accounts/2fa/totp/deactivate/"),
    ]:
        page.goto(url)
        found += check(page, name)

    # The next sign-in asks for the code; the code field has the focus.
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.keyboard.type(RESPONDENT)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    expect(page.get_by_role("textbox", name="Code")).to_be_focused()
    found += check(page, "second step of a sign-in")
    page.keyboard.type(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    page.wait_for_url(SCORING)
    expect(page.locator(".navbar-text")).to_have_text("Dan Reilly")

    assert not page.problems.messages, page.problems.messages
    assert not csp_violations(page)
    assert not found, _report(found)


def test_the_sign_in_by_code_pages_work_with_the_keyboard_and_pass_axe(page, demo):
    found = []
    page.goto("/accounts/login/")
    tab_to(page, "E-mail me a sign-in code instead")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with a code by e-mail")
    found += check(page, "ask for a sign-in code")
    expect(page.get_by_role("textbox", name="Email address")).to_be_focused()
    page.keyboard.type(RESPONDENT)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    expect(page.get_by_role("textbox", name="Sign-in code")).to_be_focused()
    found += check(page, "enter the sign-in code")
    page.keyboard.type("AAAA-AAAA")
    page.keyboard.press("Enter")
    expect(page.locator("#id_code_error")).to_contain_text("Incorrect code")
    found += check(page, "enter the sign-in code, wrong code")

    assert not page.problems.messages, page.problems.messages
    assert not found, _report(found)
