"""A framework version as an XLSX workbook: the layout, and the workbook a version downloads as.
No database here.

The layout (documented in fixtures/README.md), which frameworks.workbook_reader reads back:

- Framework: one row per field (slug, version, ... mapped_framework, placement), its value in
  column B;
- Scale: value, label, description;
- Items: key, number, title, context, section, summary, questions, prompts, related,
  corresponds to (lists one entry a line; keys may also be split by ";" or ","), related
  reasons ("key: reason", one a line);
- Descriptors: item, value, label, descriptor, evidence (one marker a line), example (one row
  per level of each item).

The columns added with content 1.2 (related reasons, evidence, example) may be missing from a
workbook, which then reads as a version without them.
"""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# Framework sheet: field → JSON path in the document.
FIELDS = {
    "slug": "slug",
    "version": "version",
    "status": "status",
    "published": "published",
    "title": "title",
    "kind": "kind",
    "source_document": "source.document",
    "source_citation": "source.citation",
    "description": "description",
    "related_framework": "related_framework",
    "mapped_framework": "mapped_framework",
    "placement": "placement",
}
SCALE_COLUMNS = ("value", "label", "description")
ITEM_COLUMNS = (
    "key",
    "number",
    "title",
    "context",
    "section",
    "summary",
    "questions",
    "prompts",
    "related",
    "corresponds to",
    "related reasons",
)
ITEM_LISTS = {"questions", "prompts"}  # one entry a line
ITEM_KEYS = {"related": "related", "corresponds to": "corresponds_to"}  # lists of keys
DESCRIPTOR_COLUMNS = ("item", "value", "label", "descriptor", "evidence", "example")
# Columns a workbook written before content 1.2 lacks: read as blank where missing.
OPTIONAL_COLUMNS = {"related reasons", "evidence", "example"}
SHEETS = {
    "Framework": ("field", "value"),
    "Scale": SCALE_COLUMNS,
    "Items": ITEM_COLUMNS,
    "Descriptors": DESCRIPTOR_COLUMNS,
}


def workbook_write(document: dict) -> bytes:
    """The version (in the shape of its file) as a workbook that workbook_reader reads back."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Framework"
    _append(sheet, ["Field", "Value"], header=True)
    for name, path in FIELDS.items():
        _append(sheet, [name, _field_text(document, path)])
    sheet = book.create_sheet("Scale")
    _append(sheet, [c.capitalize() for c in SCALE_COLUMNS], header=True)
    for level in document["scale"]:
        _append(sheet, [level["value"], level["label"], level["description"]])
    sheet = book.create_sheet("Items")
    _append(sheet, [c.capitalize() for c in ITEM_COLUMNS], header=True)
    for item in document["items"]:
        lists = [item.get(name, []) for name in ("questions", "prompts")]
        keys = [item.get(name, []) for name in ITEM_KEYS.values()]
        context = "yes" if item.get("context") else "no"
        fixed = [item["key"], item.get("number"), item["title"], context, item["section"]]
        reasons = reasons_text(item.get("related_reasons", {}))
        _append(sheet, [*fixed, item["summary"], *map("\n".join, lists + keys), reasons])
    sheet = book.create_sheet("Descriptors")
    _append(sheet, [c.capitalize() for c in DESCRIPTOR_COLUMNS], header=True)
    for item in document["items"]:
        for level in item["levels"]:
            row = [item["key"], level["value"], level.get("label"), level["descriptor"]]
            _append(sheet, [*row, "\n".join(level.get("evidence", [])), level.get("example")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reasons_text(reasons: dict) -> str:
    """An item's related reasons as its cell holds them: "key: reason", one a line."""
    return "\n".join(f"{key}: {reason}" for key, reason in reasons.items())


def _field_text(document: dict, path: str) -> str | None:
    if path in ("related_framework", "mapped_framework"):
        named = document.get(path)
        return f"{named['slug']} {named['version']}" if named else None
    value = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _append(sheet, values: list, *, header: bool = False) -> None:
    sheet.append([_cell_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text that starts with "=" stays text, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if header:
            cell.font = Font(bold=True)
    if header:
        sheet.freeze_panes = "A2"
        for index in range(1, len(values) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 40 if index > 1 else 24


def _cell_value(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
