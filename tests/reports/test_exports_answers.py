"""GET /compare/export.csv?detail=responses (and .xlsx): every submitted answer, and text a
spreadsheet would run."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import Sharing
from assessment.services import assessment_advance, assessment_share
from reports.exports import DETAIL_HEADER
from tests.assessment.scoring import respondent_of, score

from .compare_data import (
    TELLING,
    chosen,
    closed_round,
    csv_rows,
    export_row,
    exported,
    xlsx_rows,
)
from .pages import download

pytestmark = pytest.mark.django_db

CSV = reverse("reports-export-csv")
XLSX = reverse("reports-export-xlsx")


# --- every answer -----------------------------------------------------------------------------


def test_it_exports_a_row_per_respondent_and_item(client, lead, rounds_to_export):
    query = {**chosen(rounds_to_export["riverside"]), "detail": "responses"}
    response = exported(client, lead, CSV, query)
    assert download(response) == ("attachment", "integration-maturity-responses.csv")
    rows = csv_rows(response)
    assert list(rows[0]) == DETAIL_HEADER
    assert len(rows) == 3 * 25
    impact = [
        (r["respondent"], r["current"], r["target"], r["confidence"], r["evidence"])
        for r in rows
        if r["item_key"] == "impact"
    ]
    assert impact == [
        ("Asha Patel", "1", "2", "medium", "Evidence on impact."),
        ("Grace Okafor", "2", "3", "medium", "Evidence on impact."),
        ("Tom Hughes", "4", "4", "medium", "Evidence on impact."),
    ]


@pytest.mark.parametrize(
    ("who", "round_", "names"),
    [
        ("lead", "riverside", ["Asha Patel", "Grace Okafor", "Tom Hughes"]),
        ("analyst", "riverside", ["Asha Patel", "Grace Okafor", "Tom Hughes"]),
        # Shared anonymously: the analyst learns neither the place nor who answered.
        ("analyst", "northmoor", ["", ""]),
        ("staff", "northmoor", ["Helen Brook", "Ian Walker"]),
        # The round does not show names: nobody sees them, staff included.
        ("staff", "eastvale", [""]),
    ],
)
def test_it_names_respondents_only_where_the_round_shows_names_to_the_reader(
    client, request, rounds_to_export, who, round_, names
):
    query = {**chosen(rounds_to_export[round_]), "detail": "responses"}
    rows = csv_rows(exported(client, request.getfixturevalue(who), CSV, query))
    assert [r["respondent"] for r in rows if r["item_key"] == "impact"] == names


def test_it_gives_no_label_that_follows_a_person_from_item_to_item(client, lead, place):
    # Ten people without names, each answering every item with their own level: were the rows
    # labelled, or each item's rows in the same order, a team member could follow one person.
    answers = {
        f"Person {n}": {"impact": (n % 4 + 1, 4), "place": (n % 4 + 1, 4)} for n in range(10)
    }
    round_ = closed_round(place, "2026 Q2", answers)
    rows = _detail(client, lead, CSV, round_)
    assert {r["respondent"] for r in rows} == {""}
    impact = [r["current"] for r in rows if r["item_key"] == "impact"]
    place = [r["current"] for r in rows if r["item_key"] == "place"]
    assert sorted(impact) == sorted(place)
    assert impact != place  # each item's rows in an order of their own


def test_it_leaves_out_answers_never_submitted(client, analyst, open_round, lead, respondent):
    score(respondent_of(open_round, lead), levels={"impact": (1, 2)})
    score(respondent_of(open_round, respondent), levels={"impact": (4, 4)}, submit=False)
    assessment_advance(assessment=open_round)
    assessment_advance(assessment=open_round)
    assessment_share(assessment=open_round, sharing=Sharing.NAMED)
    detail = csv_rows(exported(client, analyst, CSV, {**chosen(open_round), "detail": "responses"}))
    assert len(detail) == 25
    impact = export_row(csv_rows(exported(client, analyst, CSV, chosen(open_round))), "impact")
    assert (impact["current"], impact["maximum"], impact["responses"]) == ("1", "1", "1")


@pytest.mark.parametrize("url", [CSV, XLSX])
@pytest.mark.parametrize("query", [{}, {"region": "north-east-yorkshire"}])
def test_it_never_exports_evidence_written_for_an_anonymous_round(
    client, analyst, rounds_to_export, url, query
):
    ids = chosen(rounds_to_export["northmoor"]) if not query else {}
    response = exported(client, analyst, url, {**ids, **query, "detail": "responses"})
    if url == CSV:
        body = b"".join(response.streaming_content)
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        body, rows = response.content, xlsx_rows(response)
    assert b"Hexley" not in body
    assert len(rows) == (2 * 25 if not query else 0)
    assert {r["evidence"] for r in rows} <= {"", None}


@pytest.mark.parametrize("who", ["outsider", "staff"])
def test_it_exports_an_anonymous_round_s_evidence_to_whoever_sees_its_name(
    client, request, rounds_to_export, who
):
    # Northmoor's own lead, and staff: the evidence stays within those who may read it.
    query = {**chosen(rounds_to_export["northmoor"]), "detail": "responses"}
    rows = csv_rows(exported(client, request.getfixturevalue(who), CSV, query))
    assert export_row(rows, "impact", "northmoor", "Ian Walker")["evidence"] == TELLING


# --- text a spreadsheet would run -------------------------------------------------------------

HOSTILE = {
    "impact": '=HYPERLINK("http://evil.example","Click")',
    "place": "+44 20 7946 0000",
    "care-model": "-1 since last year",
    "governance": "@SUM(1+1)",
}


@pytest.fixture
def hostile(place, lead):
    place.name = "=Riverside Borough"
    place.save()
    evidence = {("-Dan Reilly", key): text for key, text in HOSTILE.items()}
    return closed_round(place, "2026 Q2", {"-Dan Reilly": {}}, show_names=True, evidence=evidence)


def _detail(client, user, url, assessment):
    response = exported(client, user, url, {**chosen(assessment), "detail": "responses"})
    return csv_rows(response) if url == CSV else xlsx_rows(response)


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_keeps_evidence_that_looks_like_a_formula_as_text(client, lead, hostile, url):
    rows = _detail(client, lead, url, hostile)
    evidence = {r["item_key"]: r["evidence"] for r in rows if r["item_key"] in HOSTILE}
    assert evidence == {key: "'" + text for key, text in HOSTILE.items()}


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_keeps_names_that_look_like_a_formula_as_text(client, lead, hostile, url):
    [row, *_] = _detail(client, lead, url, hostile)
    assert (row["place_name"], row["respondent"]) == ("'=Riverside Borough", "'-Dan Reilly")


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_leaves_ordinary_evidence_alone(client, lead, hostile, url):
    rows = _detail(client, lead, url, hostile)
    assert export_row(rows, "workforce")["evidence"] == "Evidence on workforce."


# --- in a workbook ---------------------------------------------------------------------------


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_it_drops_control_characters_a_workbook_cannot_hold(client, lead, place):
    pasted = "First line\x0bsecond line"  # Word's line break
    evidence = {("Asha Patel", "impact"): pasted}
    round_ = closed_round(place, "2026 Q2", {"Asha Patel": {}}, show_names=True, evidence=evidence)
    rows = _detail(client, lead, XLSX, round_)
    assert export_row(rows, "impact")["evidence"] == "First linesecond line"


def test_it_keeps_a_place_name_that_looks_like_a_formula_as_text_on_the_about_sheet(
    client, lead, hostile
):
    response = exported(client, lead, XLSX, chosen(hostile))
    about = _workbook(response)["About"]
    assert [c.coordinate for row in about.iter_rows() for c in row if c.data_type == "f"] == []
    assert ("Round", "'=Riverside Borough, 2026 Q2") in [row[:2] for row in about.values]
