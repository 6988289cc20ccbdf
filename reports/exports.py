"""The numbers behind comparisons, as CSV or XLSX for analysts' own tools."""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from assessment.models import Response
from assessment.statistics import plain_number
from reports.compare import RoundColumn
from reports.models import RoundItemResult

# Column names as analysts' tools read them: one word each.
SUMMARY_HEADER = [
    "place_code",
    "place_name",
    "period",
    "framework",
    "framework_version",
    "item_key",
    "item_title",
    "agreed_current",
    "agreed_target",
    "current",
    "target",
    "median",
    "minimum",
    "maximum",
    "responses",
    "split",
]
DETAIL_HEADER = [
    "place_code",
    "place_name",
    "period",
    "framework",
    "framework_version",
    "item_key",
    "item_title",
    "respondent",
    "current",
    "target",
    "confidence",
    "evidence",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Text a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def summary_rows(columns: list[RoundColumn]) -> Iterator[list]:
    """One row per round × item (one query)."""
    by_id = {c.pk: c for c in columns}
    results = (
        RoundItemResult.objects.filter(assessment__in=list(by_id))
        .select_related("item__version__framework")
        .order_by("assessment_id", "-item__version__framework__kind", "item__position")
    )
    for r in results:
        column, item = by_id[r.assessment_id], r.item
        yield [
            column.place_code,
            column.place_name,
            column.period,
            item.version.framework.slug,
            item.version.version,
            item.key,
            item.title,
            r.agreed_current,
            r.agreed_target,
            plain_number(r.current),
            plain_number(r.target),
            plain_number(r.median),
            r.minimum,
            r.maximum,
            r.responses,
            "yes" if r.split else "no",
        ]


def detail_rows(columns: list[RoundColumn]) -> Iterator[list]:
    """One row per respondent × item; names only where the round shows them (one query).

    Evidence written for a round shown anonymously never leaves: it often names the place.
    """
    by_id = {c.pk: c for c in columns}
    # Plain tuples: a national export has hundreds of thousands of rows.
    responses = (
        Response.objects.filter(
            respondent__assessment__in=list(by_id), respondent__submitted_at__isnull=False
        )
        .order_by(
            "respondent__assessment_id",
            "respondent__name",
            "-item__version__framework__kind",
            "item__position",
        )
        .values_list(
            "respondent__assessment_id",
            "respondent_id",
            "respondent__name",
            "item__version__framework__slug",
            "item__version__version",
            "item__key",
            "item__title",
            "current",
            "target",
            "confidence",
            "evidence",
        )
        .iterator(chunk_size=5000)
    )
    numbers: dict[int, int] = {}  # respondent → its number within its round
    per_round: dict[int, int] = defaultdict(int)
    for (
        assessment_id,
        respondent_id,
        name,
        *item,
        current,
        target,
        confidence,
        evidence,
    ) in responses:
        column = by_id[assessment_id]
        if respondent_id not in numbers:
            per_round[assessment_id] += 1
            numbers[respondent_id] = per_round[assessment_id]
        named = column.named and column.assessment.show_names
        yield [
            column.place_code,
            column.place_name,
            column.period,
            *item,
            name if named else f"Respondent {numbers[respondent_id]}",
            current,
            target,
            confidence,
            evidence if column.named else "",
        ]


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so Excel reads accents and £ signs right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Results")
    sheet.append(header)
    for row in rows:
        sheet.append([safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
