"""A real OpenID Provider on loopback (tests/oidc/provider: node's certified oidc-provider), and
the app pointed at it, for the tests that sign in through it.

The provider is a separate process (tests/oidc/openid_provider.py): the session's provider
serves every test that needs a well-behaved one, and a test that needs a faulty one (an expired
token, another issuer, no nonce) starts its own, which stops after it. Its sign-in page is one
plain form, so `ProviderBrowser` drives it with `requests` while django-webtest plays the
browser on the app's side.
"""

from urllib.parse import urljoin, urlsplit

import pytest
import requests

from tests.oidc.openid_provider import (
    TEST_SERVER_CALLBACK,
    Provider,
    app_settings_for,
    start_provider,
)


@pytest.fixture(scope="session")
def oidc_provider():
    """The well-behaved provider, for the whole session."""
    provider = start_provider([TEST_SERVER_CALLBACK])
    yield provider
    provider.stop()


@pytest.fixture
def faulty_provider():
    """Start a provider with faults (see start_provider) for one test; stopped after it."""
    started = []

    def start(**faults) -> Provider:
        provider = start_provider([TEST_SERVER_CALLBACK], **faults)
        started.append(provider)
        return provider

    yield start
    for provider in started:
        provider.stop()


@pytest.fixture
def use_provider(settings):
    """Point the app at a provider's address (with overrides of the OIDC_PROVIDERS entry)."""

    def use(url: str, **entry) -> None:
        app_settings_for(settings, url, **entry)

    return use


@pytest.fixture
def signs_in_through(use_provider, oidc_provider):
    """The app, pointed at the session's provider."""
    use_provider(oidc_provider.url)
    return oidc_provider


class ProviderBrowser:
    """The person's side at the provider: its pages through a `requests.Session` (its cookies
    kept, as a browser keeps them), redirects followed by hand until one leads back to the app."""

    def __init__(self):
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def to_app(self, url: str, *, email: str | None = None, outcome: str = "sign-in") -> str:
        """Follow ``url`` (the app's redirect to the provider) through the provider's sign-in
        page, signing in as ``email`` (or pressing "Cancel"), to the address that leads back to
        the app; return that address."""
        for _ in range(10):
            if urlsplit(url).hostname in {"testserver", "localhost"}:
                return url
            response = self.session.get(url, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                continue
            assert response.status_code == 200, response.text
            assert "Test provider: sign in" in response.text, response.text
            assert email is not None or outcome == "cancel", "the provider asks who is signing in"
            action = urljoin(url, _form_action(response.text))
            response = self.session.post(
                action, data={"email": email or "", "outcome": outcome}, allow_redirects=False
            )
            assert response.is_redirect, response.text
            url = urljoin(action, response.headers["Location"])
        raise AssertionError(f"too many redirects at the provider, last {url}")


def _form_action(html: str) -> str:
    start = html.index('action="') + len('action="')
    return html[start : html.index('"', start)]


@pytest.fixture
def provider_browser():
    browser = ProviderBrowser()
    yield browser
    browser.close()
