"""The reliability figures of a round's answers: pure functions, no database."""

import numpy as np
import pytest
from django.test import override_settings

from assessment.reliability import (
    CRONBACH_WARNING,
    FrameworkAnswers,
    alpha_interval,
    cronbach_alpha,
    ordinal_alpha,
    reliability,
    within_one,
)
from assessment.statistics import SPLIT_RULE, SplitRule, split_rule, spread

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, values 1 to 5, some missing. The paper works alpha out by hand as 0.743 nominal,
# 0.815 ordinal, 0.849 interval and 0.797 ratio; the ordinal figure is the one used here.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
)
SCALE = (1, 2, 3, 4, 5)


@pytest.fixture
def sciroccos_rule(settings):
    """The rule of a deployment that sets none (whatever the test settings say)."""
    for name in ("AGREEMENT_BAND", "AGREEMENT_MAX_OUTSIDE"):
        if hasattr(settings, name):
            delattr(settings, name)


def test_ordinal_alpha_matches_krippendorffs_worked_example():
    assert ordinal_alpha(KRIPPENDORFF_2011, SCALE) == pytest.approx(0.815, abs=0.0005)


def test_alpha_is_perfect_when_everyone_agrees_on_varied_items():
    same = np.array([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], dtype=float)
    assert ordinal_alpha(same, SCALE) == pytest.approx(1.0)


def test_alpha_is_undefined_with_one_rater_or_one_level():
    assert ordinal_alpha(np.array([[1, 2, 3]], dtype=float), SCALE) is None
    assert ordinal_alpha(np.array([[3, 3], [3, 3]], dtype=float), SCALE) is None


def test_the_interval_holds_alpha_and_is_the_same_every_time():
    low, high = alpha_interval(KRIPPENDORFF_2011, SCALE)
    assert low < 0.815 < high <= 1
    assert alpha_interval(KRIPPENDORFF_2011, SCALE) == (low, high)


def test_cronbach_alpha_of_a_hand_worked_example():
    # Four respondents, three items. Item variances (n - 1): 5/3, 5/3, 4/3, summing to 14/3;
    # totals 4, 6, 10, 12 have variance 40/3; alpha = 3/2 × (1 - 14/40) = 0.975.
    answers = np.array([[1, 1, 2], [2, 2, 2], [3, 3, 4], [4, 4, 4]], dtype=float)
    assert cronbach_alpha(answers) == (pytest.approx(0.975), 4)


def test_cronbach_alpha_counts_only_respondents_who_answered_every_item():
    answers = np.array([[1, 1, 2], [2, 2, 2], [3, 3, 4], [4, 4, 4], [1, nan, 4]], dtype=float)
    assert cronbach_alpha(answers) == (pytest.approx(0.975), 4)
    assert cronbach_alpha(np.array([[1, 2, 3]], dtype=float)) == (None, 1)


def test_within_one_pools_every_items_answers():
    # Item one: median 2, so 1, 2, 3 are near and 4 is not; item two: all near.
    assert within_one([[1, 2, 2, 4], [2, 2]]) == pytest.approx(5 / 6)
    assert within_one([[], []]) is None


# --- the split rule -------------------------------------------------------------------------


def test_the_default_rule_is_sciroccos(sciroccos_rule):
    rule = split_rule()
    assert (rule.band, rule.max_outside) == (1, 3)
    assert "doi:10.5334/ijic.7747" in str(SPLIT_RULE)


@pytest.mark.parametrize(
    ("answers", "outside", "split"),
    [
        ([3, 3, 3, 3, 3, 1, 1, 5], 3, False),  # three outside the band: agreed
        ([3, 3, 3, 3, 3, 1, 1, 5, 5], 4, True),  # four outside: split
        ([3, 3, 2, 4, 4, 2], 0, False),  # one level either side is inside the band
        ([1, 5], 2, False),  # both two levels from the median of 3, but only two
    ],
)
def test_sciroccos_rule_at_its_edges(sciroccos_rule, answers, outside, split):
    figures = spread(answers)
    assert (figures.outside, figures.split) == (outside, split)


def test_a_deployment_sets_its_own_rule():
    with override_settings(AGREEMENT_BAND=0, AGREEMENT_MAX_OUTSIDE=0):
        assert spread([2, 3]).split
        assert not spread([3, 3]).split
        assert "This deployment sets the rule" in str(SPLIT_RULE)
        assert "any answer falls more than 0 levels" in str(SPLIT_RULE)
    with override_settings(AGREEMENT_BAND=1, AGREEMENT_MAX_OUTSIDE=0):
        assert spread([1, 3, 3]).split  # 1 is two levels from the median of 3
        assert not spread([2, 3, 4]).split


def test_one_answer_is_never_split():
    assert not spread([1], SplitRule(band=0, max_outside=0)).split


# --- a framework's figures ------------------------------------------------------------------


def test_a_frameworks_figures_name_its_split_items():
    rule = SplitRule(band=1, max_outside=0)
    answers = FrameworkAnswers(
        framework="matrix",
        version="1.2",
        title="Matrix",
        levels=(1, 2, 3, 4),
        items=(("a", "Item A"), ("b", "Item B"), ("c", "Item C")),
        rows=((1, 2, 3), (1, 2, 4), (4, 2, 3), (None, None, None)),
    )
    figures = reliability(answers, rule, resamples=50)
    assert figures.raters == 3  # the respondent with no answers is no rater
    assert figures.split_items == ["a"]
    assert figures.split_titles == ["Item A"]
    assert figures.within_one == pytest.approx(8 / 9)
    assert figures.cronbach_respondents == 3
    assert figures.cronbach_warning == CRONBACH_WARNING
    document = figures.as_dict()
    assert set(document) >= {
        "krippendorff_alpha",
        "alpha_ci",
        "raters",
        "within_one",
        "split_items",
        "cronbach_alpha",
    }
