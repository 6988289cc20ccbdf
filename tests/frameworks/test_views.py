"""The framework pages and the JSON API: read-only, for anyone signed in."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.frameworks.files import as_draft, matrix_data, published_data, write_framework

pytestmark = pytest.mark.django_db

LIST_URL = "/frameworks/"
MATRIX_URL = "/frameworks/lga-maturity-matrix/1.0/"
LESSONS_URL = "/frameworks/kingsfund-16-lessons/1.0/"
MATRIX_1_1_URL = "/frameworks/lga-maturity-matrix/1.1/"
LESSONS_1_1_URL = "/frameworks/kingsfund-16-lessons/1.1/"
API_URL = "/api/frameworks/lga-maturity-matrix/1.0/"
API_1_1_URL = "/api/frameworks/lga-maturity-matrix/1.1/"


@pytest.fixture
def reader_client(client, django_user_model):
    """A test client signed in as someone of no place: frameworks are open to every reader."""
    user = django_user_model.objects.create_user(
        username="reader", email="reader@example.org", password="not-a-real-password"
    )
    client.force_login(user)
    return client


def _section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.parametrize("url", [LIST_URL, MATRIX_URL, LESSONS_URL, API_URL, MATRIX_1_1_URL])
def test_it_sends_an_anonymous_visitor_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", [LIST_URL, MATRIX_1_1_URL, API_1_1_URL])
def test_it_refuses_a_post(reader_client, url):
    assert reader_client.post(url).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/lga-maturity-matrix/9.9/",
        "/frameworks/no-such-framework/1.0/",
        "/api/frameworks/lga-maturity-matrix/9.9/",
    ],
)
def test_it_answers_404_for_an_unknown_version(reader_client, url):
    assert reader_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        # A NUL byte is refused by PostgreSQL if it ever reaches a query: a 500 there.
        "/frameworks/lga-maturity-matrix/%00/",
        "/frameworks/lga-maturity-matrix/1.0%00/",
        "/frameworks/%00/1.0/",
        "/api/frameworks/lga-maturity-matrix/%00/",
        "/api/frameworks/lga-maturity-matrix%00/1.1/",
        "/frameworks/lga-maturity-matrix/1.1/%00",
        "/frameworks/lga-maturity-matrix/%ff%fe/",
        "/frameworks/lga-maturity-matrix/..%2F..%2Fsettings/",
        "/frameworks/lga-maturity-matrix/1.1.1/",
        "/frameworks/lga-maturity-matrix/99999999.0/",
        "/frameworks/lga-maturity-matrix/" + "1" * 500 + ".0/",
        "/frameworks/LGA-MATURITY-MATRIX/1.1/",
    ],
)
def test_it_answers_404_for_a_hostile_path(reader_client, url):
    # The test client raises any exception a view lets out, so a 500 fails here too.
    assert reader_client.get(url).status_code in (400, 404)


@pytest.mark.parametrize(
    "url",
    [
        MATRIX_1_1_URL + "?version=%00",
        MATRIX_1_1_URL + "?%00=%ff&from=1.0%00",
        LIST_URL + "?q=%ff%fe%00",
        API_1_1_URL + "?version=../../1.0",
    ],
)
def test_it_ignores_a_hostile_query_string(reader_client, url):
    response = reader_client.get(url)
    assert response.status_code == 200
    assert "\x00" not in response.text


def test_it_lists_each_framework_with_links_to_its_versions(
    reader_client, django_assert_num_queries, tmp_path
):
    # A draft 2.0 beside 1.0 and 1.1, so a query per version would show in the count.
    draft = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    call_command("load_frameworks", str(draft), stdout=StringIO())
    # session, user, frameworks, their versions (prefetched)
    with django_assert_num_queries(4):
        response = reader_client.get(LIST_URL)
    assert response.status_code == 200
    assert "Integration maturity matrix: nine factors" in response.text
    assert "Making integrated care happen at scale and pace: sixteen lessons" in response.text
    for url in (MATRIX_URL, MATRIX_1_1_URL, LESSONS_URL, LESSONS_1_1_URL, API_URL):
        assert f'href="{url}"' in response.text
    # Newest version first, each with a link to what changed since the one before.
    assert response.text.index(">2.0</a>") < response.text.index(f'href="{MATRIX_1_1_URL}"')
    assert response.text.index(f'href="{MATRIX_1_1_URL}"') < response.text.index(
        f'href="{MATRIX_URL}"'
    )
    assert f'href="{MATRIX_1_1_URL}#changes">What changed in 1.1' in response.text
    assert f'href="{MATRIX_URL}#changes"' not in response.text  # nothing before 1.0


def test_it_shows_the_matrix_as_factors_by_levels(reader_client, django_assert_num_queries):
    # session, user, the version (with framework and related version), then prefetched:
    # scale levels, factors, their descriptors, their related items; the framework's versions
    with django_assert_num_queries(8):
        response = reader_client.get(MATRIX_URL)
    assert response.status_code == 200
    factors = matrix_data()["items"]
    for factor in factors:
        assert f"{factor['number']}. {factor['title']}" in response.text
    for label in ("1 Emerging", "2 Developed", "3 Well developed", "4 Extensive development"):
        assert f'<th scope="col">{label}</th>' in response.text
    # Row impact, column 4: the descriptor sits in its factor's row.
    impact_row = _section(response.text, '<tr id="impact">', "</tr>")
    assert factors[0]["levels"][3]["descriptor"].strip()[:60] in impact_row
    assert response.text.count('<span class="badge badge-context">Context</span>') == 1


def test_it_tells_a_reader_of_1_0_that_newer_versions_have_replaced_it(reader_client):
    response = reader_client.get(MATRIX_URL)
    assert "Version 1.2 of this framework has been published since this one" in response.text
    latest = "/frameworks/lga-maturity-matrix/1.2/"
    assert f'href="{latest}#changes">See what changed in 1.2</a>' in response.text
    assert 'id="changes"' not in response.text  # 1.0 has nothing before it


def test_it_names_the_levels_of_place_in_its_own_row(reader_client):
    response = reader_client.get(MATRIX_1_1_URL)
    place_row = _section(response.text, '<tr id="place">', "</tr>")
    for label in ("1 Highly complex", "2 Complex", "3 Fairly simple", "4 Simple"):
        assert f'<strong class="d-block mb-1">{label}</strong>' in place_row
    impact_row = _section(response.text, '<tr id="impact">', "</tr>")
    assert "d-block mb-1" not in impact_row  # other factors use the scale's labels
    assert "names its own levels: 1 Highly complex, 2 Complex, 3 Fairly simple, 4 Simple" in (
        response.text
    )


def test_it_lists_what_changed_in_the_matrix_since_1_0(reader_client, django_assert_num_queries):
    # 1.1 as for 1.0 (8 queries), then 1.0 for the comparison: the version, its levels,
    # factors, descriptors and related items
    with django_assert_num_queries(13):
        response = reader_client.get(MATRIX_1_1_URL)
    assert response.status_code == 200
    changes = _section(response.text, 'id="changes"', "</section>")
    assert "What changed since version 1.0" in changes
    assert "8 of 9 factors differ" in changes
    assert "Unchanged: Care model." in changes  # the one factor 1.1 left alone
    place = _section(changes, 'id="changes-place"', "</article>")
    assert "<dt>Label of level 1</dt>" in place
    assert "<del>Emerging</del>" in place
    assert "<ins>Highly complex</ins>" in place
    # Generated from the two files: 1.0's own words on one side, 1.1's on the other.
    old_level_4 = published_data("lga-maturity-matrix", "1.0")["items"][1]["levels"][3]
    new_level_4 = published_data("lga-maturity-matrix", "1.1")["items"][1]["levels"][3]
    assert old_level_4["descriptor"].strip()[:50] in place
    assert new_level_4["descriptor"].strip()[:50] in place
    # Each changed factor links to its entry from its row of the matrix.
    assert 'href="#changes-place">What changed since 1.0' in response.text
    assert 'href="#changes-care-model"' not in response.text


def test_it_shows_the_lessons_with_the_factors_they_bear_on(
    reader_client, django_assert_num_queries
):
    # session, user, the version (with framework and related version), then prefetched:
    # scale levels, lessons, their descriptors, the factors they bear on; the versions
    with django_assert_num_queries(8):
        response = reader_client.get(LESSONS_URL)
    assert response.status_code == 200
    lessons = published_data("kingsfund-16-lessons", "1.0")["items"]
    for lesson in lessons:
        assert f"{lesson['number']}. {lesson['title']}" in response.text
    lesson_12 = _section(response.text, 'id="lesson-12"', "</li>")
    assert f'href="{MATRIX_URL}#information-management">Information management</a>' in lesson_12
    assert ">Governance</a>" in lesson_12
    assert ">Leadership</a>" not in lesson_12


def test_it_links_lessons_1_1_to_the_factors_of_matrix_1_1(reader_client):
    response = reader_client.get(LESSONS_1_1_URL)
    lesson_2 = _section(response.text, 'id="lesson-02"', "</li>")
    for key, title in [
        ("leadership", "Leadership"),
        ("care-model", "Care model"),
        ("workforce", "Workforce"),
    ]:
        assert f'href="{MATRIX_1_1_URL}#{key}">{title}</a>' in lesson_2
    assert "Focus on individuals" not in lesson_2
    assert "#place" not in response.text.split('id="changes"')[0]


def test_it_lists_what_changed_in_the_lessons_since_1_0(reader_client):
    response = reader_client.get(LESSONS_1_1_URL)
    changes = _section(response.text, 'id="changes"', "</section>")
    lesson_2 = _section(changes, 'id="changes-lesson-02"', "</article>")
    assert "<dt>Bears on</dt>" in lesson_2
    assert "<del>Focus on individuals, Leadership</del>" in lesson_2
    assert "<ins>Care model, Leadership, Workforce</ins>" in lesson_2
    lesson_5 = _section(changes, 'id="changes-lesson-05"', "</article>")
    assert "<dt>Summary</dt>" in lesson_5
    assert 'id="changes-lesson-03"' not in changes  # unchanged lessons are only named


def test_it_serves_the_same_json_as_the_export(reader_client, django_assert_num_queries):
    out = StringIO()
    call_command("export_framework", "lga-maturity-matrix", "--version", "1.1", stdout=out)
    # session, user, the version, then prefetched: levels, items, descriptors, related
    with django_assert_num_queries(7):
        response = reader_client.get(API_1_1_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == json.loads(out.getvalue())
    place = response.json()["items"][1]
    assert place["levels"][0]["label"] == "Highly complex"
