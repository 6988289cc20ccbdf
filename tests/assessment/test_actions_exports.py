"""The plan as data: CSV and XLSX downloads that never run as formulas, and JSON."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessment import plan as plans
from assessment import plan_exports
from assessment.exports import csv_bytes, plan_xlsx, safe
from assessment.models import ActionStatus, Membership
from assessment.services import assessment_advance
from assessment.services.actions import action_create
from tests.assessment.scoring import items_by_key, respondent_of, score

pytestmark = pytest.mark.django_db

TODAY = date.today()
HOSTILE = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def planned(open_round, lead, respondent):
    """A round with a gap everywhere, and two actions: one overdue, one with hostile text."""
    for person in (lead, respondent):  # both submitted: everyone may read the plan
        score(respondent_of(open_round, person))
    items = items_by_key(open_round)
    member = Membership.objects.get(user=respondent)
    action_create(
        assessment=open_round,
        user=lead,
        title="Sign the data-sharing agreement",
        items=[items["information-management"], items["lesson-12"]],
        owner_member=member,
        due=TODAY - timedelta(days=5),
        status=ActionStatus.IN_PROGRESS,
        expected_levels={"information-management": 3, "lesson-12": 2},
    )
    action_create(
        assessment=open_round,
        user=lead,
        title=HOSTILE[0],
        description=HOSTILE[1],
        owner=HOSTILE[3],
        items=[items["workforce"]],
        status=ActionStatus.DONE,
    )
    # Scoring has ended: the board reads the plan too.
    return assessment_advance(assessment=open_round)


def _url(name, round_):
    return reverse(name, args=[round_.pk])


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_it_neutralises_every_start_a_spreadsheet_runs_as_a_formula():
    assert [safe(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    assert [safe("Plain"), safe(3), safe(None)] == ["Plain", 3, None]


def test_it_writes_a_csv_with_a_byte_order_mark():
    content = csv_bytes(["a", "b"], [["£5", "=1+1"]])
    assert content.decode("utf-8") == "\ufeffa,b\r\n£5,'=1+1\r\n"


def test_it_downloads_the_plan_as_csv(client, viewer, planned):
    client.force_login(viewer)
    response = client.get(_url("assessment-actions-csv", planned))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="riverside-2026-q4-action-plan.csv"'
    )
    late, hostile = sorted(_csv(response), key=lambda row: row["status"], reverse=True)
    assert (late["title"], late["owner_member"], late["status"], late["overdue"]) == (
        "Sign the data-sharing agreement",
        "Tom Hughes",
        "in-progress",
        "yes",
    )
    assert late["item_keys"] == "information-management; lesson-12"
    assert (late["due"], late["expected_level"]) == (
        str(TODAY - timedelta(days=5)),
        "information-management: 3; lesson-12: 2",
    )
    assert (hostile["title"], hostile["description"], hostile["owner"]) == (
        "'" + HOSTILE[0],
        "'" + HOSTILE[1],
        "'" + HOSTILE[3],
    )
    assert hostile["overdue"] == "no"


def test_it_downloads_the_plan_and_its_gaps_as_xlsx(client, respondent, planned):
    client.force_login(respondent)
    response = client.get(_url("assessment-actions-xlsx", planned))
    assert response["Content-Disposition"] == (
        'attachment; filename="riverside-2026-q4-action-plan.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    actions = list(workbook["Actions"].values)
    header = actions[0]
    rows = {row[header.index("status")]: dict(zip(header, row, strict=True)) for row in actions[1:]}
    assert rows["in-progress"]["overdue"] == "yes"
    assert rows["done"]["title"] == "'" + HOSTILE[0]
    gaps = {row[0]: row for row in list(workbook["Gaps"].values)[1:]}
    assert gaps["care-model"][2:] == (2, 3, "no", "yes")  # medians, no action yet
    assert gaps["workforce"][-1] == "no"  # owned by an action
    assert "place" not in gaps


def test_it_gives_the_plan_as_json(client, viewer, planned):
    client.force_login(viewer)
    document = client.get(_url("assessment-actions-api", planned)).json()
    assert document["assessment"]["period"] == "2026 Q4"
    assert document["counts"] == {"total": 2, "done": 1, "open": 1, "overdue": 1, "dropped": 0}
    late = next(a for a in document["actions"] if a["status"] == "in-progress")
    assert late["overdue"] is True and late["owner_member"] == "Tom Hughes"
    assert [(i["key"], i["expected_level"]) for i in late["items"]] == [
        ("information-management", 3),
        ("lesson-12", 2),
    ]
    gaps = {gap["key"]: gap for gap in document["gaps"]}
    assert gaps["care-model"]["no_action_yet"] is True
    assert gaps["workforce"]["no_action_yet"] is False


@pytest.mark.parametrize(
    "name", ["assessment-actions-csv", "assessment-actions-xlsx", "assessment-actions-api"]
)
def test_it_answers_404_to_an_outsider_for_every_download(client, outsider, planned, name):
    client.force_login(outsider)
    assert client.get(_url(name, planned)).status_code == 404


@pytest.mark.parametrize("name", ["assessment-actions-csv", "assessment-actions-api"])
def test_it_answers_405_to_a_post(client, lead, planned, name):
    client.force_login(lead)
    assert client.post(_url(name, planned)).status_code == 405


@pytest.mark.parametrize("extra", [0, 10])
def test_it_answers_the_api_in_the_same_queries_however_many_actions(
    client, lead, planned, django_assert_num_queries, extra
):
    items = items_by_key(planned)
    for n in range(extra):
        action_create(
            assessment=planned,
            user=lead,
            title=f"More {n}",
            owner="Jo",
            items=[items["impact"], items["lesson-01"]],
        )
    assessment_advance(assessment=planned)
    client.force_login(lead)
    # session, user, round with place, my role; the pinned versions (their items are read once
    # a process), submitted answers, consensus; actions (with owner and the round carried
    # from), their items
    with django_assert_num_queries(9):
        document = client.get(_url("assessment-actions-api", planned)).json()
    assert len(document["actions"]) == 2 + extra


def test_it_writes_text_pasted_from_word_with_its_control_characters_dropped():
    pasted = "First line\x0bsecond line\x07"
    assert safe(pasted) == "First linesecond line"


# --- a workbook a person can use ----------------------------------------------------------------


def _workbook(client, user, round_):
    client.force_login(user)
    response = client.get(_url("assessment-actions-xlsx", round_))
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _about(workbook) -> list[tuple]:
    return list(workbook["About"].values)


def test_it_opens_the_plan_on_a_sheet_that_explains_every_column(client, viewer, planned):
    workbook = _workbook(client, viewer, planned)
    assert workbook.sheetnames == ["About", "Actions", "Gaps"]
    explained = {(row[0], row[1]): row[2] for row in _about(workbook) if len(row) > 2}
    for sheet, header in [
        ("Actions", plan_exports.EXPORT_HEADER),
        ("Gaps", plan_exports.GAPS_HEADER),
    ]:
        for column in header:
            assert explained.get((sheet, column)), f"{sheet}.{column} is not explained"


@pytest.mark.parametrize("sheet", ["Actions", "Gaps"])
def test_it_freezes_the_header_filters_the_data_and_fits_the_columns(
    client, viewer, planned, sheet
):
    data = _workbook(client, viewer, planned)[sheet]
    assert data.freeze_panes == "A2"
    assert data.auto_filter.ref == f"A1:{get_column_letter(data.max_column)}{data.max_row}"
    assert data.max_row > 2
    for cell in data[1]:
        width = data.column_dimensions[cell.column_letter].width
        assert len(cell.value) <= width <= 60, cell.value


def test_it_keeps_numbers_and_dates_as_numbers_and_blanks_empty(client, viewer, planned):
    workbook = _workbook(client, viewer, planned)
    actions = {row[4].value: row for row in workbook["Actions"].iter_rows(min_row=2)}
    late = actions["Sign the data-sharing agreement"]
    header = [cell.value for cell in workbook["Actions"][1]]
    late = dict(zip(header, late, strict=True))
    assert late["action_id"].data_type == "n"
    assert late["due"].is_date and late["due"].value.date() == TODAY - timedelta(days=5)
    assert late["carried_from_period"].value is None  # started in this round: blank
    gaps = {row[0].value: row for row in workbook["Gaps"].iter_rows(min_row=2)}
    assert [(c.value, c.data_type) for c in gaps["care-model"][2:4]] == [(2, "n"), (3, "n")]


def test_it_names_the_round_and_its_level_scales_on_the_about_sheet(planned):
    workbook = load_workbook(io.BytesIO(plan_xlsx(plans.plan_get(planned))))
    about = _about(workbook)
    facts = {row[0]: row[1] for row in about if row[0] and len(row) > 1}
    assert about[0][0] == "Improvement plan: Riverside Borough, 2026 Q4"
    assert facts["Round"] == "2026 Q4 (consensus)"
    assert "Exported" in facts
    scale = about[about.index(("Framework", "Level", "What it means")) + 1 :]
    assert {name for name, *_ in scale} == {
        "Integration maturity matrix: nine factors, version 1.2",
        "Making integrated care happen at scale and pace: sixteen lessons, version 1.2",
    }
    assert all(level[0].isdigit() and meaning for _, level, meaning in scale)
