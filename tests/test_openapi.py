"""The API's description (config/openapi.yaml, served at /api/openapi.json) says what the API
does: it is valid OpenAPI 3.1, every path it documents is one the site answers (and one a token
opens), and every JSON answer the API gives, good or refused, validates against its schema."""

import pytest
from django.urls import resolve, reverse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from accounts.token_auth import DATA_URLS
from accounts.tokens import token_create
from config.openapi import openapi_document
from tests.reports.conftest import full_round, make_round, shared_places  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "urn:openapi"
SAMPLES = {"{id}": "1", "{slug}": "lga-maturity-matrix", "{version}": "1.0"}


@pytest.fixture
def document():
    return openapi_document()


def _bearer(person) -> dict:
    return {"Authorization": f"Bearer {token_create(person=person, name='test').plain}"}


def _validate(document, instance, path: str, status: int, media="application/json"):
    """The answer against the schema the description gives for it (following a $ref to a
    shared response)."""
    response = document["paths"][path]["get"]["responses"][str(status)]
    pointer = f"/paths/{_escape(path)}/get/responses/{status}"
    if "$ref" in response:
        pointer = response["$ref"].removeprefix("#")
        response = document["components"]["responses"][pointer.rsplit("/", 1)[1]]
    assert media in response["content"], f"{path} {status} documents no {media}"
    schema_at = f"{BASE}#{pointer}/content/{_escape(media)}/schema"
    registry = Registry().with_resource(
        BASE, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    Draft202012Validator({"$ref": schema_at}, registry=registry).validate(instance)


def _escape(segment: str) -> str:
    """A JSON pointer's segment (RFC 6901), as the registry reads it: not percent-encoded."""
    return segment.replace("~", "~0").replace("/", "~1")


def test_it_is_valid_openapi_3_1_with_a_version(document):
    validate_openapi(document)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["version"].count(".") == 2


def test_every_documented_path_is_answered_here_and_opened_by_a_token(document):
    documented = set()
    for path in document["paths"]:
        concrete = path
        for placeholder, value in SAMPLES.items():
            concrete = concrete.replace(placeholder, value)
        documented.add(resolve(concrete).url_name)
    # Each documented path is one a token opens, and each one a token opens is documented.
    assert documented == DATA_URLS


def test_it_is_served_as_json_to_a_signed_in_person_and_to_a_token(client, lead, document):
    url = reverse("api-openapi")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    served = client.get(url, headers=_bearer(lead)).json()
    assert served["paths"] == document["paths"]
    assert served["servers"] == [{"url": "http://testserver/"}]
    client.force_login(lead)
    assert client.get(url).json()["info"] == document["info"]


def test_every_json_answer_validates_against_the_description(
    client,
    document,
    full_round,  # noqa: F811
    lead,
    analyst,
    outsider,
    shared_places,  # noqa: F811
):
    lead_token, analyst_token = _bearer(lead), _bearer(analyst)
    fw = {"slug": "lga-maturity-matrix", "version": "1.0"}
    answers = [
        ("/api/assessments/", reverse("reports-api-assessments"), lead_token, 200),
        # An analyst sees anonymous rounds too: no id, no url, no place code.
        ("/api/assessments/", reverse("reports-api-assessments"), analyst_token, 200),
        ("/api/assessments/", reverse("reports-api-assessments") + "?status=z", lead_token, 400),
        (
            "/api/assessments/{id}/",
            reverse("assessment-api", args=[full_round.pk]),
            lead_token,
            200,
        ),
        (
            "/api/assessments/{id}/actions/",
            reverse("assessment-actions-api", args=[full_round.pk]),
            lead_token,
            200,
        ),
        (
            "/api/frameworks/{slug}/{version}/",
            reverse("frameworks-api", kwargs=fw),
            lead_token,
            200,
        ),
        ("/api/openapi.json", reverse("api-openapi"), lead_token, 200),
        # Refused: a revoked or unknown token.
        (
            "/api/assessments/",
            reverse("reports-api-assessments"),
            {"Authorization": "Bearer x"},
            401,
        ),
    ]
    for path, url, headers, status in answers:
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        _validate(document, response.json(), path, status)
    listed = client.get(reverse("reports-api-assessments"), headers=analyst_token).json()
    assert any(entry["id"] is None for entry in listed["assessments"])
    plan = client.get(reverse("assessment-actions-api", args=[full_round.pk]), headers=lead_token)
    assert plan.json()["actions"], "the plan validated holds an action"


def test_a_withheld_round_answers_as_documented(
    client,
    document,
    make_round,  # noqa: F811
    respondent,
):
    """Scoring still open: a respondent who has not submitted is told why (403)."""
    from assessment.models import Respondent

    scoring = make_round()
    Respondent.objects.filter(assessment=scoring, user=respondent).update(submitted_at=None)
    url = reverse("assessment-api", args=[scoring.pk])
    response = client.get(url, headers=_bearer(respondent))
    assert response.status_code == 403
    _validate(document, response.json(), "/api/assessments/{id}/", 403)


def test_the_downloads_answer_in_the_media_types_documented(client, document, full_round, lead):  # noqa: F811
    headers = _bearer(lead)
    fw = {"slug": "lga-maturity-matrix", "version": "1.0"}
    downloads = {
        "/compare/export.csv": reverse("reports-export-csv"),
        "/compare/export.xlsx": reverse("reports-export-xlsx"),
        "/assessments/{id}/actions/export.csv": reverse(
            "assessment-actions-csv", args=[full_round.pk]
        ),
        "/assessments/{id}/actions/export.xlsx": reverse(
            "assessment-actions-xlsx", args=[full_round.pk]
        ),
        "/frameworks/{slug}/{version}/workbook.xlsx": reverse("frameworks-workbook", kwargs=fw),
    }
    for path, url in downloads.items():
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        media = response["Content-Type"].split(";")[0]
        documented = document["paths"][path]["get"]["responses"]["200"]["$ref"].rsplit("/", 1)[1]
        assert media in document["components"]["responses"][documented]["content"], url


def test_the_check_refuses_an_answer_the_description_does_not_allow(document):
    """So the validations above mean something: a round without its items, and a listed round
    with an unknown status, fail."""
    from jsonschema import ValidationError

    round_ = {"id": 1, "place": {"code": "a", "name": "A"}, "period": "2026", "status": "closed"}
    with pytest.raises(ValidationError):
        _validate(document, {**round_, "frameworks": []}, "/api/assessments/{id}/", 200)
    listed = {**round_, "key": "1", "sharing": "named", "url": None, "status": "lost"}
    with pytest.raises(ValidationError):
        _validate(document, {"assessments": [listed]}, "/api/assessments/", 200)
