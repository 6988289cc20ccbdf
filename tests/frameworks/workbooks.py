"""Framework workbooks for tests: the shipped versions as downloaded, and edited copies."""

import io
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from frameworks.selectors import framework_version_document, framework_version_get
from frameworks.workbook import workbook_write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shipped_workbook(slug: str = "lga-maturity-matrix", version: str = "1.1") -> bytes:
    """A shipped version's workbook, as its download gives it."""
    return workbook_write(
        framework_version_document(framework_version_get(slug=slug, version=version))
    )


def edited(content: bytes, *edits: Callable) -> bytes:
    """The workbook with each edit (a function of the openpyxl workbook) applied."""
    book = load_workbook(io.BytesIO(content))
    for edit in edits:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell(sheet: str, coordinate: str, value) -> Callable:
    def edit(book):
        book[sheet][coordinate].value = value

    return edit


def renamed(slug: str, version: str | None = None) -> list[Callable]:
    """Edits that give the workbook a slug (and version) of its own."""
    edits = [cell("Framework", "B2", slug)]
    if version:
        edits.append(cell("Framework", "B3", version))
    return edits


def as_upload(content: bytes, name: str = "framework.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)
