"""The statistics of a set of answers to one item: median, range and the split rule.

Pure functions with no ORM, shared by the consensus pages, the reports and the round's
reliability figures (assessment.reliability): there is one split rule, and every page that says
"split" means it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from django.conf import settings
from django.utils.functional import lazy

# SCIROCCO's rule, as a Delphi study with the SCIROCCO tool published it (International Journal
# of Integrated Care, doi:10.5334/ijic.7747, table 1 "Distribution of responses"): a dimension is
# "split" when at least four ratings fall outside a 3-point region containing the median, that
# is more than three answers more than one level from it. A deployment sets its own in
# AGREEMENT_BAND and AGREEMENT_MAX_OUTSIDE.
SCIROCCO_BAND = 1
SCIROCCO_MAX_OUTSIDE = 3
SCIROCCO_SOURCE = (
    "SCIROCCO's rule, as used with the SCIROCCO maturity tool in a published Delphi study "
    "(International Journal of Integrated Care, doi:10.5334/ijic.7747, table 1): split when at "
    "least four ratings fall outside a three-level region around the median"
)


@dataclass(frozen=True)
class SplitRule:
    """When an item's answers are too far apart to read as one position."""

    band: int  # levels either side of the median that count as near it
    max_outside: int  # more answers than this outside the band make the item split

    def outside(self, values: list[int], middle: float) -> int:
        """How many answers fall more than `band` levels from the median."""
        return sum(1 for v in values if abs(v - middle) > self.band)

    def splits(self, outside: int) -> bool:
        return outside > self.max_outside

    @property
    def is_scirocco(self) -> bool:
        return (self.band, self.max_outside) == (SCIROCCO_BAND, SCIROCCO_MAX_OUTSIDE)

    @property
    def text(self) -> str:
        """The rule in plain words, with where it comes from."""
        levels = "level" if self.band == 1 else "levels"
        more = (
            "any answer falls"
            if self.max_outside == 0
            else f"more than {self.max_outside} answer{'s' if self.max_outside > 1 else ''} fall"
        )
        source = (
            f"This is {SCIROCCO_SOURCE}."
            if self.is_scirocco
            else f"This deployment sets the rule; the default is {SCIROCCO_SOURCE}."
        )
        return (
            f"An item is marked split when {more} more than {self.band} {levels} from the "
            f"median of the team's answers: a sign to talk it through. {source}"
        )

    def as_dict(self) -> dict:
        return {
            "band": self.band,
            "max_outside": self.max_outside,
            "text": self.text,
            "source": "doi:10.5334/ijic.7747" if self.is_scirocco else "deployment setting",
        }


def split_rule() -> SplitRule:
    """The deployment's rule (settings AGREEMENT_BAND and AGREEMENT_MAX_OUTSIDE), SCIROCCO's
    where it sets none. Read on every use, so a test's override_settings holds."""
    return SplitRule(
        band=getattr(settings, "AGREEMENT_BAND", SCIROCCO_BAND),
        max_outside=getattr(settings, "AGREEMENT_MAX_OUTSIDE", SCIROCCO_MAX_OUTSIDE),
    )


# The rule's words, worked out when shown (pages and reports take it as a string).
SPLIT_RULE = lazy(lambda: split_rule().text, str)()


@dataclass(frozen=True)
class Spread:
    count: int
    median: float | None
    min: int | None
    max: int | None
    outside: int = 0  # answers outside the split rule's band around the median
    split: bool = False  # by the deployment's split rule, when the spread was worked out

    @property
    def span(self) -> int:
        return 0 if self.count == 0 else self.max - self.min

    def as_dict(self) -> dict:
        return {"median": plain_number(self.median), "min": self.min, "max": self.max}


def plain_number(value: float | None) -> float | int | None:
    """2.0 reads as 2; 2.5 stays 2.5."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def spread(values: Iterable[int | None], rule: SplitRule | None = None) -> Spread:
    chosen = [v for v in values if v is not None]
    if not chosen:
        return Spread(count=0, median=None, min=None, max=None)
    rule = rule or split_rule()
    middle = median(chosen)
    outside = rule.outside(chosen, middle)
    return Spread(
        count=len(chosen),
        median=middle,
        min=min(chosen),
        max=max(chosen),
        outside=outside,
        split=len(chosen) >= 2 and rule.splits(outside),
    )
