"""The workshop template (assessment.import_template): built in linear time, capped at its
number of people (and saying so), and formula-safe."""

import io

import pytest
from openpyxl import load_workbook

from assessment import selectors
from assessment.import_template import TEMPLATE_MAX_NAMES, template_workbook
from tests.assessment.import_files import (
    check,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(open_round):
    return selectors.assessment_items(open_round)


def _template(open_round, items, names):
    content = template_workbook(assessment=open_round, items=items, names=names)
    return load_workbook(io.BytesIO(content))


def _covered_rows(validation, column):
    """The rows a drop-down covers in one column (a number)."""
    rows = set()
    for cells in validation.sqref.ranges:
        if cells.min_col == column:
            assert cells.max_col == column
            rows.update(range(cells.min_row, cells.max_row + 1))
    return rows


def test_it_covers_every_row_of_a_long_template_with_a_range_per_person(open_round, items):
    names = [f"Person {n:03}" for n in range(TEMPLATE_MAX_NAMES)]
    sheet = _template(open_round, items, names)["Scores"]
    rows_of = {}
    for number, (framework, key) in enumerate(
        sheet.iter_rows(min_row=2, min_col=2, max_col=3, values_only=True), start=2
    ):
        kind = "place" if key == "place" else framework
        rows_of.setdefault(kind, set()).add(number)
    assert sum(map(len, rows_of.values())) == len(names) * len(items)
    validations = {v.formula1: v for v in sheet.data_validations.dataValidation}
    matrix = validations['"1 Emerging,2 Developed,3 Well developed,4 Extensive development"']
    lessons = validations['"0 Not yet addressed,1 Starting,2 Established,3 Embedded"']
    place = validations['"1 Highly complex,2 Complex,3 Fairly simple,4 Simple"']
    [no_target] = [v for v in sheet.data_validations.dataValidation if v.type == "textLength"]
    confidence = validations['"low,medium,high"']
    current, target = 5, 6
    assert _covered_rows(matrix, current) == _covered_rows(matrix, target)
    assert _covered_rows(matrix, current) == rows_of["lga-maturity-matrix"]
    assert _covered_rows(lessons, target) == rows_of["kingsfund-16-lessons"]
    assert _covered_rows(place, current) == rows_of["place"] == _covered_rows(no_target, target)
    assert _covered_rows(place, target) == set()
    assert _covered_rows(confidence, 8) == set(range(2, 2 + len(names) * len(items)))
    # One range per person's run of items with the same levels, not one per row: Impact, then
    # Place apart, then the other factors; the lessons in one run.
    assert len(matrix.sqref.ranges) == 4 * len(names)
    assert len(lessons.sqref.ranges) == 2 * len(names)
    assert len(confidence.sqref.ranges) == 1


def test_it_lists_at_most_the_template_s_number_of_people_and_says_so(open_round, items):
    names = [f"Person {n:03}" for n in range(TEMPLATE_MAX_NAMES + 50)]
    sheet = _template(open_round, items, names)["Scores"]
    listed = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]
    assert len(listed) == TEMPLATE_MAX_NAMES * len(items)
    assert listed[-1] == f"Person {TEMPLATE_MAX_NAMES - 1:03}"
    assert sheet.cell(row=sheet.max_row, column=1).value == (
        "This template lists the first 200 of 250 people; add rows for the others in the same way."
    )


HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/","Click")',
    "+44 20 7946 0000",
    "-Dash",
    "@SUM(A1)",
    "\tTabbed",
    "'=Already quoted",
    "''Two apostrophes",
    "'Ali",
    "Grace Okafor",
]


def test_it_writes_names_a_spreadsheet_would_run_as_plain_text(open_round, items):
    sheet = _template(open_round, items, HOSTILE_NAMES)["Scores"]
    firsts = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1) if row[0].row % 25 == 2]
    assert {cell.data_type for cell in firsts} == {"s"}
    assert [cell.value for cell in firsts] == [
        '\'=HYPERLINK("http://evil.example/","Click")',
        "'+44 20 7946 0000",
        "'-Dash",
        "'@SUM(A1)",
        "'\tTabbed",
        "''=Already quoted",
        "'''Two apostrophes",
        "'Ali",
        "Grace Okafor",
    ]


def test_it_reads_names_back_from_a_filled_template_as_they_were(open_round, items, versions):
    workbook = _template(open_round, items, HOSTILE_NAMES)
    for row in workbook["Scores"].iter_rows(min_row=2):
        row[4].value = "1"
    rows = check(workbook_bytes(workbook), versions, "filled.xlsx")
    assert list(dict.fromkeys(r.respondent for r in rows)) == HOSTILE_NAMES


def test_it_writes_titles_labels_and_descriptors_as_plain_text(open_round, items):
    impact = items[0]
    impact.title = "=1+2"
    descriptor = impact.descriptors.all()[0]
    descriptor.descriptor = "-cmd|' /C calc'!A0"
    impact.version.levels.all()[0].label = "@label"
    workbook = _template(open_round, items, ["Grace Okafor"])
    assert workbook["Scores"]["D2"].value == "'=1+2"
    guide = workbook["Levels"]
    title, label, descriptor = guide["C2"], guide["E2"], guide["F2"]
    assert [title.value, label.value, descriptor.value] == [
        "'=1+2",
        "'@label",
        "'-cmd|' /C calc'!A0",
    ]
    assert {title.data_type, label.data_type, descriptor.data_type} == {"s"}


def test_it_leaves_out_characters_a_workbook_cannot_hold(open_round, items):
    sheet = _template(open_round, items, ["Gr\x01ace\x1f"])["Scores"]
    assert sheet["A2"].value == "Grace"
