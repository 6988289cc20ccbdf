"""GET /compare/export.csv and /compare/export.xlsx: the numbers behind a comparison."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assessment.exports import AGREEMENT_HEADER
from reports.compare import anonymous_label
from reports.exports import DETAIL_HEADER, SUMMARY_HEADER

from .compare_data import (
    chosen,
    closed_round,
    csv_rows,
    export_row,
    exported,
    first_published_versions,
    xlsx_rows,
)
from .pages import download, refused

pytestmark = pytest.mark.django_db

CSV = reverse("reports-export-csv")
XLSX = reverse("reports-export-xlsx")


# --- the results of each round ----------------------------------------------------------------


def test_it_exports_a_row_per_round_and_item(client, analyst, rounds_to_export):
    response = exported(
        client, analyst, CSV, chosen(rounds_to_export["riverside"], rounds_to_export["northmoor"])
    )
    rows = csv_rows(response)
    assert list(rows[0]) == SUMMARY_HEADER
    assert len(rows) == 2 * (9 + 16)
    assert [r["item_key"] for r in rows[:2]] == ["impact", "place"]  # factors, then lessons
    assert rows[24]["item_key"] == "lesson-16"


def _version(assessment, framework: str) -> str:
    """The version of a framework the round was scored against, as the export names it."""
    return assessment.framework_versions.get(framework__slug=framework).version


def test_it_exports_an_agreed_item_with_the_spread_of_the_answers(
    any_far_answer_splits, client, analyst, rounds_to_export
):
    rows = csv_rows(exported(client, analyst, CSV, chosen(rounds_to_export["riverside"])))
    assert export_row(rows, "impact") == {
        "place_code": "riverside",
        "place_name": "Riverside Borough",
        "period": "2026 Q2",
        "framework": "lga-maturity-matrix",
        "framework_version": _version(rounds_to_export["riverside"], "lga-maturity-matrix"),
        "item_key": "impact",
        "item_title": "Impact",
        "agreed_current": "3",
        "agreed_target": "4",
        "current": "3",
        "target": "4",
        "median": "2",
        "minimum": "1",
        "maximum": "4",
        "responses": "3",
        "split": "yes",
        "rationale": "Agreed at the workshop.",
        "minority_view": "",
        "mapped": "no",
        "mapped_from": "",
    }


def test_it_exports_the_median_where_nothing_was_agreed(client, analyst, rounds_to_export):
    rows = csv_rows(exported(client, analyst, CSV, chosen(rounds_to_export["riverside"])))
    care_model = export_row(rows, "care-model")
    assert [care_model[k] for k in SUMMARY_HEADER[7:]] == [
        "",
        "",
        "3",
        "4",
        "3",
        "2",
        "3",
        "3",
        "no",
        "",
        "",
        "no",
        "",
    ]


def test_it_exports_a_lesson_against_its_own_framework(client, analyst, rounds_to_export):
    rows = csv_rows(exported(client, analyst, CSV, chosen(rounds_to_export["riverside"])))
    lesson = export_row(rows, "lesson-01")
    lessons = "kingsfund-16-lessons"
    expected = (lessons, _version(rounds_to_export["riverside"], lessons))
    assert (lesson["framework"], lesson["framework_version"]) == expected
    assert (lesson["current"], lesson["responses"]) == ("2", "3")


def test_it_starts_the_csv_with_a_byte_order_mark_for_excel(client, analyst, rounds_to_export):
    response = exported(client, analyst, CSV, chosen(rounds_to_export["riverside"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert download(response) == ("attachment", "integration-maturity-results.csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfplace_code,place_name,period,")


def test_it_exports_the_same_numbers_as_a_spreadsheet(
    any_far_answer_splits, client, analyst, rounds_to_export
):
    response = exported(client, analyst, XLSX, chosen(rounds_to_export["riverside"]))
    assert download(response) == ("attachment", "integration-maturity-results.xlsx")
    impact = export_row(xlsx_rows(response), "impact")
    # Numbers stay numbers, to sum and chart in the spreadsheet.
    assert [impact[k] for k in SUMMARY_HEADER[7:16]] == [3, 4, 3, 4, 2, 1, 4, 3, "yes"]


# --- what an analyst may export ---------------------------------------------------------------


def test_it_never_exports_a_private_round_to_an_analyst_asking_for_it(
    client, analyst, rounds_to_export
):
    response = exported(client, analyst, CSV, chosen(rounds_to_export["eastvale"]))
    assert csv_rows(response) == []


def test_it_exports_every_shared_round_when_none_is_chosen(client, analyst, rounds_to_export):
    rows = csv_rows(exported(client, analyst, CSV, {}))
    assert {r["place_code"] for r in rows} == {"riverside", ""}
    assert "Eastvale Health and Wellbeing Board" not in {r["place_name"] for r in rows}


def test_it_exports_only_a_member_s_own_place(client, viewer, rounds_to_export):
    rows = csv_rows(
        exported(
            client,
            viewer,
            CSV,
            chosen(rounds_to_export["riverside"], rounds_to_export["northmoor"]),
        )
    )
    assert {r["place_code"] for r in rows} == {"riverside"}


def test_it_exports_only_the_rounds_the_filters_match(client, staff, rounds_to_export):
    rows = csv_rows(exported(client, staff, CSV, {"region": "north-east-yorkshire"}))
    assert {r["place_code"] for r in rows} == {"northmoor"}


@pytest.mark.parametrize("query", [{}, {"detail": "responses"}])
def test_it_never_names_an_anonymous_place_in_an_export(client, analyst, rounds_to_export, query):
    response = exported(client, analyst, CSV, {**chosen(rounds_to_export["northmoor"]), **query})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "northmoor" not in body.lower()
    assert f",{anonymous_label(rounds_to_export['northmoor'].pk)},2026 Q2," in body


def test_it_never_names_an_anonymous_place_in_a_spreadsheet(client, analyst, rounds_to_export):
    rows = xlsx_rows(exported(client, analyst, XLSX, chosen(rounds_to_export["northmoor"])))
    assert {(r["place_code"], r["place_name"]) for r in rows} == {
        (None, anonymous_label(rounds_to_export["northmoor"].pk))
    }


@pytest.mark.parametrize("detail", ["", "responses"])
@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_exports_no_anonymous_round_under_a_region_with_fewer_than_five_anonymous_places(
    client, analyst, rounds_to_export, url, detail
):
    # Northmoor is the only place in the North East that shares: its round would be named.
    response = exported(client, analyst, url, {"region": "north-east-yorkshire", "detail": detail})
    assert (csv_rows(response) if url == CSV else xlsx_rows(response)) == []
    everything = exported(client, analyst, url, {"detail": detail})
    rows = csv_rows(everything) if url == CSV else xlsx_rows(everything)
    assert anonymous_label(rounds_to_export["northmoor"].pk) in {r["place_name"] for r in rows}


def test_it_says_which_version_of_each_framework_each_round_used(
    client, staff, rounds_to_export, place
):
    earlier = closed_round(
        place, "2025 Q4", {"Asha Patel": {}}, versions=first_published_versions()
    )
    rows = csv_rows(exported(client, staff, CSV, chosen(earlier, rounds_to_export["riverside"])))
    used = {(r["period"], r["framework"], r["framework_version"]) for r in rows}
    assert used == {
        ("2025 Q4", "lga-maturity-matrix", "1.0"),
        ("2025 Q4", "kingsfund-16-lessons", "1.0"),
        ("2026 Q2", "lga-maturity-matrix", "1.2"),
        ("2026 Q2", "kingsfund-16-lessons", "1.2"),
    }
    assert len(rows) == 2 * 25  # every item of each round: the keys are the same in both


# --- addresses an export cannot answer ---------------------------------------------------------


@pytest.mark.parametrize("url", [CSV, XLSX])
@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (
            {"assessment": "²"},
            "Rounds: A round is chosen by its number, in the digits 0 to 9, or by the code of "
            "its anonymous label.",
        ),
        ({"period": "2026\x00"}, "Period: Null characters are not allowed."),
        ({"region": "atlantis"}, "Region: There is no region “atlantis”."),
        ({"detail": "everything"}, "Detail: Choose the summary, the responses or the agreement."),
    ],
)
def test_it_refuses_an_export_it_cannot_make_as_asked(
    client, staff, rounds_to_export, url, query, problem
):
    # Never "everything" for a filter it could not read: that could export rounds unasked for.
    client.force_login(staff)
    response = client.get(url, query)
    assert refused(response) == ["The export cannot be made as asked.", problem]


# --- who may export ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_sends_someone_signed_out_to_sign_in(client, rounds_to_export, url):
    response = client.get(url, chosen(rounds_to_export["riverside"]))
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_it_only_answers_get(client, analyst, rounds_to_export, url):
    client.force_login(analyst)
    assert client.post(url, chosen(rounds_to_export["riverside"])).status_code == 405


# --- a workbook a person can use ----------------------------------------------------------------


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


@pytest.mark.parametrize(
    ("detail", "sheets"),
    [
        # The results come with how far each round's answers agree, to judge them by.
        ("", {"Results": SUMMARY_HEADER, "Agreement": AGREEMENT_HEADER}),
        ("responses", {"Results": DETAIL_HEADER}),
    ],
)
def test_it_opens_the_workbook_on_a_sheet_that_explains_every_column(
    client, analyst, rounds_to_export, detail, sheets
):
    query = {**chosen(rounds_to_export["riverside"]), "detail": detail}
    workbook = _workbook(exported(client, analyst, XLSX, query))
    assert workbook.sheetnames == ["About", *sheets]
    about = list(workbook["About"].values)
    for name, header in sheets.items():
        assert [cell.value for cell in workbook[name][1]] == header
        explained = {row[1]: row[2] for row in about if row[0] == name}
        assert [column for column in header if not explained.get(column)] == []


@pytest.mark.parametrize("detail", ["", "responses"])
def test_it_freezes_the_header_filters_the_data_and_fits_the_columns(
    client, analyst, rounds_to_export, detail
):
    query = {**chosen(rounds_to_export["riverside"]), "detail": detail}
    results = _workbook(exported(client, analyst, XLSX, query))["Results"]
    assert results.freeze_panes == "A2"
    assert results.auto_filter.ref == f"A1:{get_column_letter(results.max_column)}{results.max_row}"
    assert results.max_row == 1 + (3 if detail else 1) * 25
    for cell in results[1]:
        width = results.column_dimensions[cell.column_letter].width
        assert len(cell.value) <= width <= 60, cell.value
    titles = results.column_dimensions[get_column_letter(SUMMARY_HEADER.index("item_title") + 1)]
    assert titles.width > len("item_title") + 2  # as wide as the titles, not just the header


def test_it_stores_numbers_as_numbers_and_blanks_as_empty_cells(client, analyst, rounds_to_export):
    results = _workbook(exported(client, analyst, XLSX, chosen(rounds_to_export["riverside"])))[
        "Results"
    ]
    rows = {row[SUMMARY_HEADER.index("item_key")].value: row for row in results.iter_rows(2)}
    at = {name: n for n, name in enumerate(SUMMARY_HEADER)}
    impact, care_model = rows["impact"], rows["care-model"]
    numbers = ["agreed_current", "current", "median", "minimum", "responses"]
    assert [impact[at[k]].data_type for k in numbers] == ["n"] * len(numbers)
    assert (impact[at["agreed_current"]].value, impact[at["median"]].value) == (3, 2)
    assert care_model[at["agreed_current"]].value is None  # nothing agreed: an empty cell


def test_it_names_the_rounds_and_the_level_scales_on_the_about_sheet(
    client, analyst, rounds_to_export
):
    query = chosen(rounds_to_export["riverside"], rounds_to_export["northmoor"])
    about = list(_workbook(exported(client, analyst, XLSX, query))["About"].values)
    facts = [row[1] for row in about if row[0] == "Round"]
    label = anonymous_label(rounds_to_export["northmoor"].pk)
    assert sorted(facts) == sorted([f"{label}, 2026 Q2", "Riverside Borough, 2026 Q2"])
    assert about[0][0] == "Integration maturity: the results of 2 rounds"
    assert not any("Northmoor" in str(value) for row in about for value in row)
    scale = about[about.index(("Framework", "Level", "What it means")) + 1 :]
    assert len({name for name, *_ in scale}) == 2  # the matrix and the lessons, as scored
    assert all(level[0].isdigit() and meaning for _, level, meaning in scale)
