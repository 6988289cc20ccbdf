"""The framework pages and the JSON API: read-only, for anyone signed in."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.frameworks.files import as_draft, lessons_data, matrix_data, write_framework

pytestmark = pytest.mark.django_db

LIST_URL = "/frameworks/"
MATRIX_URL = "/frameworks/lga-maturity-matrix/1.0/"
LESSONS_URL = "/frameworks/kingsfund-16-lessons/1.0/"
API_URL = "/api/frameworks/lga-maturity-matrix/1.0/"


@pytest.fixture
def signed_in(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="reader", email="reader@example.org", password="not-a-real-password"
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", [LIST_URL, MATRIX_URL, LESSONS_URL, API_URL])
def test_it_sends_an_anonymous_visitor_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/lga-maturity-matrix/9.9/",
        "/frameworks/no-such-framework/1.0/",
        "/api/frameworks/lga-maturity-matrix/9.9/",
    ],
)
def test_it_answers_404_for_an_unknown_version(signed_in, url):
    assert signed_in.get(url).status_code == 404


def test_it_lists_each_framework_with_links_to_its_versions(
    signed_in, django_assert_num_queries, tmp_path
):
    # A second matrix version, so a query per version would show in the count.
    draft = write_framework(tmp_path, as_draft(matrix_data(), "2.0"))
    call_command("load_frameworks", str(draft), stdout=StringIO())
    # session, user, frameworks, their versions (prefetched)
    with django_assert_num_queries(4):
        response = signed_in.get(LIST_URL)
    assert response.status_code == 200
    assert "Integration maturity matrix: nine factors" in response.text
    assert "Making integrated care happen at scale and pace: sixteen lessons" in response.text
    for url in (MATRIX_URL, LESSONS_URL, API_URL, "/frameworks/lga-maturity-matrix/2.0/"):
        assert f'href="{url}"' in response.text
    # Newest version first.
    assert response.text.index(">2.0</a>") < response.text.index(f'href="{MATRIX_URL}"')


def test_it_shows_the_matrix_as_factors_by_levels(signed_in, django_assert_num_queries):
    # session, user, the version (with framework and related version), then prefetched:
    # scale levels, factors, their descriptors, their related items
    with django_assert_num_queries(7):
        response = signed_in.get(MATRIX_URL)
    assert response.status_code == 200
    factors = matrix_data()["items"]
    for factor in factors:
        assert f"{factor['number']}. {factor['title']}" in response.text
    for label in ("1 Emerging", "2 Developed", "3 Well developed", "4 Extensive development"):
        assert f'<th scope="col">{label}</th>' in response.text
    # Row impact, column 4: the descriptor sits in its factor's row.
    impact_row = response.text.split('<tr id="impact">')[1].split("</tr>")[0]
    assert factors[0]["levels"][3]["descriptor"].strip()[:60] in impact_row
    assert response.text.count('<span class="badge badge-context">Context</span>') == 1


def test_it_shows_the_lessons_with_the_factors_they_bear_on(signed_in, django_assert_num_queries):
    # session, user, the version (with framework and related version), then prefetched:
    # scale levels, lessons, their descriptors, the factors they bear on
    with django_assert_num_queries(7):
        response = signed_in.get(LESSONS_URL)
    assert response.status_code == 200
    lessons = lessons_data()["items"]
    for lesson in lessons:
        assert f"{lesson['number']}. {lesson['title']}" in response.text
    lesson_12 = response.text.split('id="lesson-12"')[1].split("</li>")[0]
    assert f'href="{MATRIX_URL}#information-management">Information management</a>' in lesson_12
    assert ">Governance</a>" in lesson_12
    assert ">Leadership</a>" not in lesson_12


def test_it_serves_the_same_json_as_the_export(signed_in, django_assert_num_queries):
    out = StringIO()
    call_command("export_framework", "lga-maturity-matrix", "--version", "1.0", stdout=out)
    # session, user, the version, then prefetched: levels, items, descriptors, related
    with django_assert_num_queries(7):
        response = signed_in.get(API_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == json.loads(out.getvalue())
