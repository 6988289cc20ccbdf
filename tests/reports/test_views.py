"""The report page, its print version and its PDF (reports/views.py)."""

import io
import re
import textwrap

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Response
from assessment.services import assessment_advance

from .pages import download, figure, row
from .pdfs import raster_images
from .rounds import FACTOR_TITLES, record_consensus

REPORT_VIEWS = ("reports-page", "reports-print", "reports-pdf")


def report_url(assessment, name="reports-page"):
    return reverse(name, args=[assessment.pk])


# --- the report page ----------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["lead", "respondent", "viewer"])
def test_it_shows_the_report_to_every_member_of_the_place(client, request, ended_round, member):
    client.force_login(request.getfixturevalue(member))
    response = client.get(report_url(ended_round))
    assert response.status_code == 200
    assert "Riverside Borough, 2026 Q4: report" in response.text


@pytest.fixture
def care_model_split(ended_round, settings):
    """A deployment that calls an item split as soon as one answer is over a level from the
    median, and Care model's answers three levels apart: the respondent's 3 is now 4, beside the
    lead's 1. Two people can never split an item by SCIROCCO's rule (four answers outside the
    band), nor by this one with answers two levels apart (1 and 3 are each one level from their
    median of 2); the test is of how the report shows a split factor."""
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 0
    answers = Response.objects.filter(
        respondent__assessment=ended_round, item__key="care-model", current=3
    )
    assert answers.update(current=4) == 1


def test_it_shows_each_factors_position_target_gap_and_range(
    django_app, viewer, ended_round, care_model_split
):
    page = django_app.get(report_url(ended_round), user=viewer)
    # Factor, now, target, gap, range of answers, basis: medians of the lead's and respondent's.
    assert row(page, "Impact") == ["Impact", "1.5", "3.5", "2", "1–2", "median of 2"]
    assert row(page, "Place (context)")[1:4] == ["2", "—", "—"]  # context: no target, no gap
    assert row(page, "Care model Split")[1:5] == ["2.5", "4", "1.5", "1–4"]
    assert row(page, "Governance")[1:4] == ["3.5", "3", "-0.5"]


def test_it_shows_the_agreed_position_once_consensus_is_recorded(
    django_app, lead, viewer, ended_round
):
    record_consensus(ended_round, lead, "impact", current=3, target=4)
    page = django_app.get(report_url(ended_round), user=viewer)
    # The answers still give the range; the agreed position replaces their median.
    assert row(page, "Impact") == ["Impact", "3", "4", "1", "1–2", "agreed"]


def test_it_keeps_evidence_anonymous_unless_the_round_shows_names(client, viewer, ended_round):
    client.force_login(viewer)
    html = client.get(report_url(ended_round)).text
    # Without names an excerpt has no label at all: none that a reader could follow across items.
    assert "<li>Seen in the board papers. (impact)</li>" in html
    assert "Respondent 1" not in html
    assert "Tom Hughes" not in html and "Priya Shah" not in html
    ended_round.show_names = True
    ended_round.save()
    assert '<span class="who">Tom Hughes:</span>' in client.get(report_url(ended_round)).text


def test_it_ranks_the_gaps_and_names_the_strengths(client, viewer, ended_round):
    client.force_login(viewer)
    text = client.get(report_url(ended_round)).text
    # Impact and Care model share the largest gap; Impact stands lower so it comes first.
    assert "1. Impact: gap 2" in text
    assert "2. Care model: gap 2" in text
    assert "<strong>Governance</strong>: at 3.5, target 3" in text
    assert "<strong>Place</strong> describes the place's circumstances" in text


def test_it_embeds_the_figures_as_json_for_plotly(django_app, viewer, ended_round):
    page = django_app.get(report_url(ended_round), user=viewer)
    radar = figure(page, "radar-data")
    now = next(t for t in radar["data"] if t["name"] == "Now (agreed, or median)")
    assert now["r"][:4] == [1.5, 2, 2, 2]  # Impact, Place, Focus on individuals, Care model
    lessons = figure(page, "lessons-data")
    assert len(lessons["data"][1]["y"]) == 16


def test_it_loads_plotly_from_its_own_static_files_with_no_inline_script(
    django_app, viewer, ended_round
):
    page = django_app.get(report_url(ended_round), user=viewer)
    scripts = page.html.find_all("script")
    sources = [script["src"] for script in scripts if script.has_attr("src")]
    assert sources == [
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",  # the menu that folds on phones
        "/static/js/menu.js",  # and that Escape closes
        "/static/js/charts.js",
    ]
    # plotly.js is fetched by charts.js, from the app's own files, once a chart nears the screen.
    charts = next(script for script in scripts if script.get("src") == "/static/js/charts.js")
    assert charts["data-plotly"] == "/static/vendor/plotly.min.js" and charts.has_attr("defer")
    # The strict CSP allows no inline script: every other script block is data.
    inline = [script for script in scripts if not script.has_attr("src")]
    assert inline and all(script.get("type") == "application/json" for script in inline)
    # Nothing from another host (a CDN): every address the page loads from is the app's own.
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", page.text)


def test_it_serves_the_plotly_the_page_asks_for(client):
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert b"plotly.js v" in b"".join(response.streaming_content)[:1000]


@pytest.mark.parametrize("others", [1, 10])
def test_it_builds_the_page_in_the_same_queries_however_many_responded(
    client, viewer, make_round, others, django_assert_num_queries
):
    assessment = make_round(others=others, scoring_ended=True)  # 3 and then 12 respondents
    client.force_login(viewer)
    # session, user, round with its place, the viewer's membership; then the report: the
    # pinned versions (their items are read once a process), the submitted responses,
    # consensus; then the plan's sections: the round before (none), who responded, the actions;
    # whether a newer version of a pinned framework has been published.
    with django_assert_num_queries(11):
        response = client.get(report_url(assessment))
    everyone = others + 2
    assert (
        f"Based on the submitted answers of {everyone} of {everyone} respondents" in response.text
    )


# --- who may see a report -----------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORT_VIEWS)
def test_it_hides_a_round_from_someone_outside_the_place(client, outsider, scored_round, name):
    client.force_login(outsider)
    assert client.get(report_url(scored_round, name)).status_code == 404


@pytest.mark.parametrize("name", REPORT_VIEWS)
def test_it_answers_404_for_a_round_that_does_not_exist(client, lead, name):
    client.force_login(lead)
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("name", REPORT_VIEWS)
def test_it_sends_someone_signed_out_to_sign_in(client, scored_round, name):
    url = report_url(scored_round, name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


# --- the print version (charts drawn by plotly.js in the reader's browser) ---------------------


def test_it_gives_the_print_html_with_both_charts_for_the_browser_to_draw(
    client, viewer, ended_round
):
    client.force_login(viewer)
    response = client.get(report_url(ended_round, "reports-print"))
    html = response.text
    assert response.status_code == 200
    assert html.count('role="figure" aria-label=') == 2
    assert 'aria-label="Radar chart of the nine factors; the same numbers are in the table"' in html
    assert "<title>Riverside Borough, 2026 Q4: integration maturity report</title>" in html
    assert all(title in html for title in FACTOR_TITLES)


def test_it_gives_the_print_version_even_where_no_chart_browser_runs(
    client, viewer, ended_round, monkeypatch
):
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chromium")
    client.force_login(viewer)
    response = client.get(report_url(ended_round, "reports-print"))
    assert response.status_code == 200
    assert 'data-chart="lessons-data"' in response.text
    assert "The PDF could not be made" not in response.text


# --- the PDF (real Chromium and WeasyPrint) -----------------------------------------------------


def fetch_pdf(client, assessment):
    response = client.get(report_url(assessment, "reports-pdf"))
    assert response.status_code == 200, response.content[:500]
    return response, PdfReader(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.chromium
def test_it_serves_the_report_as_a_pdf_whose_words_are_text(client, viewer, ended_round, media):
    client.force_login(viewer)
    response, pdf = fetch_pdf(client, ended_round)
    assert response["Content-Type"] == "application/pdf"
    assert download(response) == ("inline", "riverside-borough-2026-q4-integration-maturity.pdf")
    pages = [page.extract_text() for page in pdf.pages]
    text = "\n".join(pages)
    assert "Riverside Borough · 2026 Q4" in text and "Page 1 of " in pages[0]
    # The factor table: now, target, gap and range for each factor.
    assert "Impact 1.5 3.5 2 1–2 median of 2" in text
    assert "Governance 3.5 3 -0.5 3–4 median of 2" in text
    assert all(title in text for title in FACTOR_TITLES)


@pytest.mark.chromium
def test_it_draws_the_charts_as_vectors_with_real_text(client, viewer, ended_round, media):
    client.force_login(viewer)
    _, pdf = fetch_pdf(client, ended_round)
    [radar_page] = [p.extract_text() for p in pdf.pages if "The nine factors\n" in p.extract_text()]
    # The legend and the radar's own labels, wrapped as drawn (the table has them on one line).
    assert "Range of answers Now (agreed, or median) Target" in radar_page
    for title in FACTOR_TITLES:
        assert "\n".join(textwrap.wrap(title, 14)) in radar_page
    assert [image for page in pdf.pages for image in page.images] == []
    assert not any(raster_images(page["/Resources"]) for page in pdf.pages)


# --- levels and lessons as each version names them ----------------------------------------------


def _section(page, key: str) -> str:
    found = page.html.find("section", attrs={"aria-labelledby": f"factor-{key}"})
    return " ".join(found.get_text().split())


def test_it_names_the_levels_of_place_as_matrix_1_1_does(django_app, viewer, ended_round):
    # Both answered Place 2: on matrix 1.1 that is "Complex", a circumstance, not progress.
    page = django_app.get(report_url(ended_round), user=viewer)
    place = _section(page, "place")
    assert "Where it stands: 2 Complex" in place
    assert "The next level: 3 Fairly simple" in place
    assert "Developed" not in place and "Extensive development" not in place
    assert "<strong>Place</strong>: 2 (Complex)" in page.text


@pytest.fixture
def round_on_1_0(place, lead, respondent):
    """A round scored on the first published versions, whose lessons 1, 10 and 16 bear on the
    context factor Place."""
    from assessment.services import assessment_open

    from .compare_data import first_published_versions
    from .rounds import LEAD_ANSWERS, answer, respondent_of

    assessment = assessment_open(
        place=place,
        period="2025 Q4",
        versions=first_published_versions(),
        participants=[lead, respondent],
    )
    answer(respondent_of(assessment, lead), LEAD_ANSWERS)
    answer(respondent_of(assessment, respondent))
    return assessment_advance(assessment=assessment)


def test_it_never_links_a_lesson_to_the_context_factor_place(django_app, viewer, round_on_1_0):
    page = django_app.get(report_url(round_on_1_0), user=viewer)
    bears_on = {
        " ".join(cell.find_parent("tr").th.get_text().split()): cell.get_text()
        for cell in page.html.select("td.bears-on")
    }
    lesson_1 = "1. Find common cause with partners and be prepared to share sovereignty"
    assert bears_on[lesson_1].split(", ") == ["Governance", "Leadership"]
    assert all("Place" not in factors for factors in bears_on.values())
    assert "Lessons that bear on it" not in _section(page, "place")
    assert "Lessons that bear on it" in _section(page, "governance")
