"""Signing in through a real OpenID Provider (tests/oidc/provider) in a real browser: the button
on the sign-in page, the provider's own page, and back to the round waiting for the person."""

import re

import pytest
from playwright.sync_api import expect

from tests.oidc.openid_provider import (
    CALLBACK_PATH,
    PROVIDER_NAME,
    UNINVITED,
    app_settings_for,
    start_provider,
)

from .conftest import RESPONDENT, csp_violations
from .test_accessibility import _violations

pytestmark = [pytest.mark.e2e, pytest.mark.chromium, pytest.mark.oidc]


@pytest.fixture
def provider(live_server, settings):
    """A provider that sends people back to the live server, and the app pointed at it (over
    plain http, as `make run` is)."""
    started = start_provider(
        [f"{live_server.url}{CALLBACK_PATH}"],
        accounts=[
            {"email": RESPONDENT, "name": "Dan Reilly"},
            {"email": UNINVITED, "name": "Nobody Asked"},
        ],
    )
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    app_settings_for(settings, started.url)
    yield started
    started.stop()


def _at_the_provider(page, provider):
    page.goto("/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url(f"{provider.url}/interaction/*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: sign in")


def _app_problems(page, provider, status: str = "") -> list[str]:
    """What went wrong in the browser, less the visit to the provider (another site) and
    Chromium's note of a page's refusal ``status`` ("403 (Forbidden)") where one is expected."""
    expected = (
        f"console error: Failed to load resource: the server responded with a status of {status}"
    )
    return [
        m
        for m in page.problems.messages
        if provider.url not in m and not (status and m == expected)
    ]


def test_a_person_signs_in_with_their_organisation_and_lands_on_their_round(page, demo, provider):
    _at_the_provider(page, provider)
    page.get_by_label("Email address").fill(RESPONDENT)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(r"/assessments/\d+/respond/"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert csp_violations(page) == []
    assert _app_problems(page, provider) == []


def test_a_person_who_cancels_at_the_provider_is_told_and_not_signed_in(page, demo, provider):
    _at_the_provider(page, provider)
    page.get_by_role("button", name="Cancel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cancelled")
    expect(page.get_by_text("you are not signed in")).to_be_visible()
    assert _violations(page, "sign-in cancelled") == []
    page.get_by_role("link", name="Back to sign in").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert csp_violations(page) == []
    assert _app_problems(page, provider) == []


def test_an_uninvited_address_is_told_so_and_not_signed_in(page, demo, provider):
    from django.contrib.auth import get_user_model

    _at_the_provider(page, provider)
    page.get_by_label("Email address").fill(UNINVITED)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("This address has not been invited")
    expect(page.get_by_text(UNINVITED)).to_be_visible()
    assert _violations(page, "provider sign-in refused") == []
    assert not get_user_model().objects.filter(email__iexact=UNINVITED).exists()
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert _app_problems(page, provider, status="403 (Forbidden)") == []
