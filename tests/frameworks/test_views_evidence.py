"""A framework's page shows what content 1.2 adds: each level's evidence markers and example
(marked illustrative), the placement rule, the reason beside each "Bears on" link, and whose
reading the descriptors are."""

from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from webtest import Upload

from frameworks.documents import FrameworkDocument
from frameworks.services import framework_document_load
from tests.frameworks.files import published_data, write_framework
from tests.frameworks.test_level_evidence import (
    EVIDENCE,
    PLACEMENT,
    REASONS,
    lessons_with_reasons,
    matrix_with_evidence,
)

pytestmark = pytest.mark.django_db

OURS = (
    "The level descriptors (and the lessons' 0–3 scale) are this product's reading of the "
    "sources, not the sources' own exhibit."
)


@pytest.fixture
def reader_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="not-a-real-one")
    client.force_login(user)
    return client


def _load(tmp_path, data: dict) -> None:
    call_command("load_frameworks", str(write_framework(tmp_path, data)), stdout=StringIO())


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def _text(html: str) -> str:
    return unescape(html)


def test_it_shows_each_levels_markers_and_example_in_the_matrix(
    tmp_path, reader_client, django_assert_num_queries
):
    _load(tmp_path, matrix_with_evidence())
    # As for matrix 1.1 with its changes: the markers and examples add no query.
    with django_assert_num_queries(13):
        response = reader_client.get("/frameworks/lga-maturity-matrix/3.0/")
    impact = _text(_between(response.text, '<tr id="impact">', "</tr>"))
    cells = impact.split("<td>")[1:]
    for value, cell in enumerate(cells, start=1):
        assert "What a team can point to" in cell
        for marker in EVIDENCE:
            assert f"<li>{marker} (level {value})</li>" in cell
    assert "Illustrative:</strong>" in cells[2]
    assert "Torbay's care trust pooled" in cells[2]
    assert "Illustrative: Torbay" not in cells[2]  # marked once, not twice
    assert "Illustrative" not in cells[0]
    place = _between(response.text, '<tr id="place">', "</tr>")
    assert "What a team can point to" not in place  # no markers given, no empty heading


def test_it_states_the_placement_rule(tmp_path, reader_client):
    _load(tmp_path, matrix_with_evidence())
    response = reader_client.get("/frameworks/lga-maturity-matrix/3.0/")
    section = _between(response.text, 'id="placement"', "</section>")
    assert "How to place a team on a level" in section
    assert PLACEMENT in _text(section)
    older = reader_client.get("/frameworks/lga-maturity-matrix/1.1/")
    assert 'id="placement"' not in older.text  # 1.1 states no rule


def test_it_gives_the_reason_beside_each_factor_a_lesson_bears_on(tmp_path, reader_client):
    _load(tmp_path, lessons_with_reasons())
    response = reader_client.get("/frameworks/kingsfund-16-lessons/3.0/")
    lesson = _text(_between(response.text, 'id="lesson-12"', "</dl>"))
    for key, reason in REASONS.items():
        link = f'href="/frameworks/lga-maturity-matrix/1.1/#{key}">'
        assert link in lesson
        assert reason in _between(lesson.split(link, 1)[1], "<dd>", "</dd>")


def test_it_shows_a_lessons_levels_with_their_markers(tmp_path, reader_client):
    data = lessons_with_reasons()
    data["items"][0]["levels"][3]["evidence"] = ["Named owner in each partner", "Yearly review"]
    _load(tmp_path, data)
    response = reader_client.get("/frameworks/kingsfund-16-lessons/3.0/")
    lesson = _between(response.text, 'id="lesson-01"', "</details>")
    assert "The levels of lesson 1, with what a team can point to" in lesson
    assert "<dt>3 Embedded</dt>" in lesson
    assert "<li>Named owner in each partner</li>" in lesson


@pytest.mark.parametrize(
    "url", ["/frameworks/lga-maturity-matrix/1.1/", "/frameworks/kingsfund-16-lessons/1.0/"]
)
def test_it_says_the_descriptors_are_this_products_reading(reader_client, url):
    assert OURS in _text(reader_client.get(url).text)


def test_it_says_an_uploaded_frameworks_descriptors_are_the_programmes_own(reader_client):
    data = {**published_data("lga-maturity-matrix", "1.1"), "slug": "our-matrix"}
    framework_document_load(document=FrameworkDocument("our.yaml", data), shipped=False)
    text = _text(reader_client.get("/frameworks/our-matrix/1.1/").text)
    assert "are the programme's own reading of its sources" in text
    assert OURS not in text


def test_the_upload_preview_shows_markers_example_and_placement(django_app, staff, tmp_path):
    data = {**matrix_with_evidence(), "slug": "our-matrix", "version": "1.0"}
    content = write_framework(tmp_path, data).read_bytes()
    page = django_app.get("/frameworks/upload/", user=staff)
    form = page.forms["upload-form"]
    form["file"] = Upload("ours.yaml", content)
    preview = form.submit(user=staff).follow(user=staff)
    impact = _text(_between(preview.text, 'id="item-impact"', "</article>"))
    assert f"<li>{EVIDENCE[0]} (level 2)</li>" in impact
    assert "Illustrative:</strong>" in impact
    assert "Torbay's care trust pooled" in impact
    assert PLACEMENT in _text(_between(preview.text, 'id="placement"', "</section>"))
