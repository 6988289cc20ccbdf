"""Workshop scores from a spreadsheet: read, check every line, and write the template.

The whole file is checked before anything is saved; any bad line refuses the whole file.

Uploads are hostile until read: a workbook is a zip of XML that can declare any size and unpack
to any length. So it is refused before openpyxl opens it if it unpacks to more bytes, or more
XML elements outside its rows, than a workshop could fill; and its sheet is read a fixed number
of columns wide, never past the last row a spreadsheet can have, blank rows not counted.
"""

import csv
import difflib
import io
import re
from dataclasses import dataclass

from openpyxl import load_workbook

from assessment.models import EVIDENCE_MAX_LENGTH, Confidence
from config.cells import FORMULA_START
from frameworks.models import FrameworkVersion
from frameworks.xlsx import BROKEN_WORKBOOK, UnsafeWorkbook, workbook_check

REQUIRED = ("respondent", "framework", "item", "current")
OPTIONAL = ("target", "evidence", "confidence")
NAME_MAX_LENGTH = 200
# Rows of a file, blank rows aside (the template for TEMPLATE_MAX_NAMES people fills a quarter).
MAX_ROWS = 20_000
# A workbook is read this many columns wide whatever size its sheet declares (the template has
# eight): openpyxl pads every row to the declared width, and a sheet can declare 16,384.
MAX_COLUMNS = 30
# Excel's grid. A sheet that claims or holds more is not a spreadsheet, and reading the gap up
# to a row numbered in the billions would never end.
SHEET_MAX_ROWS = 1_048_576
SHEET_MAX_COLUMNS = 16_384
# What the parts of a workbook may unpack to, all together: 20,000 rows of real scores with a
# paragraph of evidence each unpack to 15 MB, while a few kilobytes of zip can unpack to gigabytes.
XLSX_MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# XML elements outside a sheet's rows, in all the parts together. openpyxl streams the rows but
# builds the rest (styles, shared strings, merged cells, links...) as trees and objects at a few
# hundred bytes an element; a real workbook of scores has a few tens of thousands.
XLSX_MAX_ELEMENTS = 150_000
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,9})(?:\.0+)?(?:\s|$|[-–:])")
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # XLSX (zip) and XLS (OLE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters XML 1.0 cannot hold, so no workbook can either.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What a spreadsheet runs as a formula when it starts a cell (as reports/exports.py guards).


@dataclass(frozen=True)
class ScoreRow:
    line: int
    respondent: str
    framework: str
    item: str
    current: int
    target: int | None
    evidence: str
    confidence: str


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}" if self.line else self.reason


class ScoresFileError(Exception):
    def __init__(self, errors: list[LineError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _refuse(reason: str, line: int = 0) -> ScoresFileError:
    return ScoresFileError([LineError(line, reason)])


def read_table(name: str, content: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: text}) for every non-blank line, from CSV or XLSX."""
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> list[tuple[int, dict]]:
    if content.startswith(_SPREADSHEET_MAGIC):
        raise _refuse("the file is not CSV text (is it a spreadsheet?)")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse("the file is not UTF-8 text; save it as CSV UTF-8") from exc
    if "\x00" in text:
        # PostgreSQL cannot store a NUL, and no text file holds one: refuse the file.
        nul = text.index("\x00")
        line = len(_LINE_BREAK.findall(text, 0, nul)) + 1
        raise _refuse("a NUL character, which is not text: save the file as CSV UTF-8", line)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((reader.line_num, values))
                if len(rows) > MAX_ROWS + 1:
                    break  # the header, the limit and one more: enough to refuse the file
    except csv.Error as exc:
        raise _refuse(f"not valid CSV ({exc})", reader.line_num) from exc
    return _with_header(rows)


def _read_xlsx(content: bytes) -> list[tuple[int, dict]]:
    _check_archive(content)
    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except BROKEN_WORKBOOK as exc:
        raise _refuse("the file is not a valid XLSX workbook") from exc
    try:
        rows = _sheet_rows(_scores_sheet(workbook))
    except BROKEN_WORKBOOK as exc:
        raise _refuse("the file is not a valid XLSX workbook") from exc
    finally:
        workbook.close()
    return _with_header(rows)


def _check_archive(content: bytes) -> None:
    """Refuse a workbook that would take too much memory or time to open, before openpyxl does
    (frameworks.xlsx reads the zip's directory and streams its XML, building nothing)."""
    try:
        workbook_check(
            content,
            max_unpacked=XLSX_MAX_UNPACKED_BYTES,
            max_elements=XLSX_MAX_ELEMENTS,
            hint="save only the Scores sheet, or save it as CSV",
        )
    except UnsafeWorkbook as exc:
        raise _refuse(str(exc)) from exc


def _scores_sheet(workbook):
    """The sheet named Scores, as the template names it, or else the first sheet of cells."""
    sheets = workbook.worksheets  # chartsheets, which hold no cells, left out
    if not sheets:
        raise _refuse("the workbook has no sheet of cells to read")
    return next((s for s in sheets if s.title == "Scores"), sheets[0])


def _sheet_rows(sheet) -> list[tuple[int, list]]:
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    if declared_rows > SHEET_MAX_ROWS or declared_columns > SHEET_MAX_COLUMNS:
        raise _refuse(
            f"the sheet claims {declared_rows:,} rows and {declared_columns:,} columns, more "
            f"than a spreadsheet can have: the file is not a valid XLSX workbook"
        )
    sheet.reset_dimensions()  # read what is there, not what the sheet declares
    blank = (None,) * MAX_COLUMNS
    rows = []
    cells = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(cells, start=1):
        if number > SHEET_MAX_ROWS:
            raise _refuse(
                f"the sheet has rows past row {SHEET_MAX_ROWS:,}, the last a spreadsheet can "
                f"have: the file is not a valid XLSX workbook"
            )
        if values == blank:
            continue  # a missing or empty row, quickly passed over
        text = ["" if v is None else str(v) for v in values]
        if any(t.strip() for t in text):
            rows.append((number, text))
            if len(rows) > MAX_ROWS + 1:
                break  # the header, the limit and one more: enough to refuse the file
    return rows


def _with_header(rows: list[tuple[int, list]]) -> list[tuple[int, dict]]:
    """The first row names the columns; `rows` holds no blank rows."""
    if not rows:
        raise _refuse("the file is empty")
    header_line, header = rows[0]
    columns = [str(c).strip().lower() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        columns = "a column" if len(missing) == 1 else "columns"
        raise _refuse(f"the header lacks {columns}: {', '.join(missing)}", header_line)
    if len(rows) - 1 > MAX_ROWS:
        raise _refuse(
            f"the file has more than {MAX_ROWS:,} rows, blank rows aside; split it into "
            f"smaller files"
        )
    return [
        (n, {c: str(v).strip() for c, v in zip(columns, values, strict=False) if c})
        for n, values in rows[1:]
    ]


def _level(text: str) -> int | None:
    """'2', '2.0' and '2 Developed' all mean level 2 (and nine digits are plenty)."""
    match = _LEADING_NUMBER.match(text + " ")
    return int(match.group(1)) if match else None


def _cut(text: str, limit: int = 40) -> str:
    """A cell quoted in an error message, cut short: the message is for reading."""
    return text if len(text) <= limit else text[:limit] + "…"


def did_you_mean(text: str, known) -> str:
    """': did you mean 'lesson-01'?' for the closest known spelling, or nothing.

    Numbers are compared as numbers first, so 'lesson-1' finds 'lesson-01', not 'lesson-16'.
    """
    wanted = text.strip().lower()
    by_number = {_NUMBERS.sub(lambda m: str(int(m[0])), str(k)): str(k) for k in known}
    if (same := by_number.get(_NUMBERS.sub(lambda m: str(int(m[0])), wanted))) is not None:
        return f": did you mean {same!r}?"
    close = difflib.get_close_matches(wanted, [str(k) for k in known], n=1)
    return f": did you mean {close[0]!r}?" if close else ""


_NUMBERS = re.compile(r"\d{1,9}")


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 problem', '3 problems'."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _shown(text: str) -> str:
    return repr(_cut(text))


def inert(text: str) -> str:
    """Text a spreadsheet would run as a formula, kept as text by a leading apostrophe.

    Text that already starts with an apostrophe and then a formula character (or a second
    apostrophe) gets one more, so `_name_from_cell` can take exactly one off again.
    """
    if text.startswith(FORMULA_START) or (
        text.startswith("'") and text[1:2] in (*FORMULA_START, "'")
    ):
        return "'" + text
    return text


def _name_from_cell(text: str) -> str:
    """The name `inert` wrote: its apostrophe taken off, so a neutralised name comes home.

    Only an apostrophe before a formula character or another apostrophe is taken, as only
    those are ones `inert` adds: "'Ali" stays "'Ali" while "'=Ali" becomes "=Ali".
    """
    if text.startswith("'") and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text


def check_rows(table: list[tuple[int, dict]], versions: list[FrameworkVersion]) -> list[ScoreRow]:
    """Every line checked against the round's framework versions; all problems raised at once.

    A row with no scores, evidence or confidence at all is passed over: the template has a row
    for everyone invited, and not everyone comes to the workshop.
    """
    scales, keys, context = {}, {}, {}
    for version in versions:
        slug = version.framework.slug
        scales[slug] = {level.value for level in version.levels.all()}
        keys[slug] = {item.key for item in version.items.all()}
        context[slug] = {item.key: item.title for item in version.items.all() if item.is_context}
    errors: list[LineError] = []
    good: list[ScoreRow] = []
    seen: dict[tuple, int] = {}
    for line, row in table:
        if not any(row.get(column, "") for column in ("current", *OPTIONAL)):
            continue  # a template row nobody filled in: someone who did not take part
        problems = []
        respondent = _name_from_cell(row.get("respondent", ""))
        framework, item = row.get("framework", ""), row.get("item", "")
        if not respondent:
            problems.append("the respondent is missing")
        elif len(respondent) > NAME_MAX_LENGTH:
            problems.append(f"the respondent's name is longer than {NAME_MAX_LENGTH} characters")
        elif NOT_IN_XML.search(respondent):
            problems.append("the respondent's name holds a control character")
        if framework not in scales:
            problems.append(
                f"unknown framework {_shown(framework)}{did_you_mean(framework, scales)} "
                f"(this round uses {', '.join(scales)})"
            )
        elif item not in keys[framework]:
            problems.append(
                f"unknown item {_shown(item)} in {framework}{did_you_mean(item, keys[framework])}"
            )
        scale = scales.get(framework, set())
        current = _level(row.get("current", ""))
        target_text = row.get("target", "")
        target = _level(target_text) if target_text else None
        if current is None:
            problems.append(f"the current level {_shown(row.get('current', ''))} is not a number")
        elif scale and current not in scale:
            problems.append(f"current level {current} is off the scale {min(scale)}–{max(scale)}")
        if target_text and item in context.get(framework, {}):
            problems.append(
                f"{context[framework][item]} is a context factor: it describes the place's "
                f"circumstances and takes no target (leave the target blank)"
            )
        elif target_text and target is None:
            problems.append(f"the target level {_shown(target_text)} is not a number")
        elif target is not None and scale and target not in scale:
            problems.append(f"target level {target} is off the scale {min(scale)}–{max(scale)}")
        evidence = row.get("evidence", "")
        if len(evidence) > EVIDENCE_MAX_LENGTH:
            problems.append(
                f"the evidence is {len(evidence):,} characters; "
                f"the limit is {EVIDENCE_MAX_LENGTH:,}"
            )
        confidence = row.get("confidence", "").lower()
        if confidence and confidence not in Confidence.values:
            problems.append(f"confidence {_shown(confidence)} is not one of low, medium, high")
        key = (respondent.lower(), framework, item)
        if respondent and key in seen:
            problems.append(f"{_cut(respondent)} scored {_cut(item)} already on line {seen[key]}")
        seen.setdefault(key, line)
        if problems:
            errors.extend(LineError(line, p) for p in problems)
        else:
            good.append(
                ScoreRow(line, respondent, framework, item, current, target, evidence, confidence)
            )
    if errors:
        raise ScoresFileError(errors)
    if not good:
        raise ScoresFileError([LineError(0, "the file has a header but no scores")])
    return good
