"""What goes into a spreadsheet cell from any app's export: text a spreadsheet would run as a
formula is kept as text, and CSV is streamed a chunk at a time."""

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Text a spreadsheet would run as a formula is kept as text, and control characters a
    workbook cannot hold (Word's vertical tab for a line break, say) are dropped."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so Excel reads accents and £ signs right; a chunk at a
    time, so a long export never sits in memory at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe(value) for value in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
