"""A real browser against the live server: the demo data, a warm Chromium, a fresh context.

These tests run on their own (`pytest -m e2e tests/e2e`): `live_server` empties the database
after each test, so every test loads the frameworks and the demo again.
"""

import io
import os
import re

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "integration-demo"
LEAD = "priya.shah@riverside.example.org"
# Neither Asha nor Dan has started the demo's open round, so Dan can score it.
RESPONDENT = "dan.reilly@riverside.example.org"
ANALYST = "analyst@example.org"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Sync Playwright runs an asyncio loop on this thread, and Django then refuses ORM calls
    # (fixtures, the flush after each test) as "async". Nothing here is async: allow them,
    # for the browser tests only, and put things back afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _plain_http(settings, tmp_path):
    # Secure cookies would never travel over the live server's plain http, as with `make run`
    # (DEBUG on). Cached PDFs go to this test's own folder so each test renders afresh.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(live_server):
    """The published frameworks and the demo places, people and rounds (assessment/demo.py)."""
    call_command("load_frameworks", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())


class BrowserProblems:
    """What went wrong in the browser: console errors, uncaught exceptions, CSP violations."""

    def __init__(self, page, origin: str):
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        # Nothing is fetched from anywhere but the app itself (no CDN, closed networks).
        page.on("request", lambda request: self._request(request, origin))

    def _request(self, request, origin):
        if request.url.startswith(("http:", "https:")) and not request.url.startswith(origin):
            self.messages.append(f"request off site: {request.url}")

    def _console(self, message):
        # Chromium reports a refused script or style as a console error; some as warnings.
        if message.type == "error" or "Content Security Policy" in message.text:
            self.messages.append(f"console {message.type}: {message.text}")


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, live_server):
    page = context.new_page()
    page.problems = BrowserProblems(page, live_server.url)
    # A CSP violation is also reported to the page as an event: record it there too.
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
        "e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )
    return page


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def drawn(page, chart: str):
    """The chart (a selector), drawn: charts.js draws a chart only once it nears the screen, so
    scroll to it as a reader would, then wait for plotly.js's SVG in it."""
    return _scrolled_to_and_drawn(page.locator(chart))


def draw_every_chart(page) -> None:
    """Scroll to each chart of the page in turn, waiting for each to be drawn."""
    charts = page.locator("[data-chart]")
    for n in range(charts.count()):
        _scrolled_to_and_drawn(charts.nth(n))


def _scrolled_to_and_drawn(chart):
    chart.scroll_into_view_if_needed()
    chart.locator(".main-svg").first.wait_for(state="attached")
    return chart


def sign_in(page, email, password=DEMO_PASSWORD):
    """Sign in through the real form: type the e-mail and password, press Enter; then go home
    (a sign-in lands on the one round waiting for someone's answers)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(re.compile(r"^https?://[^/]+/(?!accounts/login|signed-in)"))
    if not re.match(r"^https?://[^/]+/$", page.url):
        page.goto("/")
    # Home: My places, or for an analyst with no place of their own, the comparison.
    page.locator("h1").first.wait_for()
