"""Both PDFs, the round's report and the comparison of places, are tagged (PDF/UA-1): a screen
reader finds their headings, tables with header cells and charts told in words, in British
English, under their title (real Chromium and WeasyPrint)."""

import io
from collections import Counter

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.compare import anonymous_label

from .compare_data import chosen, four_places
from .tagged import figures, structure_elements

pytestmark = [pytest.mark.django_db, pytest.mark.chromium]


def fetch(client, url, query=None) -> PdfReader:
    response = client.get(url, query)
    assert response.status_code == 200, response.content[:300]
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def report(client, viewer, ended_round, media):
    client.force_login(viewer)
    return fetch(client, reverse("reports-pdf", args=[ended_round.pk]))


@pytest.fixture
def comparison(client, analyst, place, other_place, media):
    world = four_places(place, other_place)
    client.force_login(analyst)
    query = chosen(world["riverside"], world["northmoor"], world["westfield"])
    reader = fetch(client, reverse("reports-compare-pdf"), query)
    reader.northmoor_label = anonymous_label(world["northmoor"].pk)
    return reader


@pytest.fixture(params=["report", "comparison"])
def document(request) -> PdfReader:
    return request.getfixturevalue(request.param)


def figure_alts(reader: PdfReader) -> list[str]:
    return [str(figure.get("/Alt", "")) for figure in figures(reader)]


def test_it_is_tagged_in_british_english_under_its_title(document):
    root = document.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert "integration maturity" in document.metadata.title
    # A reader's window shows the title, not the file's name; the XMP says PDF/UA-1.
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


def test_it_embeds_every_font_it_uses(document):
    fonts = [
        font.get_object()
        for page in document.pages
        for font in page["/Resources"]["/Font"].values()
    ]
    assert fonts
    for font in fonts:
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0]["/FontDescriptor"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object())


def test_it_tags_one_title_headings_under_it_and_tables_with_header_cells(document):
    tags = Counter(e["/S"] for e in structure_elements(document))
    assert tags["/H1"] == 1 and tags["/H2"] >= 2
    assert tags["/Table"] >= 2 and tags["/TH"] >= 2 * tags["/Table"]
    assert tags["/TD"] > tags["/TH"]
    # The title comes first, as on the page.
    assert next(e["/S"] for e in structure_elements(document) if e["/S"].startswith("/H")) == "/H1"


def test_it_tells_the_report_s_charts_in_words(report):
    radar, lessons = figure_alts(report)
    assert radar.startswith("Radar chart of the 9 factors: the answers place Riverside Borough")
    # Impact: now 1.5, target 3.5, the largest gap (as the factor table gives it).
    assert "the largest gaps to target are Impact (from 1.5 to 3.5)" in radar
    assert lessons.startswith("Chart of the 16 lessons, now and target:")
    assert "The numbers are in the table below." in lessons


def test_it_tells_the_comparison_s_charts_in_words(comparison):
    overlay, distribution = figure_alts(comparison)
    assert overlay.startswith("Radar chart of 3 rounds on the 9 factors they share:")
    # Riverside: Impact 2.5, Governance 4; Northmoor 3 and 1; both 2 to 3 elsewhere.
    assert (
        "on average Riverside Borough, 2026 Q2 stands highest (2.3) "
        f"and {comparison.northmoor_label}, 2026 Q2 lowest (2)"
    ) in overlay
    assert "they differ most, by 3 levels, on Governance" in overlay
    assert distribution.startswith("Box chart of how each factor's level spreads")
    assert f"{comparison.northmoor_label}, 2026 Q2 stands above the median" in distribution
    assert "northmoor" not in (overlay + distribution).lower()
