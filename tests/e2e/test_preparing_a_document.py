"""The page shown while a worker makes a PDF: it says how the PDF is coming along in a polite
status region, checks by itself (no page reloading under a screen reader's feet) and opens the
PDF once it is ready."""

import re

import pytest
from playwright.sync_api import expect

from assessment.models import Assessment
from reports.tasks import render_pdf

from .conftest import LEAD, csp_violations, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def queued(settings, monkeypatch):
    """A real queue (the request only asks for the PDF), and stand-ins for Chromium and
    WeasyPrint when the worker makes it: the page, not the PDF, is tested here."""
    from reports import pdf

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(pdf, "report_svgs", lambda report: {"radar": "", "lessons": ""})
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: b"%PDF-1.7 stand-in")


def test_it_checks_by_itself_and_opens_the_pdf_once_a_worker_has_made_it(page, demo, queued):
    sign_in(page, LEAD)
    page.get_by_role("region", name="Riverside Borough").get_by_role(
        "link", name="2025 Q4", exact=True
    ).click()
    page.get_by_role("link", name="Open the report").click()
    pdf_url = page.get_by_role("link", name="Download PDF").get_attribute("href")
    response = page.goto(pdf_url)
    assert response.status == 202
    progress = page.get_by_role("status")
    expect(progress).to_contain_text("It is waiting for the next free worker")
    expect(page.get_by_text("This page checks again every few seconds")).to_be_visible()
    page.evaluate("window.notReloaded = true")  # gone if the page reloads itself
    with page.expect_response(lambda r: r.url.endswith(pdf_url) and r.status == 202):
        pass  # the script asks, and is told the PDF is still on its way
    expect(progress).to_contain_text("It is waiting for the next free worker")
    assert page.evaluate("window.notReloaded") is True
    assert page.problems.messages == []
    assert csp_violations(page) == []

    closed = Assessment.objects.get(place__code="riverside", period="2025 Q4")

    def the_pdf(response) -> bool:
        return response.url.endswith(pdf_url) and response.status == 200

    with page.expect_response(the_pdf) as opened:
        render_pdf.call("report", assessment_id=closed.pk)  # as the worker would
    assert opened.value.headers["content-type"] == "application/pdf"
    expect(page).to_have_url(re.compile(re.escape(pdf_url) + "$"))  # opened, in this tab
