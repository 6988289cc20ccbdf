"""A lead records an agreed position, reads the report with its charts, and gets the PDF."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import LEAD, csp_violations, drawn, sign_in

pytestmark = pytest.mark.e2e

RATIONALE = "Agreed in the browser test after weighing the evidence."


def test_it_lets_a_lead_record_consensus_and_read_the_report_and_pdf(page, demo):
    sign_in(page, LEAD)
    riverside = page.get_by_role("region", name="Riverside Borough")
    riverside.get_by_role("link", name="2026 Q2", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consensus")
    page.get_by_role("link", name="Consensus: agreed positions and targets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consensus: Riverside Borough, 2026 Q2"
    )
    # The demo agreed the first 12 of 25 items; the first "Record" link is one still to agree.
    expect(page.get_by_text("12 of 25 recorded.")).to_be_visible()
    record = page.get_by_role("link", name=re.compile(r"^Record ")).first
    title = record.inner_text().removeprefix("Record").strip()
    row_id = record.locator("xpath=ancestor::article").get_attribute("id")
    record.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.get_by_label("Agreed current level").select_option("1")
    page.get_by_label("Agreed target level").select_option("3")
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Save agreed position").click()

    expect(page.get_by_role("status")).to_contain_text(f"Consensus on {title} saved.")
    assert page.url.endswith(f"#{row_id}")
    row = page.locator(f"article#{row_id}")
    expect(row.locator(".agreed")).to_have_text("Agreed now 1, target 3")
    expect(row.get_by_role("link", name=f"Review {title}")).to_be_visible()
    expect(page.get_by_text("13 of 25 recorded.")).to_be_visible()

    # The report: plotly.js draws the radar, with nothing refused by the CSP on the way.
    page.get_by_role("link", name="2026 Q2").click()
    page.get_by_role("link", name="Open the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Borough, 2026 Q2: report")
    drawn(page, "#chart-radar")
    drawn(page, "#chart-lessons")
    expect(page.locator("#chart-radar")).to_contain_text("Commissioning")  # axis labels drawn
    assert page.problems.messages == []
    assert csp_violations(page) == []

    link = page.get_by_role("link", name="Download PDF")
    response = page.request.get(link.get_attribute("href"), timeout=60_000)
    assert response.status == 200, response.text()[:500]
    assert response.headers["content-type"] == "application/pdf"
    assert "riverside-borough-2026-q2" in response.headers["content-disposition"]
    body = response.body()
    assert body.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Riverside Borough" in text
    assert title in text  # the lesson agreed above is in the lessons table


def test_it_offers_no_button_that_sends_a_chart_off_site(page, demo):
    # plotly.js 4 adds "Share chart..." to every chart's mode bar by default: it uploads the
    # figure, a place's scores, to Plotly Cloud. These deployments sit on closed networks.
    sign_in(page, LEAD)
    page.get_by_role("region", name="Riverside Borough").get_by_role(
        "link", name="2026 Q2", exact=True
    ).click()
    page.get_by_role("link", name="Open the report").click()
    drawn(page, "#chart-radar")
    expect(page.locator("#chart-radar .modebar").first).to_be_attached()
    # Both charts are drawn, mode bars and all: count what is there now, without waiting.
    drawn(page, "#chart-lessons")
    share = page.get_by_role("button", name=re.compile(r"share", re.IGNORECASE))
    assert share.count() == 0, f"charts offer {share.count()} 'Share chart...' buttons"
