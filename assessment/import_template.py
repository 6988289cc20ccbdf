"""The workshop template: an XLSX a facilitator hands out, a row per person × item with the
levels in drop-downs, which reads back through assessment.imports unchanged."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from assessment.imports import NOT_IN_XML, inert

# The people a template lists: 200 × 25 items is 5,000 rows, already a long workshop. More
# would make a sheet nobody fills in; the sheet says who was left out.
TEMPLATE_MAX_NAMES = 200


def _template_text(text: str) -> str:
    """Text fit for a template cell: no character XML refuses, nothing a spreadsheet would run."""
    return inert(NOT_IN_XML.sub("", text))


def template_workbook(*, assessment, items, names: list[str]) -> bytes:
    """An XLSX a workshop can fill in: a row per person × item, drop-downs for the levels.

    At most TEMPLATE_MAX_NAMES people are listed; a line under the rows says how many were left
    out. Names, titles and descriptors that a spreadsheet would run as formulas are written as
    text (see `_inert`); reading the sheet back gives the names as they were.
    """
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
    # Each item's drop-down lists its own levels (a context factor names them for
    # circumstances, a lesson runs 0–3, a factor 1–4); items listing the same levels share one.
    # A context factor takes no target: its target cells refuse any entry and are greyed.
    # Items by (framework, key): two frameworks may use one key.
    lists = {(item.version.framework.slug, item.key): _level_list(item) for item in items}
    choices = {}
    for labels in dict.fromkeys(lists.values()):
        validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
        validation.error = "Choose a level from the list."
        choices[labels] = validation
    no_target = DataValidation(type="textLength", operator="equal", formula1="0")
    no_target.error = "A context factor describes circumstances: it takes no target."
    context_keys = {(i.version.framework.slug, i.key) for i in items if i.is_context}
    greyed = PatternFill("solid", fgColor="D9D9D9")
    # Each drop-down covers one range per run of rows, gathered here and set once: adding a
    # range per row makes openpyxl compare it with all those before.
    runs: dict[str, list[list[int]]] = {labels: [] for labels in choices}
    target_runs: dict[str, list[list[int]]] = {labels: [] for labels in choices}
    no_target_rows: list[int] = []
    rows = [(i.version.framework.slug, i.key, _template_text(i.title)) for i in items]
    listed = names[:TEMPLATE_MAX_NAMES]
    row = 1
    for name in listed:
        name = _template_text(name)
        for slug, key, title in rows:
            row += 1
            sheet.append([name, slug, key, title, "", "", "", ""])
            labels = lists[(slug, key)]
            _extend(runs[labels], row)
            if (slug, key) in context_keys:
                no_target_rows.append(row)
                sheet.cell(row=row, column=6).fill = greyed
            else:
                _extend(target_runs[labels], row)
    for labels, validation in choices.items():
        ranges = [f"E{first}:E{last}" for first, last in runs[labels]]
        ranges += [f"F{first}:F{last}" for first, last in target_runs[labels]]
        if ranges:
            validation.sqref = " ".join(ranges)
            sheet.add_data_validation(validation)
    if no_target_rows:
        no_target.sqref = " ".join(f"F{r}" for r in no_target_rows)
        sheet.add_data_validation(no_target)
    if row > 1:
        confidence = DataValidation(
            type="list", formula1='"low,medium,high"', allow_blank=True, sqref=f"H2:H{row}"
        )
        sheet.add_data_validation(confidence)
    if len(names) > len(listed):
        sheet.cell(row=row + 2, column=1).value = (
            f"This template lists the first {len(listed)} of {len(names)} people; "
            "add rows for the others in the same way."
        )
        sheet.cell(row=row + 2, column=1).font = Font(italic=True)
    for column, width in zip("ABCDEFGH", (24, 22, 26, 50, 24, 24, 60, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("Levels")
    guide.append(["framework", "item", "title", "level", "label", "what it looks like"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for item in items:
        labels = dict(item.level_labels())
        title = _template_text(item.title)
        for descriptor in item.descriptors.all():
            label = _template_text(labels.get(descriptor.value, ""))
            text = _template_text(descriptor.descriptor)
            guide.append(
                [item.version.framework.slug, item.key, title, descriptor.value, label, text]
            )
    guide.column_dimensions["F"].width = 100
    for cells in guide.iter_rows(min_row=2, min_col=6, max_col=6):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _level_list(item) -> str:
    """An item's levels as its drop-down lists them: "1 Emerging,2 Developed,..." in its own
    names (commas, which would split an entry, dropped)."""
    return ",".join(f"{lv.value} {lv.label.replace(',', '')}" for lv in item.level_labels())


def _extend(runs: list[list[int]], row: int) -> None:
    """Add a row to a list of [first, last] runs, joining it to the last run it follows."""
    if runs and runs[-1][1] == row - 1:
        runs[-1][1] = row
    else:
        runs.append([row, row])
