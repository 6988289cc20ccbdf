"""The report PDF as a board reads it: a contents page whose page numbers are right, an outline
of the sections and factors, sources cited as references, how many responded, a short PDF for a
round with nothing to report, and no last page holding only a few lines. WeasyPrint lays out
the real print templates; the charts are stand-ins of the real charts' size, since where they
are drawn from is tested in test_views.py."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from pypdf import PdfReader

from assessment.services import assessment_advance, assessment_open
from frameworks.models import Item
from reports import pdf
from reports.selectors import report_build

from .plan_rounds import add_action, build_two_rounds

# Drawn as big as the real radar and lessons charts, so that pages break where they would, and
# put in the print HTML as the real ones are.
CHARTS = {
    "radar": pdf._accessible(
        '<svg xmlns="http://www.w3.org/2000/svg" width="700" height="560">'
        '<rect width="700" height="560" fill="#eef1f5"/></svg>',
        "Radar chart",
    ),
    "lessons": pdf._accessible(
        '<svg xmlns="http://www.w3.org/2000/svg" width="700" height="820">'
        '<rect width="700" height="820" fill="#eef1f5"/></svg>',
        "Lessons chart",
    ),
}
SECTIONS = [
    "Summary",
    "The nine factors",
    "Gap analysis",
    "Since last round",
    "Improvement plan",
    "The sixteen lessons",
    "Factor by factor",
    "Method and sources",
]
FACTORS = [
    "1. Impact",
    "2. Place (context)",
    "3. Focus on individuals",
    "4. Care model",
    "5. Information management",
    "6. Commissioning and payment",
    "7. Workforce",
    "8. Governance",
    "9. Leadership",
]


def render(assessment) -> PdfReader:
    html = pdf.report_print_html(report_build(assessment), svgs=CHARTS)
    return PdfReader(io.BytesIO(pdf.html_to_pdf(html)))


def lines_of(reader: PdfReader) -> list[list[str]]:
    """Each page's lines of text, their runs of spaces read as one."""
    return [
        [" ".join(line.split()) for line in p.extract_text().splitlines()] for p in reader.pages
    ]


@pytest.fixture
def rounds(make_round, lead, respondent):
    return build_two_rounds(make_round, lead, respondent)


@pytest.fixture
def report_pdf(rounds) -> PdfReader:
    return render(rounds.current)


@pytest.fixture
def empty_round(place, lead, respondent, versions):
    """A round just opened: two people asked, nobody has submitted."""
    return assessment_open(
        place=place, period="2027 Q2", versions=versions, participants=[lead, respondent]
    )


def test_it_lists_each_section_on_a_contents_page_with_the_page_it_starts_on(report_pdf):
    pages = lines_of(report_pdf)
    contents = pages[1]
    assert contents[0] == "Contents"
    for heading in SECTIONS + FACTORS:
        [entry] = [
            line for line in contents if re.fullmatch(rf"{re.escape(heading)}[ .]*\d+", line)
        ]
        listed = int(entry.rsplit(" ", 1)[-1].lstrip("."))
        # The first page after the contents whose own line is the heading: where it starts.
        starts = next(n for n, lines in enumerate(pages, start=1) if n != 2 and heading in lines)
        assert listed == starts, f"{heading} is listed on page {listed}, printed on {starts}"


def test_it_prints_in_arial_s_metric_twin_as_the_word_paper_does(report_pdf):
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in report_pdf.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(font.startswith("Liberation-Sans") for font in fonts), fonts


def test_it_outlines_the_sections_and_under_factor_by_factor_each_factor(report_pdf):
    outline = report_pdf.outline
    titles = [entry.title for entry in outline if not isinstance(entry, list)]
    assert titles == SECTIONS
    [factors] = [entry for entry in outline if isinstance(entry, list)]
    assert [entry.title for entry in factors] == FACTORS
    assert outline.index(factors) == SECTIONS.index("Factor by factor") + 1


def test_it_cites_sources_by_author_and_year_never_by_number_or_short_link(
    report_pdf, django_app, viewer, rounds
):
    text = " ".join(" ".join(page.extract_text().split()) for page in report_pdf.pages)
    page = django_app.get(reverse("reports-page", args=[rounds.current.pk]), user=viewer)
    for shown in (text, " ".join(page.html.get_text().split())):
        assert "Source 0" not in shown and "bit.ly" not in shown
        assert "Lesson 1: Ham and Walsh (2013), lesson 1" in shown
        assert "Impact: Local Government Association (2016), executive summary headline 1" in shown
        assert (
            "Ham C, Walsh N (2013). Making integrated care happen at scale and pace: lessons "
            "from experience. London: The King's Fund."
        ) in shown


def test_it_says_how_many_responded_on_the_summary_the_page_and_the_pdf(
    report_pdf, django_app, viewer, rounds
):
    first = " ".join(report_pdf.pages[0].extract_text().split())
    assert "2 of 3 responded" in first
    assert "2 of 3 responded: the other 1 did not submit." in first
    page = django_app.get(reverse("reports-page", args=[rounds.current.pk]), user=viewer)
    summary = " ".join(page.html.find("section", class_="report-summary").get_text().split())
    assert "2 of 3 responded" in summary and "the other 1 did not submit" in summary
    assert "2 of 3 responded" in " ".join(page.html.h1.find_next("p").get_text().split())


def test_it_fills_the_last_page_with_more_than_a_few_lines(report_pdf):
    last = report_pdf.pages[-1].extract_text()
    assert len(last) > 800, last
    assert "References" in last


def test_it_gives_a_round_with_no_answers_a_short_pdf_that_says_so_once(empty_round):
    reader = render(empty_round)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert len(reader.pages) <= 3
    assert "Nothing to report yet" in text
    assert "0 of 2 respondents have submitted" in text
    assert "Method and sources" in text
    assert "No factor is below its target" not in text
    assert "No factor has reached its target yet" not in text
    assert "The nine factors" not in text and "Gap analysis" not in text


def test_it_shows_a_round_with_no_answers_as_nothing_to_report_instead_of_empty_charts(
    django_app, viewer, empty_round
):
    assessment_advance(assessment=empty_round)  # scoring ended with nobody's answers
    page = django_app.get(reverse("reports-page", args=[empty_round.pk]), user=viewer)
    text = " ".join(page.html.get_text().split())
    assert "Nothing to report yet 0 of 2 respondents have submitted" in text
    assert "No factor is below its target" not in text
    assert "No factor has reached its target yet" not in text
    assert page.html.find(id="chart-radar") is None
    assert page.html.find(id="factors-h") is None


def test_it_marks_each_factor_row_as_one_that_opens(django_app, viewer, rounds):
    page = django_app.get(reverse("reports-page", args=[rounds.current.pk]), user=viewer)
    rows = page.html.select("#factors-h ~ details")
    assert len(rows) == 9
    for row in rows:
        summary = row.summary
        # Inline, a summary loses the browser's disclosure triangle.
        assert "d-inline" not in summary.get("class", [])
        cue = summary.find(class_="disclosure-cue")
        assert cue["aria-hidden"] == "true" and "Show" in cue.get_text()
    assert "css/report.css" in page.text


def _words(element, count: int) -> str:
    return " ".join(element.get_text().split()[:count])


def test_it_never_ends_a_page_with_a_group_header_without_its_first_row(rounds, lead):
    """A table's rows grouped under a header row (the lessons by level, the plan by item) may
    run on to another page, but a group's header row goes with the group's first row."""
    # Three actions on each factor: the plan's table of the factors runs over pages.
    factors = Item.objects.filter(version__assessments=rounds.current).exclude(
        key__startswith="lesson-"
    )
    for factor in factors:
        for n in range(1, 4):
            add_action(
                rounds.current,
                lead,
                [factor.key],
                title=f"Step {n} for {factor.title}: agree who leads it, what it costs, and "
                "how the board will know it has worked",
                owner="Programme director of the integrated care partnership",
            )
    html = pdf.report_print_html(report_build(rounds.current), svgs=CHARTS)
    reader = PdfReader(io.BytesIO(pdf.html_to_pdf(html)))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)
    starts = [sum(len(p) + 1 for p in pages[:n]) for n in range(len(pages))]

    def page_at(offset: int) -> int:
        return max(n for n, start in enumerate(starts, start=1) if start <= offset)

    crossing, checked = [], 0
    for table in BeautifulSoup(html, "html.parser").select("table:has(tr.group-row)"):
        at = text.index(_words(table.caption, 6))
        table_starts = page_at(at)
        for header in table.select("tr.group-row"):
            at = text.index(_words(header, 3), at)
            first_row = header.find_next_sibling("tr")
            row_at = text.index(_words(first_row, 3), at)
            assert page_at(at) == page_at(row_at), (
                f"{_words(header, 6)!r} ends page {page_at(at)}; its first row "
                f"{_words(first_row, 6)!r} starts page {page_at(row_at)}"
            )
            at, checked = row_at, checked + 1
        crossing.append(page_at(at) > table_starts)
    # Both kinds of grouped table are here, and at least one runs on to another page.
    assert checked > 6 and any(crossing), (checked, crossing)
