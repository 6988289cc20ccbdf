"""Workshop files: read CSV and XLSX, check every line, and the template that comes back filled."""

import io

import pytest
from openpyxl import load_workbook

from assessment import selectors
from assessment.import_template import template_workbook
from assessment.imports import ScoresFileError, check_rows, read_table
from assessment.models import EVIDENCE_MAX_LENGTH
from tests.assessment.import_files import check, errors, xlsx

pytestmark = pytest.mark.django_db

HEADER = "respondent,framework,item,current,target,evidence\n"


def test_it_reads_a_csv_with_line_numbers_skipping_blank_lines(versions):
    text = "\ufeff Respondent ,FRAMEWORK,item,current\n\nGrace,lga-maturity-matrix,impact,2\n"
    grace = {"respondent": "Grace", "framework": "lga-maturity-matrix", "item": "impact"}
    assert read_table("scores.csv", text.encode()) == [(3, {**grace, "current": "2"})]


def test_it_reads_levels_written_as_numbers_or_as_their_labels(versions):
    rows = check(
        HEADER + "Grace,lga-maturity-matrix,impact,2 Developed,3.0,\n"
        "Grace,kingsfund-16-lessons,lesson-01,0 Not yet addressed,1 – Starting,Minutes.\n",
        versions,
    )
    assert [(r.line, r.item, r.current, r.target, r.evidence) for r in rows] == [
        (2, "impact", 2, 3, ""),
        (3, "lesson-01", 0, 1, "Minutes."),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Grace,lga-maturity-matrix,no-such-item,2,3,", "unknown item 'no-such-item'"),
        ("Grace,no-such-framework,impact,2,3,", "unknown framework 'no-such-framework'"),
        ("Grace,lga-maturity-matrix,impact,5,3,", "current level 5 is off the scale 1–4"),
        ("Grace,kingsfund-16-lessons,lesson-01,2,4,", "target level 4 is off the scale 0–3"),
        (",lga-maturity-matrix,impact,2,3,", "the respondent is missing"),
        ("Grace,lga-maturity-matrix,impact,,3,", "the current level '' is not a number"),
        ("Grace,lga-maturity-matrix,impact,two,3,", "the current level 'two' is not a number"),
        (
            f"Grace,lga-maturity-matrix,impact,2,3,{'x' * (EVIDENCE_MAX_LENGTH + 1)}",
            "the evidence is 5,001 characters; the limit is 5,000",
        ),
        (f"{'G' * 201},lga-maturity-matrix,impact,2,3,", "longer than 200 characters"),
    ],
)
def test_it_gives_the_line_number_and_reason_for_a_bad_line(versions, line, reason):
    good = "Dan,lga-maturity-matrix,impact,2,3,\n"
    problems = errors(HEADER + good + line + "\n", versions)
    assert len(problems) == 1
    assert problems[0].startswith("line 3: ")
    assert reason in problems[0]


def test_it_lists_every_problem_in_the_file_at_once(versions):
    problems = errors(
        HEADER + "Grace,lga-maturity-matrix,impact,9,3,\n"
        "Grace,lga-maturity-matrix,place,2,,\n"
        ",lga-maturity-matrix,nope,2,3,\n",
        versions,
    )
    assert problems == [
        "line 2: current level 9 is off the scale 1–4",
        "line 4: the respondent is missing",
        "line 4: unknown item 'nope' in lga-maturity-matrix",
    ]


def test_it_refuses_a_target_on_a_context_factor_by_line(versions):
    problems = errors(
        HEADER + "Grace,lga-maturity-matrix,impact,2,3,\nGrace,lga-maturity-matrix,place,2,3,\n",
        versions,
    )
    assert problems == [
        "line 3: Place is a context factor: it describes the place's circumstances and takes "
        "no target (leave the target blank)"
    ]


def test_it_refuses_the_same_person_scoring_an_item_twice(versions):
    problems = errors(
        HEADER + "Grace,lga-maturity-matrix,impact,2,3,\ngrace,lga-maturity-matrix,impact,3,3,\n",
        versions,
    )
    assert problems == ["line 3: grace scored impact already on line 2"]


def test_it_refuses_a_confidence_other_than_low_medium_or_high(versions):
    problems = errors(
        "respondent,framework,item,current,confidence\nGrace,lga-maturity-matrix,impact,2,sure\n",
        versions,
    )
    assert problems == ["line 2: confidence 'sure' is not one of low, medium, high"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"respondent,item,current\n", "line 1: the header lacks a column: framework"),
        (HEADER.encode(), "the file has a header but no scores"),
        ("respondent,framework,item,current\nZoë,x,y,1\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_table_of_scores(versions, content, message):
    assert any(message in error for error in errors(content, versions))


def test_it_refuses_a_file_named_xlsx_that_is_not_a_workbook(versions):
    assert errors(HEADER, versions, name="scores.xlsx") == ["the file is not a valid XLSX workbook"]


def test_it_reads_scores_from_a_workbook_whatever_the_cell_types(versions):
    content = xlsx(
        [
            ["Respondent", "framework", "item", "current", "target"],
            ["Grace", "lga-maturity-matrix", "impact", 2, 3.0],
            [None, None, None, None, None],
            ["Grace", "kingsfund-16-lessons", "lesson-02", "1 Starting", None],
        ]
    )
    rows = check(content, versions, name="Workshop.XLSX")
    assert [(r.line, r.item, r.current, r.target) for r in rows] == [
        (2, "impact", 2, 3),
        (4, "lesson-02", 1, None),
    ]


def test_it_reports_workbook_errors_by_spreadsheet_row(versions):
    content = xlsx(
        [
            ["respondent", "framework", "item", "current"],
            ["Grace", "lga-maturity-matrix", "impact", 7],
        ]
    )
    assert errors(content, versions, name="scores.xlsx") == [
        "line 2: current level 7 is off the scale 1–4"
    ]


# The template a workshop fills in


@pytest.fixture
def template(open_round):
    items = selectors.assessment_items(open_round)
    content = template_workbook(
        assessment=open_round, items=items, names=["Grace Okafor", "Dan Reilly"]
    )
    return load_workbook(io.BytesIO(content)), items


def test_it_writes_a_row_per_respondent_and_item_with_the_item_title(template):
    workbook, items = template
    sheet = workbook["Scores"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("respondent", "framework", "item", "title", "current", "target")
    assert len(rows) == 1 + 2 * 25
    assert rows[1][:4] == ("Grace Okafor", "lga-maturity-matrix", "impact", items[0].title)
    assert rows[26][:3] == ("Dan Reilly", "lga-maturity-matrix", "impact")
    assert rows[25][2] == "lesson-16"


def test_it_offers_each_item_its_own_levels_as_drop_downs(template):
    workbook, _ = template
    validations = {v.formula1: v.sqref for v in workbook["Scores"].data_validations.dataValidation}
    matrix = validations['"1 Emerging,2 Developed,3 Well developed,4 Extensive development"']
    lessons = validations['"0 Not yet addressed,1 Starting,2 Established,3 Embedded"']
    place = validations['"1 Highly complex,2 Complex,3 Fairly simple,4 Simple"']
    # Row 2 is Impact, row 3 Place (a context factor: its own names, and no target).
    assert "E2" in matrix and "F2" in matrix and "E4:E10" in matrix and "E11" not in matrix
    assert "E11:E26" in lessons and "F36:F51" in lessons and "E10" not in lessons
    assert "E3" in place and "E28" in place and "F3" not in place
    assert "H2:H51" in validations['"low,medium,high"']


def test_it_refuses_a_target_for_a_context_factor_in_the_template(template):
    workbook, _ = template
    sheet = workbook["Scores"]
    [no_target] = [v for v in sheet.data_validations.dataValidation if v.type == "textLength"]
    assert "F3" in no_target.sqref and "F28" in no_target.sqref and "F2" not in no_target.sqref
    assert sheet["C3"].value == "place"


def test_it_describes_every_level_of_every_item_on_a_second_sheet(template):
    workbook, items = template
    guide = list(workbook["Levels"].iter_rows(values_only=True))
    assert len(guide) == 1 + 9 * 4 + 16 * 4
    impact_4 = next(row for row in guide if row[1] == "impact" and row[3] == 4)
    assert impact_4[4] == "Extensive development"
    assert impact_4[5] == items[0].descriptors.get(value=4).descriptor


def test_it_reads_back_a_filled_in_template(template, versions):
    workbook, _ = template
    sheet = workbook["Scores"]
    for row in sheet.iter_rows(min_row=2):
        lessons = row[1].value == "kingsfund-16-lessons"
        row[4].value = "1 Starting" if lessons else "2 Developed"  # current, as the drop-down
        if row[2].value != "place":  # a context factor takes no target
            row[5].value = "3 Embedded" if lessons else "4 Extensive development"
    sheet["G2"] = "Admissions fell 6%."
    sheet["H2"] = "high"
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = check(buffer.getvalue(), versions, name="riverside.xlsx")
    assert len(rows) == 50
    first = rows[0]
    assert (first.respondent, first.item, first.current, first.target) == (
        "Grace Okafor",
        "impact",
        2,
        4,
    )
    assert (first.evidence, first.confidence) == ("Admissions fell 6%.", "high")
    levels = {(r.framework, r.current, r.target) for r in rows}
    assert levels == {
        ("lga-maturity-matrix", 2, 4),
        ("lga-maturity-matrix", 2, None),
        ("kingsfund-16-lessons", 1, 3),
    }


def test_it_passes_over_template_rows_nobody_filled_in(versions):
    rows = check(
        HEADER + "Grace,lga-maturity-matrix,impact,2,3,\n"
        "Participant 5,lga-maturity-matrix,impact,,,\n",
        versions,
    )
    assert [(r.line, r.respondent) for r in rows] == [(2, "Grace")]


def test_it_still_refuses_a_row_with_evidence_but_no_level(versions):
    problems = errors(HEADER + "Grace,lga-maturity-matrix,impact,,,We have a plan.\n", versions)
    assert problems == ["line 2: the current level '' is not a number"]


def test_it_suggests_the_key_meant_for_a_mistyped_item_or_framework(versions):
    table = read_table(
        "s.csv",
        b"respondent,framework,item,current\n"
        b"Ann,kingsfund-16-lessons,lesson-1,2\n"
        b"Ann,lga-maturity-matix,impact,2\n",
    )
    with pytest.raises(ScoresFileError) as refused:
        check_rows(table, versions)
    reasons = [str(error) for error in refused.value.errors]
    assert reasons[0] == (
        "line 2: unknown item 'lesson-1' in kingsfund-16-lessons: did you mean 'lesson-01'?"
    )
    assert reasons[1].startswith(
        "line 3: unknown framework 'lga-maturity-matix': did you mean 'lga-maturity-matrix'?"
    )
