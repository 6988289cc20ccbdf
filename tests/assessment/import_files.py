"""Workshop files for the import tests: workbooks built with openpyxl, and damaged on purpose."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from assessment.imports import ScoresFileError, check_rows, read_table

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx(rows, title="Scores", at=None) -> bytes:
    """A one-sheet workbook; `at` places rows on given spreadsheet rows ({row number: values})."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for number, values in (at or {}).items():
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    return workbook_bytes(workbook)


def patched(content: bytes, part: str, change) -> bytes:
    """The workbook with one part rewritten by `change(bytes) -> bytes`, or left out if None."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = change(data)
                if data is None:
                    continue
            target.writestr(info, data)
    return buffer.getvalue()


def with_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with its sheet declaring the size `ref`, whatever it holds."""

    def change(xml):
        return re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), xml)

    return patched(content, SHEET, change)


def check(content, versions, name="scores.csv"):
    content = content.encode() if isinstance(content, str) else content
    return check_rows(read_table(name, content), versions)


def errors(content, versions, name="scores.csv") -> list[str]:
    with pytest.raises(ScoresFileError) as refused:
        check(content, versions, name)
    return [str(e) for e in refused.value.errors]
