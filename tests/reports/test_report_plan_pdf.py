"""The report PDF's plan sections: the one-page summary first, "since last round" and the
improvement plan, read back from the PDF's text with pypdf (real Chromium and WeasyPrint); and
the PDF made again when an action changes."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import ActionStatus, Response
from reports import pdf
from reports.selectors import report_build

from .plan_rounds import TODAY, build_two_rounds, set_status


@pytest.fixture
def rounds(make_round, lead, respondent):
    return build_two_rounds(make_round, lead, respondent)


def pdf_pages(client, assessment) -> list[str]:
    """Each page's text, its runs of spaces and line breaks read as one space."""
    response = client.get(reverse("reports-pdf", args=[assessment.pk]))
    assert response.status_code == 200, response.content[:500]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def section_text(pages: list[str], heading: str, next_heading: str) -> str:
    """A section's text, from its heading to the next section's: sections flow from page to page
    (the contents page, which lists them all, aside). Each page's running header and footer
    stays in, where the page breaks."""
    text = " ".join(page for page in pages if not page.startswith("Contents"))
    start = text.index(f" {heading} ")
    return text[start : text.index(f" {next_heading} ", start)]


@pytest.fixture
def pages(client, viewer, rounds, media):
    client.force_login(viewer)
    return pdf_pages(client, rounds.current)


@pytest.fixture
def split_pages(client, viewer, rounds, media, settings):
    """The PDF where a deployment calls an item split as soon as one answer is over a level from
    the median, and Workforce's answers are three levels apart (the lead now says 4, the
    respondent 1). Two people can never split an item by SCIROCCO's rule (four answers outside
    the band), nor by this one with answers two levels apart (1 and 3 are each one level from
    their median of 2); the summary's test is of how it shows a split item."""
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 0
    answers = Response.objects.filter(
        respondent__assessment=rounds.current, item__key="workforce", current=3
    )
    assert answers.update(current=4) == 1
    client.force_login(viewer)
    return pdf_pages(client, rounds.current)


@pytest.mark.chromium
def test_it_opens_with_a_one_page_summary_that_names_the_place_once(split_pages):
    first = split_pages[0]
    assert first.startswith("INTEGRATION OF HEALTH AND SOCIAL CARE")
    assert first.count("Riverside Borough") == 1
    assert "Summary" in first and "Page 1 of" in first
    assert "2 of 3 responded" in first
    assert "0 of 2 actions done" in first and "1 action overdue" in first
    # The three largest gaps, largest first, and whether anyone owns them. (pypdf reads the
    # list's numbers after the text, so they are left out here.)
    assert (
        "The three largest gaps Leadership: now 1 (Emerging), target 4: a gap of 3; No action yet "
        "Information management: now 1.5 (Emerging), target 3: a gap of 1.5; No action yet "
        "Focus on individuals: now 2 (Developed), target 3: a gap of 1; No action yet"
    ) in first
    assert "Splits to resolve" in first and "Workforce: answers from 1 to 4" in first
    due = (TODAY - timedelta(days=10)).strftime("%-d %b %Y")
    assert f"Overdue Pool the community equipment budget: due {due}" in first
    # Workforce is up too: 2 in 2025 Q4, now the median of 1 and 4.
    assert "Change since 2025 Q4" in first and "Factors: 3 up, 3 down, 3 unchanged" in first
    # The contents follow on the next page, then the rest of the report.
    assert split_pages[1].startswith("Contents Summary")
    assert "The nine factors" in split_pages[2] and "Summary" not in split_pages[2]


@pytest.mark.chromium
def test_it_prints_both_rounds_levels_and_the_change_since_last_round(pages):
    since = section_text(pages, "Since last round", "Improvement plan")
    assert "Factor 2025 Q4 2026 Q4 Change" in since
    assert "Impact 1 3 +2" in since  # agreed in both rounds
    assert "Care model 2 3 (median) +1" in since
    assert "Governance 3.5 (median) 2 (median) −1.5" in since
    assert "Place (context) 2 (median) 2 (median) no change" in since
    lesson = "8. Pool resources to enable commissioners and integrated teams to use resources"
    assert f"{lesson} flexibly 1 2 (median) +1" in since


@pytest.mark.chromium
def test_it_prints_the_actions_completed_since_and_whether_they_worked(pages):
    text = " ".join(pages)
    assert (
        "Agree a shared outcomes framework Done, in 2025 Q4's plan; due "
        f"{(TODAY - timedelta(days=60)).strftime('%-d %b %Y')} Impact 1 3 2 Reached"
    ) in text
    assert "Redesign the neighbourhood care model" in text
    assert "Care model 2 3 4 Not yet" in text


@pytest.mark.chromium
def test_it_prints_the_plan_by_factor_with_owners_due_dates_and_overdue_marked(pages):
    plan = section_text(pages, "Improvement plan", "The sixteen lessons")
    due = (TODAY - timedelta(days=10)).strftime("%-d %b %Y")
    assert "Commissioning and payment — now 2 Developed, target 3 Well developed" in plan
    assert (
        "Pool the community equipment budget Expected to reach level 3 Well developed. "
        "Carried over from 2025 Q4. Finance leads of the council and the ICB "
        f"{due} In progress Overdue"
    ) in plan
    in_90_days = (TODAY + timedelta(days=90)).strftime("%-d %b %Y")
    assert (
        "Joint induction for the neighbourhood teams Expected to reach level 3 Well developed. "
        f"Tom Hughes {in_90_days} Planned"
    ) in plan
    # The gaps nobody owns, listed as such in one compact table.
    assert "The nine factors with a gap and No action yet (" in plan
    assert "Leadership Now 1 Emerging, target 4 Extensive development (team's median)" in plan


def test_it_makes_a_new_pdf_when_an_action_changes(rounds):
    before = pdf.report_document(report_build(rounds.current)).digest
    assert pdf.report_document(report_build(rounds.current)).digest == before
    set_status(rounds.induction, ActionStatus.IN_PROGRESS)
    after = pdf.report_document(report_build(rounds.current)).digest
    assert after != before


def test_it_serves_the_changed_plan_rather_than_the_cached_pdf(
    client, viewer, rounds, media, fake_render
):
    client.force_login(viewer)
    url = reverse("reports-pdf", args=[rounds.current.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert len(fake_render) == 1  # the second reader is served the stored file
    set_status(rounds.induction, ActionStatus.DONE)
    assert client.get(url).status_code == 200
    assert len(fake_render) == 2
    assert "1 of 2</span> actions done" in fake_render[-1]


MM = 72 / 25.4
TOP, BOTTOM = 22 * MM, 20 * MM  # the report's page margins (reports/_print_style.html)


def page_fill(page) -> float:
    """How far down its body a page's text reaches: 1.0 to the bottom margin."""
    height = float(page.mediabox.height)
    lows = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and BOTTOM < y < height - TOP:  # not the running header or footer
            lows.append(y)

    page.extract_text(visitor_text=visit)
    return (height - TOP - min(lows, default=height - TOP)) / (height - TOP - BOTTOM)


@pytest.mark.chromium
def test_every_page_but_the_front_contents_and_last_is_at_least_two_thirds_full(
    client, viewer, rounds, media
):
    client.force_login(viewer)
    response = client.get(reverse("reports-pdf", args=[rounds.current.pk]))
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    texts = [page.extract_text() for page in reader.pages]
    assert texts[1].startswith("Contents") or "Contents" in texts[1][:200]
    # The front page and the contents page end where they are meant to; the last, anywhere.
    fills = {n: page_fill(page) for n, page in enumerate(reader.pages[2:-1], start=3)}
    assert fills and all(fill >= 2 / 3 for fill in fills.values()), fills
