"""The statistics of a set of answers to one item: median, range and the split rule.

Pure functions with no ORM, shared by the consensus pages and the reports.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

# An item is "split" when the team's answers span this many levels or more.
SPLIT_SPAN = 2
SPLIT_RULE = (
    "An item is marked split when the team's answers are two or more levels apart "
    "(for example, one person chose 1 and another 3): a sign to talk it through."
)


@dataclass(frozen=True)
class Spread:
    count: int
    median: float | None
    min: int | None
    max: int | None

    @property
    def span(self) -> int:
        return 0 if self.count == 0 else self.max - self.min

    @property
    def split(self) -> bool:
        return self.count >= 2 and self.span >= SPLIT_SPAN

    def as_dict(self) -> dict:
        return {"median": plain_number(self.median), "min": self.min, "max": self.max}


def plain_number(value: float | None) -> float | int | None:
    """2.0 reads as 2; 2.5 stays 2.5."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def spread(values: Iterable[int | None]) -> Spread:
    chosen = [v for v in values if v is not None]
    if not chosen:
        return Spread(count=0, median=None, min=None, max=None)
    return Spread(count=len(chosen), median=median(chosen), min=min(chosen), max=max(chosen))
