"""A round that pins a framework a programme brought beside the two shipped ones: its report
has a section of that framework's own, built from its data (its scale, its items, a radar for a
ladder of three or more), and the two shipped frameworks read as they always have."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Respondent
from assessment.services import assessment_advance, assessment_open
from frameworks.models import Item
from reports.selectors import report_build
from tests.reports.pdfs import raster_images
from tests.reports.rounds import answer, record_consensus, respondent_of
from tests.third_framework import SLUG, publish_third_framework

pytestmark = pytest.mark.django_db

LOCAL = {"local-hospital-discharge": (1, 3), "local-shared-records": (2, 4)}


@pytest.fixture
def third(make_person):
    staff = make_person("frameworks@example.org", is_staff=True)
    return publish_third_framework(staff)


@pytest.fixture
def three_framework_round(place, lead, respondent, versions, third):
    assessment = assessment_open(
        place=place, period="2026 Q4", versions=[*versions, third], participants=[lead, respondent]
    )
    answer(respondent_of(assessment, lead), {**LOCAL, "local-carers": (1, 2)})
    answer(respondent_of(assessment, respondent), {**LOCAL, "local-carers": (3, 4)})
    assessment_advance(assessment=assessment)
    record_consensus(assessment, lead, "local-carers", current=2, target=4)
    return assessment


def test_the_report_has_a_section_per_pinned_framework_in_the_round_s_order(
    three_framework_round,
):
    report = report_build(three_framework_round)
    assert [s.version.framework.slug for s in report.sections] == [
        "lga-maturity-matrix",
        SLUG,
        "kingsfund-16-lessons",
    ]
    local = report.others[0]
    assert local.heading == "The four factors"
    assert [r.key for r in local.items] == [
        "local-hospital-discharge",
        "local-shared-records",
        "local-joint-posts",
        "local-carers",
    ]
    # Its own scale names its levels, and its gaps are ranked from its own results.
    discharge = local.items[0]
    assert (discharge.level_label, discharge.next_label) == ("Starting", "Growing")
    assert [e.factor.key for e in local.gaps.ranked] == [
        "local-hospital-discharge",  # a gap of 2 from level 1
        "local-shared-records",  # 2 from level 2
        "local-carers",  # 2 from level 2, as agreed
        "local-joint-posts",  # 1
    ]
    # The shipped two read as before: nine factors, sixteen lessons, the radar and lessons chart.
    assert (report.ladder.heading, report.lessons_section.heading) == (
        "The nine factors",
        "The sixteen lessons",
    )
    assert set(report.figures) == {"radar", "lessons", local.figure}


def test_the_report_page_shows_the_framework_s_table_chart_and_agreed_reason(
    client, lead, three_framework_round
):
    client.force_login(lead)
    response = client.get(f"/assessments/{three_framework_round.pk}/report/")
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('<h2 id="radar-1-h">') :]
    assert section.startswith('<h2 id="radar-1-h">Riverside local priorities</h2>')
    assert "The four factors, version 1.0, a framework this programme brought" in section
    assert 'data-chart="radar-1-data"' in section
    figure = json.loads(
        page.split('<script id="radar-1-data" type="application/json">')[1].split("</script>")[0]
    )
    spokes = figure["data"][0]["theta"]
    assert any("Hospital" in spoke for spoke in spokes) and len(spokes) >= 4
    assert "Why the team agreed level 2:" in section
    # Since last round, the plan and the summary are not disturbed by a third framework.
    assert "The nine factors" in page and "The sixteen lessons" in page


def test_a_round_pinned_to_the_uploaded_framework_alone_reports_it(
    client, place, lead, respondent, third
):
    assessment = assessment_open(
        place=place, period="2027 Q1", versions=[third], participants=[lead, respondent]
    )
    answer(respondent_of(assessment, lead), LOCAL)
    answer(respondent_of(assessment, respondent), LOCAL)
    report = report_build(assessment)
    assert report.ladder.version == third and report.lessons_section is None
    assert report.ladder.heading == "The four factors"
    client.force_login(lead)
    assessment_advance(assessment=assessment)
    page = client.get(f"/assessments/{assessment.pk}/report/").content.decode()
    assert "The four factors" in page and "The nine factors" not in page
    assert Respondent.objects.filter(assessment=assessment).count() == 2
    assert Item.objects.filter(version=third).count() == 4


@pytest.mark.chromium
def test_the_pdf_gives_the_framework_its_section_its_radar_and_its_agreed_reason(
    client, lead, three_framework_round, media
):
    client.force_login(lead)
    response = client.get(reverse("reports-pdf", args=[three_framework_round.pk]))
    assert response.status_code == 200, response.content[:500]
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    pages = [page.extract_text() for page in pdf.pages]
    text = "\n".join(pages)
    start = text.index("Riverside local priorities\nThe four factors")
    section = text[start : text.index("Factor by factor", start)]
    assert "Hospital discharge" in section and "Why the team agreed level 2:" in section
    # Its radar is drawn as vectors with real text: the spokes' titles, wrapped as drawn.
    assert "Support for\ncarers" in section or "Support for carers" in section
    assert not any(raster_images(page["/Resources"]) for page in pdf.pages)
    contents = [p for p in pages if "Contents" in p][0]
    assert "Riverside local priorities" in contents
