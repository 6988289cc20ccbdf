"""The import readers fuzzed: any file is refused with line numbers, or imported exactly.

CSV text and XLSX workbooks are built from generated rows. Rows that mean something valid must
come back as they went in; a file with a bad row must be refused, naming that row's line; and
no file, however damaged, may raise anything but ScoresFileError.

The runs are fixed (derandomize, no example database) so CI sees the same examples every time.
"""

import csv
import io
import zipfile

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from assessment import imports
from assessment.imports import ScoresFileError
from frameworks.models import FrameworkVersion
from tests.assessment.import_files import SHEET, patched
from tests.assessment.import_fuzzing import (
    COLUMNS,
    FUZZ,
    FUZZ_XLSX,
    XLSX_UNWRITABLE,
    assert_readable,
    catalogue_of,
    csv_file,
    fields_of,
    read_scores,
    strategies_for,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(versions):
    """The round's versions with their levels and items at hand, as the import view has them:
    no example waits on the database."""
    loaded = FrameworkVersion.objects.select_related("framework").prefetch_related(
        "levels", "items"
    )
    by_pk = loaded.in_bulk([v.pk for v in versions])
    return [by_pk[v.pk] for v in versions]


# Good files come back exactly


@FUZZ
@given(data=st.data(), terminator=st.sampled_from(["\n", "\r\n"]), bom=st.booleans())
def test_it_imports_any_good_csv_exactly(versions, data, terminator, bom):
    header, columns, rows = data.draw(strategies_for(catalogue_of(versions), xlsx=False).good_file)
    content, _ = csv_file(header, columns, rows, terminator, bom)
    assert fields_of(read_scores("workshop.csv", content, versions)) == [
        r.expected for r in rows if r.expected
    ]


@FUZZ_XLSX
@given(data=st.data())
def test_it_imports_any_good_workbook_exactly(versions, data):
    header, columns, rows = data.draw(strategies_for(catalogue_of(versions), xlsx=True).good_file)
    content, lines = xlsx_file(header, columns, rows)
    imported = read_scores("workshop.xlsx", content, versions)
    assert fields_of(imported) == [r.expected for r in rows if r.expected]
    assert [r.line for r in imported] == [
        line.start for line, r in zip(lines, rows, strict=True) if r.expected
    ]


# A bad row refuses the file, naming its line


@FUZZ
@given(data=st.data())
def test_it_refuses_a_csv_with_a_bad_row_naming_its_line(versions, data):
    header, columns, rows = data.draw(
        strategies_for(catalogue_of(versions), xlsx=False).poisoned_file
    )
    content, spans = csv_file(header, columns, rows)
    with pytest.raises(ScoresFileError) as refused:
        read_scores("workshop.csv", content, versions)
    assert_readable(refused.value, spans[-1].stop)
    poisoned = {n for span, r in zip(spans, rows, strict=True) if r.poison for n in span}
    assert {e.line for e in refused.value.errors} <= poisoned


@FUZZ_XLSX
@given(data=st.data())
def test_it_refuses_a_workbook_with_a_bad_row_naming_its_line(versions, data):
    header, columns, rows = data.draw(
        strategies_for(catalogue_of(versions), xlsx=True).poisoned_file
    )
    content, lines = xlsx_file(header, columns, rows)
    with pytest.raises(ScoresFileError) as refused:
        read_scores("workshop.xlsx", content, versions)
    assert_readable(refused.value, len(rows) + 1)
    poisoned = {line.start for line, r in zip(lines, rows, strict=True) if r.poison}
    assert {e.line for e in refused.value.errors} <= poisoned


# Anything else: refused cleanly, or read as valid scores


def _rows_of_any_cells(xlsx):
    cell = st.one_of(
        st.text(
            st.characters(codec="utf-8", exclude_characters=XLSX_UNWRITABLE if xlsx else []),
            max_size=30,
        ),
        st.integers(-5, 10),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["lga-maturity-matrix", "kingsfund-16-lessons", "impact", "lesson-01"]),
        st.integers(0, 140_000).map(lambda n: "9" * n),
    )
    return st.lists(st.lists(cell, max_size=9), max_size=6)


ANY_CSV_ROWS = _rows_of_any_cells(xlsx=False)
ANY_XLSX_ROWS = _rows_of_any_cells(xlsx=True)
ANY_HEADER = st.permutations([*COLUMNS, "notes", ""])
XML_DAMAGE = st.binary(max_size=12) | st.sampled_from([b"<", b"</row>", b'r="0"', b"\xff"])


def _assert_clean(name, content, versions, catalogue):
    if name.endswith(".csv"):
        last_line = content.count(b"\n") + content.count(b"\r") + 1
    else:
        last_line = imports.SHEET_MAX_ROWS
    try:
        imported = read_scores(name, content, versions)
    except ScoresFileError as refused:
        assert_readable(refused, last_line)
    else:
        items = {(i.framework, i.key): i for i in catalogue}
        for row in imported:
            scale = dict(items[(row.framework, row.item)].labels)
            assert row.respondent and row.current in scale and row.target in (*scale, None)


@FUZZ
@given(header=ANY_HEADER, rows=ANY_CSV_ROWS)
def test_it_reads_any_csv_or_refuses_it_cleanly(versions, header, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    catalogue = catalogue_of(versions)
    _assert_clean("workshop.csv", buffer.getvalue().encode(), versions, catalogue)


@FUZZ_XLSX
@given(header=ANY_HEADER, rows=ANY_XLSX_ROWS)
def test_it_reads_any_workbook_or_refuses_it_cleanly(versions, header, rows):
    workbook = Workbook()
    try:
        for row in [header, *rows]:
            workbook.active.append(row)
    except IllegalCharacterError:
        assume(False)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _assert_clean("workshop.xlsx", buffer.getvalue(), versions, catalogue_of(versions))


@FUZZ_XLSX
@given(data=st.data())
def test_it_refuses_a_damaged_workbook_cleanly(versions, data):
    header, columns, rows = data.draw(strategies_for(catalogue_of(versions), xlsx=True).good_file)
    content, _ = xlsx_file(header, columns, rows)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    start = data.draw(st.integers(0, len(sheet)))
    end = data.draw(st.integers(start, min(len(sheet), start + 40)))
    junk = data.draw(XML_DAMAGE)
    damaged = patched(content, SHEET, lambda xml: xml[:start] + junk + xml[end:])
    _assert_clean("workshop.xlsx", damaged, versions, catalogue_of(versions))


@FUZZ
@given(content=st.binary(max_size=3_000), name=st.sampled_from(["a.csv", "a.xlsx"]))
def test_it_refuses_any_bytes_cleanly(versions, content, name):
    _assert_clean(name, content, versions, catalogue_of(versions))
