"""Workshop scores from a spreadsheet: read, check every line, and write the template.

The whole file is checked before anything is saved; any bad line refuses the whole file.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from assessment.models import EVIDENCE_MAX_LENGTH, Confidence
from frameworks.models import FrameworkVersion

REQUIRED = ("respondent", "framework", "item", "current")
OPTIONAL = ("target", "evidence", "confidence")
NAME_MAX_LENGTH = 200
MAX_ROWS = 20_000
_LEADING_NUMBER = re.compile(r"^\s*(\d+)(?:\.0+)?(?:\s|$|[-–:])")


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


def read_table(name: str, content: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: text}) for every non-blank line, from CSV or XLSX."""
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> list[tuple[int, dict]]:
    if b"\x00" in content[:65536]:
        raise ScoresFileError([LineError(0, "the file is not CSV text (is it a spreadsheet?)")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScoresFileError(
            [LineError(0, "the file is not UTF-8 text; save it as CSV UTF-8")]
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for values in reader:
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise ScoresFileError([LineError(reader.line_num, f"not valid CSV ({exc})")]) from exc
    return _with_header(rows)


def _read_xlsx(content: bytes) -> list[tuple[int, dict]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ScoresFileError([LineError(0, "the file is not a valid XLSX workbook")]) from exc
    sheet = workbook["Scores"] if "Scores" in workbook.sheetnames else workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        rows.append((number, ["" if v is None else str(v) for v in values]))
        if number > MAX_ROWS + 1:
            break
    workbook.close()
    return _with_header(rows)


def _with_header(rows: list[tuple[int, list]]) -> list[tuple[int, dict]]:
    rows = [(n, v) for n, v in rows if any(str(x).strip() for x in v)]
    if not rows:
        raise ScoresFileError([LineError(0, "the file is empty")])
    header_line, header = rows[0]
    columns = [str(c).strip().lower() for c in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ScoresFileError(
            [LineError(header_line, f"the header lacks column(s): {', '.join(missing)}")]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ScoresFileError([LineError(0, f"the file has more than {MAX_ROWS:,} rows")])
    return [
        (n, {c: str(v).strip() for c, v in zip(columns, values, strict=False) if c})
        for n, values in rows[1:]
    ]


def _level(text: str) -> int | None:
    """'2', '2.0' and '2 Developed' all mean level 2."""
    match = _LEADING_NUMBER.match(text + " ")
    return int(match.group(1)) if match else None


def check_rows(table: list[tuple[int, dict]], versions: list[FrameworkVersion]) -> list[ScoreRow]:
    """Every line checked against the round's framework versions; all problems raised at once.

    A row with no scores, evidence or confidence at all is passed over: the template has a row
    for everyone invited, and not everyone comes to the workshop.
    """
    scales, keys = {}, {}
    for version in versions:
        slug = version.framework.slug
        scales[slug] = {level.value for level in version.levels.all()}
        keys[slug] = {item.key for item in version.items.all()}
    errors: list[LineError] = []
    good: list[ScoreRow] = []
    seen: dict[tuple, int] = {}
    for line, row in table:
        if not any(row.get(column, "") for column in ("current", *OPTIONAL)):
            continue  # a template row nobody filled in: someone who did not take part
        problems = []
        respondent = row.get("respondent", "")
        framework, item = row.get("framework", ""), row.get("item", "")
        if not respondent:
            problems.append("the respondent is missing")
        elif len(respondent) > NAME_MAX_LENGTH:
            problems.append(f"the respondent's name is longer than {NAME_MAX_LENGTH} characters")
        if framework not in scales:
            problems.append(
                f"unknown framework {framework!r} (this round uses {', '.join(scales)})"
            )
        elif item not in keys[framework]:
            problems.append(f"unknown item {item!r} in {framework}")
        scale = scales.get(framework, set())
        current = _level(row.get("current", ""))
        target_text = row.get("target", "")
        target = _level(target_text) if target_text else None
        if current is None:
            problems.append(f"the current level {row.get('current', '')!r} is not a number")
        elif scale and current not in scale:
            problems.append(f"current level {current} is off the scale {min(scale)}–{max(scale)}")
        if target_text and target is None:
            problems.append(f"the target level {target_text!r} is not a number")
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
            problems.append(f"confidence {confidence!r} is not one of low, medium, high")
        key = (respondent.lower(), framework, item)
        if respondent and key in seen:
            problems.append(f"{respondent} scored {item} already on line {seen[key]}")
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


def template_workbook(*, assessment, items, names: list[str]) -> bytes:
    """An XLSX a workshop can fill in: a row per person × item, drop-downs for the levels."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Scores"
    header = [
        "respondent",
        "framework",
        "item",
        "title",
        "current",
        "target",
        "evidence",
        "confidence",
    ]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1D3F6E")
    choices = {}
    for item in items:
        slug = item.version.framework.slug
        if slug not in choices:
            labels = ",".join(f"{lv.value} {lv.label}" for lv in item.version.levels.all())
            validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
            validation.error = "Choose a level from the list."
            sheet.add_data_validation(validation)
            choices[slug] = validation
    confidence = DataValidation(type="list", formula1='"low,medium,high"', allow_blank=True)
    sheet.add_data_validation(confidence)
    for name in names:
        for item in items:
            sheet.append([name, item.version.framework.slug, item.key, item.title, "", "", "", ""])
            row = sheet.max_row
            choices[item.version.framework.slug].add(f"E{row}:F{row}")
            confidence.add(f"H{row}")
    for column, width in zip("ABCDEFGH", (24, 22, 26, 50, 24, 24, 60, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("Levels")
    guide.append(["framework", "item", "title", "level", "label", "what it looks like"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for item in items:
        labels = {lv.value: lv.label for lv in item.version.levels.all()}
        for descriptor in item.descriptors.all():
            guide.append(
                [item.version.framework.slug, item.key, item.title, descriptor.value,
                 labels.get(descriptor.value, ""), descriptor.descriptor]
            )  # fmt: skip
    guide.column_dimensions["F"].width = 100
    for row in guide.iter_rows(min_row=2, min_col=6, max_col=6):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
