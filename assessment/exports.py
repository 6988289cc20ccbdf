"""Spreadsheets for download: CSV and XLSX that a spreadsheet opens as data, never as formulas.

A workbook is made for a person as much as for a tool: it opens on an "About" sheet that says
what each column holds, which rounds it covers, when it was exported and what the levels mean;
each data sheet has its header row frozen, a filter on every column and columns wide enough to
read. Numbers and dates stay numbers and dates; a blank is an empty cell.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateformat import format as date_format
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assessment import plan as plans
from assessment import plan_exports
from config.cells import safe
from frameworks.models import FrameworkVersion, ScaleLevel

# Column widths, in characters: wide enough for the longest value seen, within reason.
NARROWEST, WIDEST = 8, 60
# Widths are read from this many rows: an export of every answer is streamed, not held.
ROWS_MEASURED = 1000
BOLD = Font(bold=True)
AS_TEXT = (
    "Text that would start with =, +, - or @ starts with ' instead, so that no spreadsheet "
    "runs it as a formula. Numbers and dates are stored as numbers and dates; a blank cell "
    "means there is no value."
)
WRAPPED = Alignment(wrap_text=True, vertical="top")


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads accents and £ signs right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- workbooks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """A data sheet: its title, column names, rows, and what each column holds in plain words."""

    title: str
    header: list[str]
    rows: Iterable[list]
    meanings: dict[str, str]
    holds: str = ""  # what one row is, e.g. "one row per action"


@dataclass(frozen=True)
class About:
    """What the About sheet says beyond the columns: a title, facts such as the round and when
    it was exported, and the level scale of each framework version the data uses (as
    level_scales gives them)."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    scales: list[tuple[str, list[ScaleLevel]]] = field(default_factory=list)


def exported_at() -> str:
    """Now, as a person reads it: "23 November 2026, 08:40 (GMT)"."""
    now = timezone.localtime()
    return f"{date_format(now, 'j F Y, H:i')} ({now.tzname() or settings.TIME_ZONE})"


def level_scales(levels: QuerySet[ScaleLevel]) -> list[tuple[str, list[ScaleLevel]]]:
    """Each framework version's name and its levels, lowest first: the matrix, then the
    lessons, earlier versions first (one query)."""
    scales: dict[FrameworkVersion, list[ScaleLevel]] = {}
    for level in levels.select_related("version__framework").order_by("value"):
        scales.setdefault(level.version, []).append(level)
    order = sorted(scales, key=lambda v: (not v.is_matrix, v.framework.slug, v.major, v.minor))
    return [(f"{v.framework.title}, version {v.version}", scales[v]) for v in order]


def workbook_bytes(sheets: list[Sheet], about: Callable[[], About]) -> bytes:
    """An About sheet, then each data sheet. `about` is asked once the rows are written, so it
    may tell what they held (the rounds an export covers, say)."""
    workbook = Workbook(write_only=True)
    about_sheet = workbook.create_sheet("About")  # first, though written last
    for sheet in sheets:
        _write_data(workbook.create_sheet(sheet.title), sheet)
    _write_about(about_sheet, about(), sheets)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown_width(value) -> int:
    if value is None:
        return 0
    return max(len(line) for line in str(value).splitlines() or [""])


def _write_data(worksheet, sheet: Sheet) -> None:
    # "" is written as a cell with no value: blank to a spreadsheet, yet the row keeps its width
    # for readers that take a row's width from its last cell.
    rows = ([safe(value) for value in row] for row in sheet.rows)
    measured = list(islice(rows, ROWS_MEASURED))
    for number, name in enumerate(sheet.header, start=1):
        longest = max([len(name), *(_shown_width(row[number - 1]) for row in measured)])
        width = min(max(longest + 2, NARROWEST), WIDEST)
        worksheet.column_dimensions[get_column_letter(number)].width = width
    worksheet.freeze_panes = "A2"
    worksheet.append([_bold(worksheet, name) for name in sheet.header])
    count = 0
    for row in chain(measured, rows):
        worksheet.append(row)
        count += 1
    last = get_column_letter(max(len(sheet.header), 1))
    worksheet.auto_filter.ref = f"A1:{last}{count + 1}"


def _bold(worksheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value)
    cell.font = BOLD
    return cell


def _wrapped(worksheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, safe(value))
    cell.alignment = WRAPPED
    return cell


def _write_about(worksheet, about: About, sheets: list[Sheet]) -> None:
    for letter, width in zip("ABC", (26, 28, 90), strict=True):
        worksheet.column_dimensions[letter].width = width
    title = WriteOnlyCell(worksheet, safe(about.title))
    title.font = Font(bold=True, size=14)
    worksheet.append([title])
    for name, value in [*about.facts, ("Exported", exported_at()), ("Text", AS_TEXT)]:
        worksheet.append([_bold(worksheet, name), _wrapped(worksheet, value)])
    worksheet.append([])
    worksheet.append([_bold(worksheet, "Sheet and columns")])
    for sheet in sheets:
        if sheet.holds:
            worksheet.append([sheet.title, None, _wrapped(worksheet, sheet.holds)])
    worksheet.append([_bold(worksheet, text) for text in ("Sheet", "Column", "What it holds")])
    for sheet in sheets:
        for name in sheet.header:
            worksheet.append([sheet.title, name, _wrapped(worksheet, sheet.meanings[name])])
    if not about.scales:
        return
    worksheet.append([])
    worksheet.append([_bold(worksheet, "The levels")])
    worksheet.append([_bold(worksheet, text) for text in ("Framework", "Level", "What it means")])
    for name, levels in about.scales:
        for level in levels:
            label = f"{level.value} {level.label}"
            worksheet.append([name, label, _wrapped(worksheet, level.description)])


def rows_noting(rows: Iterable[list], note: Callable[[list], None]) -> Iterator[list]:
    """The rows as they are, each shown to `note` on its way (to tell the About sheet what an
    export held without holding the export)."""
    for row in rows:
        note(row)
        yield row


# --- the improvement plan -----------------------------------------------------------------------

LEVEL_NOTE = "on the framework's scale (see the levels below)"
ACTION_COLUMNS = {
    "place_code": "The place's short code.",
    "place_name": "The place: the area whose partners assess themselves together.",
    "period": "The round this plan belongs to, as the place named it (for example 2026 Q4).",
    "action_id": "The action's number. It stays the same when the action is edited.",
    "title": "What the action is.",
    "description": "More about the action, as the lead wrote it; blank if none.",
    "owner": "Who owns the action, as written (a team or someone outside the service); blank "
    "if none.",
    "owner_member": "The member of the place chosen as its owner; blank if none.",
    "due": "The date it is due (a date cell); blank if no date was set.",
    "status": "planned, in-progress, done or dropped.",
    "overdue": "yes when it is planned or in progress and its due date has passed; else no.",
    "expected_level": "The level the action is expected to bring each item to, on that item's "
    "own scale, as 'item_key: level' separated by '; ' (an item with none, and a context "
    "factor, left out); blank if none.",
    "item_keys": "The factors and lessons the action addresses, by key, separated by '; '.",
    "item_titles": "The same factors and lessons by title, in the same order.",
    "carried_from_period": "The earlier round the action was carried over from; blank if it "
    "started in this round.",
    "updated_at": "When the action was last changed (date and time, local time).",
}
GAP_COLUMNS = {
    "item_key": "The factor or lesson, by key.",
    "item_title": "The factor or lesson, by title.",
    "current": f"Where it stands, {LEVEL_NOTE}: the level the team agreed, or where it agreed "
    "none, the median of the answers (which can fall between two levels, such as 2.5).",
    "target": "Where the place aims to be: agreed, or else the median of the answers' targets.",
    "agreed": "yes when current and target are the team's agreed position; no when they are "
    "medians of the answers.",
    "no_action_yet": "yes when no planned, in-progress or done action addresses the gap.",
}
PLAN_SHEETS = {
    "Actions": (ACTION_COLUMNS, "One row per action of the round's plan."),
    "Gaps": (
        GAP_COLUMNS,
        "One row per factor or lesson whose target is above where it stands.",
    ),
}


def plan_xlsx(plan: plans.Plan) -> bytes:
    """A round's improvement plan as a workbook: About, Actions, Gaps."""
    assessment = plan.assessment
    sheets = [
        _plan_sheet("Actions", plan_exports.EXPORT_HEADER, plan_exports.export_rows(plan)),
        _plan_sheet("Gaps", plan_exports.GAPS_HEADER, plan_exports.gap_rows(plan)),
    ]
    about = About(
        title=f"Improvement plan: {assessment.place.name}, {assessment.period}",
        facts=[
            ("Place", assessment.place.name),
            ("Round", f"{assessment.period} ({assessment.get_status_display().lower()})"),
        ],
        scales=level_scales(ScaleLevel.objects.filter(version__assessments=assessment)),
    )
    return workbook_bytes(sheets, lambda: about)


def _plan_sheet(title: str, header: list[str], rows: Iterable[list]) -> Sheet:
    meanings, holds = PLAN_SHEETS[title]
    return Sheet(title=title, header=header, rows=rows, meanings=meanings, holds=holds)


# --- how far to trust a round's numbers ----------------------------------------------------------

AGREEMENT_HEADER = [
    "place_code",
    "period",
    "framework",
    "framework_version",
    "raters",
    "krippendorff_alpha",
    "alpha_ci_low",
    "alpha_ci_high",
    "within_one",
    "split_items",
    "cronbach_alpha",
    "cronbach_respondents",
    "cronbach_warning",
    "split_rule",
]
AGREEMENT_COLUMNS = {
    "place_code": "The place's short code.",
    "period": "The round's period, as the place named it.",
    "framework": "The framework's short name (one row per framework the round used).",
    "framework_version": "The version of the framework the round was scored on.",
    "raters": "How many people's submitted answers the figures draw on.",
    "krippendorff_alpha": "Krippendorff's alpha (ordinal) of the answers for where the place "
    "is now: 1 full agreement, 0 no more than chance. Blank when it cannot be worked out.",
    "alpha_ci_low": "The low end of alpha's 95% interval (1,000 resamples of the items, "
    "the same every time).",
    "alpha_ci_high": "The high end of alpha's 95% interval.",
    "within_one": "The share (0 to 1) of answers within one level of their item's median.",
    "split_items": "The items split by the split rule, by short name, separated by spaces.",
    "cronbach_alpha": "Cronbach's alpha across the framework's items, from the people who "
    "answered every item.",
    "cronbach_respondents": "How many people answered every item.",
    "cronbach_warning": "Why Cronbach's alpha should be read with care, where it should.",
    "split_rule": "The rule that names an item split, and where it comes from.",
}


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def agreement_rows(rounds: Iterable[tuple[str, str, list]], rule: str) -> Iterator[list]:
    """One row per round and framework: (place code, period, its Reliability figures) in,
    AGREEMENT_HEADER's columns out; `rule` is the split rule's words."""
    for place_code, period, figures in rounds:
        for f in figures:
            low, high = f.alpha_ci or (None, None)
            yield [
                place_code,
                period,
                f.framework,
                f.version,
                f.raters,
                _figure(f.krippendorff_alpha),
                _figure(low),
                _figure(high),
                _figure(f.within_one),
                " ".join(f.split_items),
                _figure(f.cronbach_alpha),
                f.cronbach_respondents,
                f.cronbach_warning,
                rule,
            ]


def agreement_sheet(rounds: Iterable[tuple[str, str, list]], rule: str) -> Sheet:
    """The "Agreement" sheet of a workbook of rounds: how far to trust each round's numbers."""
    return Sheet(
        title="Agreement",
        header=AGREEMENT_HEADER,
        rows=agreement_rows(rounds, rule),
        meanings=AGREEMENT_COLUMNS,
        holds="One row per round and framework: how far the answers agree.",
    )
