"""What the import fuzz tests generate: rows that mean something valid or are made bad on
purpose, written as CSV text or XLSX workbooks (tests/assessment/test_imports_fuzz.py)."""

import csv
import functools
import io
import re
from dataclasses import dataclass
from types import SimpleNamespace

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from assessment.imports import ScoresFileError, check_rows, read_table

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    # The framework versions fixture is read, never changed, by every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A workbook takes openpyxl some milliseconds to write and read: fewer of them.
FUZZ_XLSX = settings(FUZZ, max_examples=100)
COLUMNS = ["respondent", "framework", "item", "current", "target", "evidence", "confidence"]
# XML 1.0 cannot hold these, so neither can a workbook (and a name may not hold them at all).
CONTROL = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"]
# A CR in a workbook cell comes back as LF: XML reads every line break as LF.
XLSX_UNWRITABLE = [*CONTROL, "\r"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Item:
    framework: str
    key: str
    labels: tuple  # (level value, label), in order
    is_context: bool = False  # a context factor (Place) takes no target


@dataclass
class Row:
    cells: dict  # column → what is written in the file
    expected: tuple | None  # the ScoreRow fields it must import as; None: passed over
    poison: bool = False  # a row the file must be refused for


def catalogue_of(versions) -> tuple[Item, ...]:
    return tuple(
        Item(
            v.framework.slug,
            item.key,
            tuple((lv.value, lv.label) for lv in v.levels.all()),
            item.is_context,
        )
        for v in versions
        for item in v.items.all()
    )


def expected_name(written: str) -> str:
    """A name as a lead sees it: trimmed, and without the apostrophe the template adds."""
    name = written.strip()
    if name.startswith("'") and name[1:2] in (*FORMULA_START, "'"):
        name = name[1:]
    return name


def written_level(item: Item, xlsx: bool):
    """(value, as written): '2', '2.0', '2 Developed', or the number itself in a workbook."""
    forms = ["{n}", "{n}.0", "{n} {label}", " {n} – {label} ", "{n}:{label}"]
    written = [(n, form.format(n=n, label=label)) for n, label in item.labels for form in forms]
    if xlsx:
        written += [(n, n) for n, _ in item.labels]
    return st.sampled_from(written)


def unique_rows(rows: list[Row]) -> bool:
    keys = [(r.expected[0].lower(), r.expected[1], r.expected[2]) for r in rows if r.expected]
    return len(keys) == len(set(keys))


def no_leading_digit(text: str) -> bool:
    return not re.match(r"\s*\d", text)


@functools.cache
def strategies_for(catalogue: tuple[Item, ...], xlsx: bool) -> SimpleNamespace:
    """The strategies for one catalogue and kind of file, built once: Hypothesis is slow to
    build a strategy, quick to draw from one."""
    text_characters = st.characters(
        codec="utf-8", exclude_characters=XLSX_UNWRITABLE if xlsx else ["\x00"]
    )
    name_characters = st.characters(
        codec="utf-8", exclude_characters=XLSX_UNWRITABLE if xlsx else CONTROL
    )
    plain_names = st.text(name_characters, min_size=1, max_size=30)
    formula_names = st.tuples(
        st.sampled_from(["=", "+", "-", "@", "'", "'=", "''"]), plain_names
    ).map("".join)
    names = st.one_of(plain_names, formula_names).filter(expected_name)
    items = st.sampled_from(catalogue)
    levels = {item: written_level(item, xlsx) for item in catalogue}
    no_target = st.just((None, ""))
    targets = {
        item: no_target if item.is_context else st.one_of(no_target, levels[item])
        for item in catalogue
    }
    evidence = st.one_of(
        st.text(text_characters, max_size=60),
        st.integers(4_990, 5_000).map(lambda n: "é" * n),  # up to the limit
    )
    confidence = st.sampled_from(["", "low", "Medium", " HIGH "])

    @st.composite
    def good_row(draw):
        item = draw(items)
        name = draw(names)
        current, current_written = draw(levels[item])
        target, target_written = draw(targets[item])
        text, sure = draw(evidence), draw(confidence)
        cells = dict(
            zip(
                COLUMNS,
                [name, item.framework, item.key, current_written, target_written, text, sure],
                strict=True,
            )
        )
        fields = [
            expected_name(name),
            item.framework,
            item.key,
            current,
            target,
            text.strip(),
            sure.strip().lower(),
        ]
        return Row(cells, tuple(fields))

    template_row = st.tuples(names, items).map(
        lambda t: Row({"respondent": t[0], "framework": t[1].framework, "item": t[1].key}, None)
    )
    # A template row nobody filled in, or a blank row: passed over either way.
    unscored = st.lists(st.one_of(template_row, st.just(Row({}, None))), max_size=2)
    scored = st.lists(good_row(), min_size=1, max_size=8).filter(unique_rows)
    headers = {c: st.sampled_from([c, c.upper(), f" {c.title()} "]) for c in COLUMNS}

    @st.composite
    def good_file(draw):
        rows = []
        for row in draw(scored):
            rows.extend(draw(unscored))
            rows.append(row)
        columns = draw(st.permutations(COLUMNS))
        return [draw(headers[c]) for c in columns], columns, rows

    kinds = [
        "framework",
        "item",
        "off-scale",
        "not-a-number",
        "no-respondent",
        "long-evidence",
        "confidence",
        "long-name",
        "duplicate",
    ]
    if not xlsx:
        kinds += ["control-in-name", "nul"]
    kind = st.sampled_from(kinds)
    junk = st.text(text_characters, min_size=1, max_size=20).filter(no_leading_digit)
    off_scale = st.sampled_from(["7", "12", "9 Perfect"])
    blank = st.sampled_from(["", "  "])
    control = st.sampled_from(CONTROL[1:])
    nul_column = st.sampled_from(["respondent", "evidence", "confidence"])

    def poison_row(draw, good: Row) -> Row:
        """A row the whole file must be refused for."""
        cells = dict(good.cells)
        match draw(kind):
            case "framework":
                cells["framework"] = "no-such-" + draw(junk)
            case "item":
                cells["item"] = "no-such-" + draw(junk)
            case "off-scale":
                cells["current"] = draw(off_scale)
            case "not-a-number":
                cells["current"] = draw(junk.filter(str.strip))
            case "no-respondent":
                cells["respondent"] = draw(blank)
            case "long-evidence":
                cells["evidence"] = "x" * 5_001
            case "confidence":
                cells["confidence"] = draw(junk)
                assume(cells["confidence"].strip().lower() not in ("", "low", "medium", "high"))
            case "long-name":
                cells["respondent"] = "N" * 201
            case "duplicate":
                cells["respondent"] = cells["respondent"].swapcase()
                assume(expected_name(cells["respondent"]).lower() == good.expected[0].lower())
            case "control-in-name":
                cells["respondent"] = "Gr" + draw(control) + "ace"
            case "nul":
                column = draw(nul_column)
                cells[column] = cells[column] + "\x00"
        return Row(cells, None, poison=True)

    @st.composite
    def poisoned_file(draw):
        header, columns, rows = draw(good_file())
        scored = [r for r in rows if r.expected]
        for _ in range(draw(st.integers(1, 3))):
            good = draw(st.sampled_from(scored))
            # after the row it was made from, so a duplicate is the one refused
            after = next(n for n, row in enumerate(rows) if row is good) + 1
            rows.insert(draw(st.integers(after, len(rows))), poison_row(draw, good))
        return header, columns, rows

    return SimpleNamespace(good_file=good_file(), poisoned_file=poisoned_file())


def csv_file(header, columns, rows, terminator="\r\n", bom=False) -> tuple[bytes, list[range]]:
    """The CSV file, and the physical lines each row spans (line 1 is the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator)
    writer.writerow(header)
    spans, line = [], 2
    for row in rows:
        start = buffer.tell()
        writer.writerow([row.cells.get(c, "") for c in columns])
        breaks = len(re.findall(r"\r\n|\r|\n", buffer.getvalue()[start:]))
        spans.append(range(line, line + breaks))
        line += breaks
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode(), spans


def xlsx_file(header, columns, rows) -> tuple[bytes, list[range]]:
    """The workbook, and the spreadsheet row of each row. Text is written as text, never as a
    formula, as a spreadsheet stores what someone types after an apostrophe."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Scores"
    sheet.append(header)
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(columns, start=1):
            value = row.cells.get(name)
            if value is None or value == "":
                continue
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), [range(n, n + 1) for n in range(2, len(rows) + 2)]


def fields_of(rows):
    return [
        (r.respondent, r.framework, r.item, r.current, r.target, r.evidence, r.confidence)
        for r in rows
    ]


def assert_readable(refused: ScoresFileError, last_line: int):
    assert refused.errors
    for error in refused.errors:
        assert isinstance(error.line, int) and 0 <= error.line <= last_line
        assert error.reason.strip() and len(error.reason) < 300
        assert "Traceback" not in error.reason


def read_scores(name, content, versions):
    return check_rows(read_table(name, content), versions)
