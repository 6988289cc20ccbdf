"""Workshop files made to hurt: each is refused with a reason a lead can act on, or read right.

Memory is measured with tracemalloc (peaks, not timings): a dimension bomb once took a worker
to 2.75 GB.
"""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from assessment import imports
from assessment.imports import read_table
from assessment.models import Response
from tests.assessment.import_files import (
    SHEET,
    check,
    errors,
    patched,
    with_dimension,
    workbook_bytes,
    xlsx,
)

pytestmark = pytest.mark.django_db

NOT_A_WORKBOOK = "the file is not a valid XLSX workbook"
MB = 1024 * 1024
HEADER = ["respondent", "framework", "item", "current"]


def _grace(current=2):
    return ["Grace", "lga-maturity-matrix", "impact", current]


def _dan(current=3):
    return ["Dan", "lga-maturity-matrix", "impact", current]


def _peak_memory(read):
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# A workbook that declares or holds a sheet bigger than it is


def test_it_reads_a_small_workbook_declaring_16384_columns_in_little_memory(versions):
    # Rows 3 to 20,001 are missing, so openpyxl makes them up, each as wide as declared.
    content = with_dimension(xlsx([HEADER, _grace()], at={20_002: _dan()}), "A1:XFD20002")
    assert len(content) < 10_000
    rows, peak = _peak_memory(lambda: check(content, versions, "bomb.xlsx"))
    assert [(r.line, r.respondent, r.current) for r in rows] == [
        (2, "Grace", 2),
        (20_002, "Dan", 3),
    ]
    assert peak < 100 * MB


@pytest.mark.parametrize("ref", ["A1:D99999999", "A1:XFE2"])
def test_it_refuses_a_sheet_declaring_more_than_a_spreadsheet_can_hold(versions, ref):
    content = with_dimension(xlsx([HEADER, _grace()]), ref)
    (error,) = errors(content, versions, "scores.xlsx")
    assert "more than a spreadsheet can have" in error


def test_it_refuses_a_row_numbered_past_the_last_row_of_a_spreadsheet(versions):
    # openpyxl would yield an empty row for each of the ten billion rows before it.
    content = patched(
        xlsx([HEADER, _grace()]),
        SHEET,
        lambda xml: xml.replace(b'<row r="2"', b'<row r="9999999999"'),
    )
    (error,) = errors(content, versions, "scores.xlsx")
    assert "rows past row 1,048,576" in error


def test_it_reads_a_score_on_the_last_row_of_a_spreadsheet(versions):
    content = xlsx([HEADER, _grace()], at={1_048_576: _dan()})
    rows, peak = _peak_memory(lambda: check(content, versions, "scores.xlsx"))
    assert [r.line for r in rows] == [2, 1_048_576]
    assert peak < 100 * MB


def test_it_reads_only_the_first_columns_of_a_wide_sheet(versions):
    row = [*_grace(), *[None] * (imports.MAX_COLUMNS - 4), "far right"]
    table = read_table("scores.xlsx", xlsx([[*HEADER, *[None] * 30, "notes"], row]))
    grace = dict(zip(HEADER, ["Grace", "lga-maturity-matrix", "impact", "2"], strict=True))
    assert table == [(2, grace)]


# Blank rows never cost a score, and the row limit counts scores


def test_it_reads_scores_after_thousands_of_blank_rows(versions):
    content = xlsx([HEADER, _grace()], at={25_000: _dan()})
    rows = check(content, versions, "scores.xlsx")
    assert [(r.line, r.respondent) for r in rows] == [(2, "Grace"), (25_000, "Dan")]


def test_it_counts_the_row_limit_in_a_workbook_without_blank_rows(versions, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    spread = {10: _grace(), 20: _dan(), 30: ["Ann", "lga-maturity-matrix", "impact", 1]}
    rows = check(xlsx([HEADER], at=spread), versions, "scores.xlsx")
    assert [r.line for r in rows] == [10, 20, 30]
    one_more = {**spread, 40: ["Bob", "lga-maturity-matrix", "impact", 1]}
    assert errors(xlsx([HEADER], at=one_more), versions, "scores.xlsx") == [
        "the file has more than 3 rows, blank rows aside; split it into smaller files"
    ]


def test_it_stops_reading_a_workbook_once_past_the_row_limit(versions, monkeypatch):
    # The last row is numbered 'abc': refused for its length, the file was not read that far.
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    content = patched(
        xlsx([HEADER, *[_grace()] * 6]),
        SHEET,
        lambda xml: xml.replace(b"</sheetData>", b'<row r="abc"/></sheetData>'),
    )
    assert errors(content, versions, "scores.xlsx") == [
        "the file has more than 3 rows, blank rows aside; split it into smaller files"
    ]


def test_it_counts_the_row_limit_in_a_csv_without_blank_lines(versions, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    text = "respondent,framework,item,current\n\n\nGrace,lga-maturity-matrix,impact,2\n\n,,,\n"
    rows = check(text + "Dan,lga-maturity-matrix,impact,3\n", versions)
    assert [r.line for r in rows] == [4, 7]
    assert "more than 2 rows" in errors(text + "Dan,x,y,3\nAnn,x,y,1\n", versions)[0]


# A NUL in a CSV, which PostgreSQL cannot store


def test_it_refuses_a_nul_past_the_first_64_kb_of_a_csv_naming_its_line(versions):
    text = (
        "respondent,framework,item,current,evidence,notes\n"
        f"Grace,lga-maturity-matrix,impact,2,,{'n' * 70_000}\n"
        "Dan,lga-maturity-matrix,impact,3,Minutes\x00,\n"
    )
    assert errors(text, versions) == [
        "line 3: a NUL character, which is not text: save the file as CSV UTF-8"
    ]


def test_it_counts_lines_to_a_nul_as_the_csv_reader_counts_them(versions):
    text = (
        "respondent,framework,item,current,evidence\r\n"
        'Grace,lga-maturity-matrix,impact,2,"Two lines\rof evidence"\r\n'
        "Dan,lga-maturity-matrix,impact,3,\x00\r\n"
    )
    (error,) = errors(text, versions)
    assert error.startswith("line 4: a NUL character")


def test_it_still_calls_a_spreadsheet_dressed_as_csv_a_spreadsheet(versions):
    assert errors(xlsx([HEADER, _grace()]), versions) == [
        "the file is not CSV text (is it a spreadsheet?)"
    ]


# Workbooks openpyxl cannot read


def _chart_on_scores_sheet(data_sheet_rows):
    workbook = Workbook()
    data = workbook.active
    data.title = "Data"
    for row in data_sheet_rows:
        data.append(row)
    chartsheet = workbook.create_chartsheet("Scores", 0)
    chart = BarChart()
    chart.add_data(Reference(data, min_col=4, min_row=1, max_row=2))
    chartsheet.add_chart(chart)
    return workbook_bytes(workbook)


def _empty_chartsheet_only():
    workbook = Workbook()
    workbook.create_chartsheet("Chart")
    workbook.remove(workbook.active)
    return workbook_bytes(workbook)


def _damaged(part, change):
    return patched(xlsx([HEADER, _grace()]), part, change)


@pytest.mark.parametrize(
    "damage",
    [
        ("sheet XML cut short", SHEET, lambda xml: xml[:-40]),
        ("sheet XML not XML", SHEET, lambda xml: b"<worksheet"),
        ("a tag left open", SHEET, lambda xml: xml.replace(b"</row>", b"<oops></row>", 1)),
        ("a row numbered 'abc'", SHEET, lambda xml: xml.replace(b'r="2"', b'r="abc"', 1)),
        ("a cell numbered '!!'", SHEET, lambda xml: xml.replace(b'r="A2"', b'r="!!"')),
        ("a number 'abc'", SHEET, lambda xml: xml.replace(b"<v>2</v>", b"<v>abc</v>")),
        (
            "a shared string that is not there",
            SHEET,
            lambda xml: xml.replace(b't="n"><v>2</v>', b't="s"><v>99</v>'),
        ),
        (
            "a merge of nonsense after the rows",
            SHEET,
            lambda xml: xml.replace(
                b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="zz"/></mergeCells>'
            ),
        ),
        ("no workbook part", "xl/workbook.xml", lambda xml: None),
        ("styles not XML", "xl/styles.xml", lambda xml: b"<styleSheet"),
    ],
    ids=lambda damage: damage[0],
)
def test_it_refuses_a_damaged_workbook_with_a_reason(versions, damage):
    _, part, change = damage
    assert errors(_damaged(part, change), versions, "scores.xlsx") == [NOT_A_WORKBOOK]


def test_it_refuses_a_workbook_whose_sheet_is_missing(versions):
    content = _damaged(SHEET, lambda xml: None)
    assert errors(content, versions, "scores.xlsx") == [
        "the workbook has no sheet of cells to read"
    ]


def test_it_refuses_a_workbook_whose_only_sheet_is_an_empty_chartsheet(versions):
    assert errors(_empty_chartsheet_only(), versions, "scores.xlsx") == [NOT_A_WORKBOOK]


def test_it_refuses_a_workbook_with_no_sheet_of_cells(versions):
    workbook = Workbook()
    workbook.create_chartsheet("Chart").add_chart(BarChart())
    workbook.remove(workbook.active)
    assert errors(workbook_bytes(workbook), versions, "scores.xlsx") == [
        "the workbook has no sheet of cells to read"
    ]


def test_it_reads_the_sheet_of_cells_when_a_chart_is_called_scores(versions):
    rows = check(_chart_on_scores_sheet([HEADER, _grace()]), versions, "scores.xlsx")
    assert [(r.respondent, r.current) for r in rows] == [("Grace", 2)]


def test_it_asks_for_a_password_protected_workbook_to_be_saved_without_one(versions):
    # Excel wraps an encrypted workbook, as it did every old .xls, in an OLE container.
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    assert errors(content, versions, "scores.xlsx") == [
        "the file is an old .xls workbook or has a password; save it as .xlsx without one"
    ]


def test_it_refuses_a_workbook_that_unpacks_to_too_much_before_parsing_it(versions):
    content = patched(
        xlsx([HEADER, _grace()]),
        "xl/styles.xml",
        lambda xml: xml + b" " * imports.XLSX_MAX_UNPACKED_BYTES,
    )
    assert len(content) < MB
    (error,) = errors(content, versions, "scores.xlsx")
    assert error.startswith("the workbook unpacks to 40.0 MB; the limit is 40 MB")


def test_it_refuses_a_workbook_of_more_formatting_than_scores_before_building_it(versions):
    # openpyxl would build each merged cell as an object: hundreds of megabytes from 1 MB.
    merged = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (n, n) for n in range(3, 200_003))
    content = patched(
        xlsx([HEADER, _grace()]),
        SHEET,
        lambda xml: xml.replace(
            b"</sheetData>", b"</sheetData><mergeCells>%s</mergeCells>" % merged
        ),
    )
    refusal, peak = _peak_memory(lambda: errors(content, versions, "scores.xlsx"))
    assert refusal == [
        "the workbook holds more than 150,000 pieces of formatting and text besides its cells "
        "(save only the Scores sheet, or save it as CSV)"
    ]
    assert peak < 20 * MB


def test_it_refuses_a_tag_of_a_hundred_thousand_attributes(versions):
    attributes = b" ".join(b'a%x=""' % n for n in range(150_000))
    content = patched(
        xlsx([HEADER, _grace()]),
        SHEET,
        lambda xml: xml.replace(b"<sheetPr>", b"<sheetPr %s>" % attributes),
    )
    refusal, peak = _peak_memory(lambda: errors(content, versions, "scores.xlsx"))
    assert refusal == [NOT_A_WORKBOOK]
    assert peak < 20 * MB


def test_it_refuses_a_workbook_compressed_in_a_way_xlsx_never_is(versions):
    # Method 99 is how zip tools mark AES encryption; Python's zipfile cannot open it.
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER, _grace()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    content = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = content.find(signature)
        while start != -1:
            content[start + offset : start + offset + 2] = (99).to_bytes(2, "little")
            start = content.find(signature, start + 1)
    assert errors(bytes(content), versions, "scores.xlsx") == [NOT_A_WORKBOOK]


# Cells too long to echo or to count


def test_it_refuses_a_level_of_thousands_of_digits(versions):
    # Python will not turn more than 4,300 digits into a number.
    (error,) = errors(xlsx([HEADER, _grace("9" * 5_000)]), versions, "scores.xlsx")
    assert error == f"line 2: the current level '{'9' * 40}…' is not a number"


def test_it_quotes_a_long_bad_cell_cut_short(versions):
    content = xlsx([HEADER, ["Grace", "lga-maturity-matrix", "x" * 10_000, 2]])
    assert errors(content, versions, "scores.xlsx") == [
        f"line 2: unknown item '{'x' * 40}…' in lga-maturity-matrix"
    ]


def test_it_refuses_a_control_character_in_a_name(versions):
    text = "respondent,framework,item,current\nGr\x01ace,lga-maturity-matrix,impact,2\n"
    assert errors(text, versions) == ["line 2: the respondent's name holds a control character"]


# Through the page: a line error and a 400, never a server error (run on PostgreSQL too)


def _post(client, open_round, name, content):
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("assessment-import", args=[open_round.pk]), {"file": upload})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "workshop.csv",
            (
                "respondent,framework,item,current,evidence,notes\n"
                f"Grace,lga-maturity-matrix,impact,2,,{'n' * 70_000}\n"
                "Dan,lga-maturity-matrix,impact,3,Minutes\x00,\n"
            ).encode(),
            "line 3: a NUL character",
        ),
        ("workshop.xlsx", _damaged(SHEET, lambda xml: xml[:-40]), NOT_A_WORKBOOK),
        ("workshop.xlsx", _empty_chartsheet_only(), NOT_A_WORKBOOK),
    ],
    ids=["nul-past-64kb", "sheet-xml-cut-short", "empty-chartsheet"],
)
def test_it_answers_a_hostile_file_with_the_reason_and_saves_nothing(
    client, lead, open_round, name, content, message
):
    client.force_login(lead)
    response = _post(client, open_round, name, content)
    assert response.status_code == 400
    assert message in response.text
    assert not Response.objects.filter(respondent__assessment=open_round).exists()
