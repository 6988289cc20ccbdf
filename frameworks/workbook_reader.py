"""An uploaded framework workbook read into the dict a YAML file parses to. No database here.

Each value's cell is kept in the document's ``lines``, so the same checks as a YAML file's
(frameworks.documents.check_document) name the cell of each problem. Before openpyxl opens a
workbook, frameworks.xlsx refuses one too big or damaged to open safely; then every sheet is
read a fixed number of rows and columns deep, and a formula anywhere refuses the file (the value
a formula shows is not content anyone wrote).
"""

import datetime
import io
import re
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from frameworks.documents import FrameworkDocument, FrameworkFileError, Problem, check_document
from frameworks.workbook import (
    FIELDS,
    ITEM_KEYS,
    ITEM_LISTS,
    OPTIONAL_COLUMNS,
    SHEETS,
)
from frameworks.xlsx import BROKEN_WORKBOOK, NOT_A_WORKBOOK, UnsafeWorkbook, workbook_check

MAX_ITEMS = 200
# What a framework workbook may unpack to: the shipped matrix unpacks to well under 1 MB.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
# XML elements outside the rows (styles, shared strings...): 200 items of rich text in Excel stay
# well under this; openpyxl builds each as an object in memory.
MAX_ELEMENTS = 150_000
# Rows read of any sheet, blank rows included: a sheet that goes on past this is refused.
MAX_ROWS = 5_000
MAX_COLUMNS = 20
_KEY_SEPARATORS = re.compile(r"[\n;,]")
# Column name → its name in the document, where they differ.
ITEM_PATHS = {"corresponds to": "corresponds_to", "related reasons": "related_reasons"}


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict  # column name → value (None where blank)
    letters: dict  # column name → column letter


def workbook_read(name: str, content: bytes) -> FrameworkDocument:
    """The workbook as a document for check_document, or FrameworkFileError naming the cell of
    every problem: if the sheets cannot be read as a framework (a sheet or column missing, too
    many rows), those and any formulas; else the formulas, the content's own problems (an
    unknown field, a repeated key, a descriptor of no item, a level given twice) and what
    check_document finds."""
    try:
        workbook_check(content, max_unpacked=MAX_UNPACKED_BYTES, max_elements=MAX_ELEMENTS)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except UnsafeWorkbook as exc:
        raise FrameworkFileError([Problem(name, "", str(exc))]) from exc
    except BROKEN_WORKBOOK as exc:
        raise FrameworkFileError([Problem(name, "", NOT_A_WORKBOOK)]) from exc
    reader = _Reader(name)
    try:
        sheets = {title: reader.rows(book, title, columns) for title, columns in SHEETS.items()}
    except BROKEN_WORKBOOK as exc:
        raise FrameworkFileError([Problem(name, "", NOT_A_WORKBOOK)]) from exc
    finally:
        book.close()
    if reader.problems:  # the sheets cannot be read as a framework
        raise FrameworkFileError(reader.formulas + reader.problems)
    data: dict = {}
    reader.framework(sheets["Framework"], data)
    data["scale"] = reader.scale(sheets["Scale"])
    data["items"] = reader.items(sheets["Items"])
    reader.descriptors(sheets["Descriptors"], data["items"])
    document = FrameworkDocument(path=name, data=data, lines=reader.lines)
    if reader.formulas or reader.problems:
        problems = reader.formulas + reader.problems + check_document(document)
        raise FrameworkFileError(problems)
    return document


class _Reader:
    """Reads the four sheets, noting each value's cell and every problem on the way."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.formulas: list[Problem] = []  # reported with the rest, the sheets read on
        self.lines: dict[str, str] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.name, where, message))

    def rows(self, book, title: str, columns: tuple) -> list[Row]:
        """The sheet's non-blank rows below its header, with every formula refused."""
        if title not in book.sheetnames:
            self.problem("", f"the workbook has no sheet named {title!r}")
            return []
        sheet = book[title]
        sheet.reset_dimensions()  # read what is there, not what the sheet declares
        letters: dict | None = None  # column name → index, from the header row
        out = []
        cells = sheet.iter_rows(max_col=MAX_COLUMNS)
        for number, row in enumerate(cells, start=1):
            if number > MAX_ROWS:
                self.problem(
                    f"sheet {title}, cell A{number}",
                    f"the sheet goes on past row {MAX_ROWS:,}; a framework has at most "
                    f"{MAX_ITEMS} items",
                )
                break
            self._formulas(title, number, row)
            values = [cell.value for cell in row]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if letters is None:
                letters = self._header(title, number, values, columns)
                continue
            named = {c: values[i] if i < len(values) else None for c, i in letters.items()}
            out.append(
                Row(number, named, {c: get_column_letter(i + 1) for c, i in letters.items()})
            )
        if letters is None:
            self.problem(f"sheet {title}", f"the sheet is empty: it needs a header row {columns}")
        return out

    def _formulas(self, title: str, number: int, row) -> None:
        for index, cell in enumerate(row, start=1):
            if cell.data_type == "f":
                where = f"sheet {title}, cell {get_column_letter(index)}{number}"
                message = "a formula: type the value itself, not a formula"
                self.formulas.append(Problem(self.name, where, message))

    def _header(self, title: str, number: int, values: list, columns: tuple) -> dict:
        found = {}
        for index, value in enumerate(values):
            heading = _text(value).lower()
            if not heading:
                continue
            if heading not in columns or heading in found:
                where = f"sheet {title}, cell {get_column_letter(index + 1)}{number}"
                self.problem(where, f"unknown or repeated column {heading!r}; columns: {columns}")
            found.setdefault(heading, index)
        for column in columns:
            if column not in found and column not in OPTIONAL_COLUMNS:
                self.problem(f"sheet {title}, row {number}", f"no column headed {column!r}")
        return found

    def framework(self, rows: list[Row], data: dict) -> None:
        for field_name, path in FIELDS.items():
            self.lines[path] = f"sheet Framework (no row for {field_name!r})"
        self.lines["source"] = self.lines["source.document"]
        seen: dict[str, int] = {}
        for row in rows:
            field_name = _text(row.cells.get("field")).lower()
            where = f"sheet Framework, cell {row.letters.get('value', 'B')}{row.number}"
            if field_name not in FIELDS or field_name in seen:
                self.problem(
                    f"sheet Framework, cell {row.letters.get('field', 'A')}{row.number}",
                    f"unknown or repeated field {field_name!r}; fields: {', '.join(FIELDS)}",
                )
                continue
            seen[field_name] = row.number
            path = FIELDS[field_name]
            self.lines[path] = where
            if path == "source.document":
                self.lines["source"] = where
            value = _field_value(field_name, row.cells.get("value"))
            if isinstance(value, str) and not value and path.endswith("_framework"):
                continue
            if path.endswith("_framework") and not isinstance(value, dict):
                self.problem(where, f"{field_name} is a slug and a version: 'slug 1.0'")
            elif value is not None:
                _put(data, path, value)

    def scale(self, rows: list[Row]) -> list[dict]:
        self.lines["scale"] = "sheet Scale"
        levels = []
        for index, row in enumerate(rows):
            self._cells(f"scale[{index}]", "Scale", row)
            level = {"value": _number(row.cells["value"])}
            level.update(_texts(row, ("label", "description")))
            levels.append(_present(level))
        return levels

    def items(self, rows: list[Row]) -> list[dict]:
        self.lines["items"] = "sheet Items"
        if len(rows) > MAX_ITEMS:
            where = f"sheet Items, cell {rows[MAX_ITEMS].letters['key']}{rows[MAX_ITEMS].number}"
            message = f"more than {MAX_ITEMS} items; a framework has at most {MAX_ITEMS}"
            raise FrameworkFileError([Problem(self.name, where, message)])
        items, rows_of = [], {}
        for index, row in enumerate(rows):
            self._cells(f"items[{index}]", "Items", row, ITEM_PATHS)
            item = {"key": _text(row.cells["key"]), "number": _number(row.cells["number"])}
            if item["key"] in rows_of:
                where = f"sheet Items, cell {row.letters['key']}{row.number}"
                self.problem(where, f"key {item['key']!r} is also on row {rows_of[item['key']]}")
            rows_of.setdefault(item["key"], row.number)
            item.update(_texts(row, ("title", "summary", "section")))
            item["context"] = _flag(row.cells["context"])
            for column in ITEM_LISTS:
                item[column] = _lines(row.cells[column])
            for column, key in ITEM_KEYS.items():
                item[key] = [
                    k for k in map(str.strip, _KEY_SEPARATORS.split(_text(row.cells[column]))) if k
                ]
            item["related_reasons"] = self._reasons(row)
            items.append(_present(item, keep=("prompts",)))
        return items

    def descriptors(self, rows: list[Row], items: list[dict]) -> None:
        by_key = {}
        for index, item in enumerate(items):
            by_key.setdefault(item.get("key"), (index, item))
            item["levels"] = []
            self.lines[f"items[{index}].levels"] = self.lines[f"items[{index}].key"]
        first: dict[tuple, int] = {}
        for row in rows:
            key, value = _text(row.cells["item"]), _number(row.cells["value"])
            if key not in by_key:
                where = f"sheet Descriptors, cell {row.letters['item']}{row.number}"
                self.problem(where, f"{key!r} is not the key of an item in sheet Items")
                continue
            if (key, value) in first:
                where = f"sheet Descriptors, cell {row.letters['value']}{row.number}"
                self.problem(where, f"level {value} of {key!r} is also on row {first[key, value]}")
                continue
            first[key, value] = row.number
            index, item = by_key[key]
            at = f"items[{index}].levels"
            if not item["levels"]:
                self.lines[at] = f"sheet Descriptors, cell {row.letters['item']}{row.number}"
            self._cells(f"{at}[{len(item['levels'])}]", "Descriptors", row)
            level = {"value": value, **_texts(row, ("label", "descriptor"))}
            level["evidence"] = _lines(row.cells.get("evidence"))
            level["example"] = _text(row.cells.get("example"))
            item["levels"].append(_present(level))

    def _reasons(self, row: Row) -> dict[str, str]:
        """The cell's "key: reason" lines as a mapping; a line without a key, or a key given
        twice, is a problem of the cell."""
        reasons: dict[str, str] = {}
        where = f"sheet Items, cell {row.letters.get('related reasons')}{row.number}"
        for line in _lines(row.cells.get("related reasons")):
            key, colon, reason = (part.strip() for part in line.partition(":"))
            if not colon or not key:
                self.problem(where, f"{line!r}: write each reason as 'key: reason'")
            elif key in reasons:
                self.problem(where, f"a second reason for {key!r}")
            else:
                reasons[key] = reason
        return reasons

    def _cells(self, at: str, title: str, row: Row, names: dict | None = None) -> None:
        self.lines[at] = f"sheet {title}, row {row.number}"
        for column, letter in row.letters.items():
            path = (names or {}).get(column, column)
            self.lines[f"{at}.{path}"] = f"sheet {title}, cell {letter}{row.number}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _texts(row: Row, columns: tuple) -> dict:
    return {column: _text(row.cells[column]) for column in columns}


def _number(value):
    """An integer where the cell holds one (typed or as text), else the text, which the schema
    then refuses with the cell named."""
    if isinstance(value, bool):
        return _text(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value)
    text = _text(value)
    return int(text) if text.isascii() and text.isdigit() else (text or None)


def _flag(value):
    text = _text(value).lower()
    if isinstance(value, bool):
        return value
    return {"yes": True, "true": True, "no": False, "false": False, "": False}.get(text, text)


def _lines(value) -> list[str]:
    return [line.strip() for line in _text(value).splitlines() if line.strip()]


def _field_value(field_name: str, value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    text = _text(value)
    if field_name.endswith("_framework"):
        parts = text.split()
        return {"slug": parts[0], "version": parts[1]} if len(parts) == 2 else text
    return text or None


def _put(data: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def _present(entry: dict, keep: tuple = ()) -> dict:
    """Blank cells left out, as a file leaves out a key, so the schema names what is missing."""
    return {k: v for k, v in entry.items() if k in keep or v not in (None, "", [], {})}
