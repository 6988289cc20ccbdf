"""How far to trust a round's numbers: agreement between respondents and internal consistency.

Pure functions with no ORM. Given one framework version's answers (a row per respondent, a
column per item, the `current` levels, None where unanswered) this works out:

- Krippendorff's alpha, ordinal, with the `krippendorff` package, and a bootstrap 95% interval;
- the share of answers within one level of their item's median (assessment.agreement's figure);
- the items split by the deployment's split rule (assessment.statistics.split_rule);
- Cronbach's alpha across the framework's items, where enough respondents answered them all.

The bootstrap resamples items (the units rated), not respondents: a respondent drawn twice would
agree perfectly with themselves and lift alpha, while an item drawn twice only weighs that
item's disagreement twice. Zapf et al. (2016, BMC Medical Research Methodology 16:93) recommend
Krippendorff's alpha with a bootstrap interval over the units rated for this reason. The seed is
fixed, so a page shows the same interval every time it is drawn.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from statistics import median

import krippendorff
import numpy as np

from assessment.agreement import NEAR_MEDIAN
from assessment.statistics import SplitRule, spread

RESAMPLES = 1000  # Efron and Tibshirani's minimum for a percentile interval
SEED = 25  # any fixed number: the same answers always give the same interval
# Fewer resamples than this with an alpha at all (the rest had every answer at one level, so no
# disagreement to expect), and the interval is not given: it would rest on too few draws.
FEWEST_USABLE = RESAMPLES // 2

# Cronbach's alpha is an estimate whose error shrinks with the respondents who answered every
# item. Feldt's 95% interval around an alpha of 0.8 over nine items runs from 0.36 to 0.98 with
# five respondents (so says nothing) and from 0.54 to 0.94 with ten; below ten it comes with a
# warning.
CRONBACH_ENOUGH = 10
CRONBACH_WARNING = (
    f"Fewer than {CRONBACH_ENOUGH} respondents answered every item, so Cronbach's alpha could "
    "differ widely with a different team: read it as a rough guide only."
)


@dataclass(frozen=True)
class Reliability:
    """One framework version's figures in one round."""

    framework: str  # slug
    version: str
    title: str
    raters: int  # respondents who answered at least one item
    items: int
    krippendorff_alpha: float | None
    alpha_ci: tuple[float, float] | None
    within_one: float | None  # 0.0 to 1.0
    split_items: list[str] = field(default_factory=list)  # item keys
    split_titles: list[str] = field(default_factory=list)
    cronbach_alpha: float | None = None
    cronbach_respondents: int = 0  # respondents who answered every item

    @property
    def cronbach_enough(self) -> bool:
        return self.cronbach_respondents >= CRONBACH_ENOUGH

    @property
    def cronbach_warning(self) -> str:
        return "" if self.cronbach_alpha is None or self.cronbach_enough else CRONBACH_WARNING

    @property
    def within_one_percent(self) -> int | None:
        return None if self.within_one is None else round(self.within_one * 100)

    def stored(self) -> dict:
        """Every field, as JSON keeps it (reports keeps a closed round's figures)."""
        return asdict(self)

    @classmethod
    def from_stored(cls, figures: dict) -> "Reliability":
        interval = figures.get("alpha_ci")
        return cls(**{**figures, "alpha_ci": tuple(interval) if interval else None})

    def as_dict(self) -> dict:
        """As the round's JSON gives it (numbers rounded to 3 places: more is noise)."""
        return {
            "framework": self.framework,
            "version": self.version,
            "krippendorff_alpha": _rounded(self.krippendorff_alpha),
            "alpha_ci": [_rounded(x) for x in self.alpha_ci] if self.alpha_ci else None,
            "raters": self.raters,
            "within_one": _rounded(self.within_one),
            "split_items": list(self.split_items),
            "cronbach_alpha": _rounded(self.cronbach_alpha),
            "cronbach_respondents": self.cronbach_respondents,
            "cronbach_warning": self.cronbach_warning or None,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def value_counts(matrix: np.ndarray, levels: Sequence[int]) -> np.ndarray:
    """Items × levels: how many respondents chose each level on each item (the library's
    `value_counts` input, so resampling items is resampling rows)."""
    return (matrix.T[..., np.newaxis] == np.asarray(levels)[np.newaxis, np.newaxis, :]).sum(axis=1)


def counts_alpha(counts: np.ndarray, levels: Sequence[int]) -> float | None:
    """Krippendorff's alpha (ordinal) from value counts; None when it is undefined: no item
    with two answers, or every such answer at one level (no disagreement to expect)."""
    pairable = counts[counts.sum(axis=1) >= 2]
    if np.count_nonzero(pairable.sum(axis=0)) < 2:
        return None
    value = krippendorff.alpha(
        value_counts=counts, value_domain=list(levels), level_of_measurement="ordinal"
    )
    return None if np.isnan(value) else float(value)


def ordinal_alpha(matrix: np.ndarray, levels: Sequence[int]) -> float | None:
    """Krippendorff's alpha (ordinal) of a respondents × items array (nan for no answer)."""
    return counts_alpha(value_counts(matrix, levels), levels)


def alpha_interval(
    matrix: np.ndarray, levels: Sequence[int], *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[float, float] | None:
    """A percentile bootstrap 95% interval of ordinal alpha, resampling items (see above)."""
    counts = value_counts(matrix, levels)
    items = counts.shape[0]
    if items < 2 or counts_alpha(counts, levels) is None:
        return None
    draws = np.random.default_rng(seed).integers(0, items, size=(resamples, items))
    alphas = [counts_alpha(counts[drawn], levels) for drawn in draws]
    usable = [a for a in alphas if a is not None]
    if len(usable) < min(FEWEST_USABLE, resamples):
        return None
    low, high = np.percentile(usable, [2.5, 97.5])
    return float(low), float(high)


def cronbach_alpha(matrix: np.ndarray) -> tuple[float | None, int]:
    """Cronbach's alpha across the items of the respondents who answered every one, and how many
    they were. None with fewer than two such respondents or items, or no spread in totals."""
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    respondents, items = complete.shape
    if respondents < 2 or items < 2:
        return None, respondents
    totals = complete.sum(axis=1).var(ddof=1)
    if totals == 0:
        return None, respondents
    # The textbook formula: k / (k - 1) × (1 - sum of item variances / variance of totals).
    value = items / (items - 1) * (1 - complete.var(axis=0, ddof=1).sum() / totals)
    return float(value), respondents


def within_one(columns: Sequence[Sequence[int]]) -> float | None:
    """The share of all answers within one level of their own item's median."""
    near = total = 0
    for answers in columns:
        if answers:
            middle = median(answers)
            near += sum(1 for v in answers if abs(v - middle) <= NEAR_MEDIAN)
            total += len(answers)
    return None if total == 0 else near / total


@dataclass(frozen=True)
class FrameworkAnswers:
    """One framework version's answers in a round, as reliability() reads them."""

    framework: str
    version: str
    title: str
    levels: tuple[int, ...]  # the scale's values
    items: tuple[tuple[str, str], ...]  # (key, title), in the round's order
    rows: tuple[tuple[int | None, ...], ...]  # one per respondent, a level per item

    def matrix(self) -> np.ndarray:
        return np.array(
            [[np.nan if v is None else v for v in row] for row in self.rows], dtype=float
        ).reshape(len(self.rows), len(self.items))

    def columns(self) -> list[list[int]]:
        return [[row[i] for row in self.rows if row[i] is not None] for i in range(len(self.items))]


def reliability(
    answers: FrameworkAnswers, rule: SplitRule, *, resamples: int = RESAMPLES
) -> Reliability:
    """Every figure of one framework version's answers (no interval with `resamples` 0: the
    bootstrap is nearly all of the time this takes)."""
    rows = tuple(row for row in answers.rows if any(v is not None for v in row))
    answers = FrameworkAnswers(**{**answers.__dict__, "rows": rows})
    matrix, columns = answers.matrix(), answers.columns()
    split = [
        item
        for item, values in zip(answers.items, columns, strict=True)
        if spread(values, rule).split
    ]
    cronbach, complete = cronbach_alpha(matrix)
    return Reliability(
        framework=answers.framework,
        version=answers.version,
        title=answers.title,
        raters=len(rows),
        items=len(answers.items),
        krippendorff_alpha=ordinal_alpha(matrix, answers.levels),
        alpha_ci=alpha_interval(matrix, answers.levels, resamples=resamples) if resamples else None,
        within_one=within_one(columns),
        split_items=[key for key, _ in split],
        split_titles=[title for _, title in split],
        cronbach_alpha=cronbach,
        cronbach_respondents=complete,
    )


def shown(value: float | None) -> str:
    """An alpha as a page prints it: two decimal places, or a dash when there is none."""
    return "—" if value is None else f"{value:.2f}"
