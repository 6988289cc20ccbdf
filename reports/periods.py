"""Periods read loosely, as an analyst types them: "2026" is every 2026 period, and "2026-Q2",
"2026 q2" and "Q2 2026" are one period.

A round's period is free text ("2026 Q2", "2026/27 Q1", "Spring 2026"). Each is read as a set
of parts (a year, a financial year, a quarter, a half, a month, any other word), in one
spelling each; a filter matches a period holding every part the filter names. Nothing here
decides who may see a period: reports.compare_rounds withholds those that do not read as dates.
"""

import re

_MONTHS = {
    "JAN": "JAN",
    "JANUARY": "JAN",
    "FEB": "FEB",
    "FEBRUARY": "FEB",
    "MAR": "MAR",
    "MARCH": "MAR",
    "APR": "APR",
    "APRIL": "APR",
    "MAY": "MAY",
    "JUN": "JUN",
    "JUNE": "JUN",
    "JUL": "JUL",
    "JULY": "JUL",
    "AUG": "AUG",
    "AUGUST": "AUG",
    "SEP": "SEP",
    "SEPT": "SEP",
    "SEPTEMBER": "SEP",
    "OCT": "OCT",
    "OCTOBER": "OCT",
    "NOV": "NOV",
    "NOVEMBER": "NOV",
    "DEC": "DEC",
    "DECEMBER": "DEC",
}
# A financial year ("2026/27", "2026-2027"), then a year, a quarter or half glued to a year or
# not ("Q2", "2026Q2"), then any other run of letters or digits.
_PART = re.compile(
    r"(?P<span>(?:19|20)\d\d)\s*[/-]\s*(?P<end>(?:19|20)?\d\d)(?![\dQH])"
    r"|(?P<year>(?:19|20)\d\d)(?!\d)"
    r"|(?P<term>[QH])\s*(?P<number>\d)(?!\d)"
    r"|(?P<word>[A-Z]+|\d+)"
)
# How a period's parts are written back, in this order: "FY 2026/27 Q1", "2026 Q2".
_ORDER = ("FY", "span", "year", "half", "quarter", "month", "word")


def period_parts(text: str) -> tuple[tuple[str, str], ...]:
    """The parts of a period, each (kind, spelling), in the order written."""
    parts = []
    for found in _PART.finditer(text.upper()):
        if found["span"]:
            start = found["span"]
            parts.append(("span", f"{start}/{found['end'][-2:]}"))
        elif found["year"]:
            parts.append(("year", found["year"]))
        elif found["term"]:
            kind = "quarter" if found["term"] == "Q" else "half"
            parts.append((kind, f"{found['term']}{found['number']}"))
        elif found["word"] in _MONTHS:
            parts.append(("month", _MONTHS[found["word"]].capitalize()))
        elif found["word"] == "FY":
            parts.append(("FY", "FY"))
        else:
            parts.append(("word", found["word"].capitalize()))
    return tuple(dict.fromkeys(parts))


def normalise_period(text: str) -> str:
    """One spelling for one period: "2026-Q2", "2026 q2" and "Q2 2026" are all "2026 Q2"."""
    parts = sorted(period_parts(text), key=lambda part: _ORDER.index(part[0]))
    return " ".join(spelling for _, spelling in parts)


def _covers(parts) -> set[str]:
    """What a period answers to: its parts, and a financial year's two calendar years."""
    covered = {spelling for _, spelling in parts}
    for kind, spelling in parts:
        if kind == "span":
            start = spelling[:4]
            covered |= {start, f"{start[:2]}{spelling[-2:]}"}
    return covered


def period_matches(asked: str, period: str) -> bool:
    """Whether `period` holds every part of `asked`: "2026" matches "2026 Q2" and "2026/27 Q1"
    (a financial year matches both its years); "Q2" every second quarter; "2026/27" only periods
    of that financial year. A filter with no parts (punctuation only) matches nothing."""
    wanted = {spelling for _, spelling in period_parts(asked)}
    return bool(wanted) and wanted <= _covers(period_parts(period))


def periods_matching(asked: str, periods) -> list[str]:
    """The periods, of those given, that `asked` matches."""
    return [period for period in periods if period_matches(asked, period)]
