"""assessment.results and reports.analysis: medians, consensus, spread, splits and gaps, from
plain values (no DB)."""

import pytest

from assessment.results import ItemScores, item_result
from assessment.statistics import spread
from reports.analysis import gap_analysis, lesson_groups

MATRIX_LEVELS = ((1, "Emerging"), (2, "Developed"), (3, "Well developed"), (4, "Extensive"))
LESSON_LEVELS = ((0, "Not yet addressed"), (1, "Starting"), (2, "Established"), (3, "Embedded"))


def factor(key, currents=(), targets=(), *, agreed=None, context=False, number=1):
    """A factor of the matrix as a round holds it; `agreed` is the consensus (current, target)."""
    agreed_current, agreed_target = agreed or (None, None)
    return item_result(
        ItemScores(
            key=key,
            title=key.replace("-", " ").capitalize(),
            kind="factor",
            levels=MATRIX_LEVELS,
            descriptors={value: f"{key} at {label}" for value, label in MATRIX_LEVELS},
            currents=tuple(currents),
            targets=tuple(targets),
            agreed_current=agreed_current,
            agreed_target=agreed_target,
            is_context=context,
            number=number,
        )
    )


def lesson(number, currents=(), targets=(), *, related=()):
    return item_result(
        ItemScores(
            key=f"lesson-{number:02}",
            title=f"Lesson {number}",
            kind="lesson",
            levels=LESSON_LEVELS,
            descriptors={},
            currents=tuple(currents),
            targets=tuple(targets),
            number=number,
            related=tuple(related),
        )
    )


# --- one item -----------------------------------------------------------------------------------


def test_it_takes_the_respondents_median_where_no_consensus_is_recorded():
    result = factor("impact", currents=(1, 2, 4), targets=(3, 3, 4))
    assert (result.current, result.target) == (2, 3)
    assert result.agreed is False


def test_it_takes_the_consensus_over_the_median_where_one_is_recorded():
    result = factor("impact", currents=(1, 1, 1), targets=(2, 2, 2), agreed=(3, 4))
    assert (result.current, result.target) == (3, 4)
    assert result.agreed is True
    # The answers are still reported beside the agreed position.
    assert (result.current_spread.min, result.current_spread.max) == (1, 1)


def test_it_gives_a_median_between_two_levels_for_an_even_number_of_answers():
    result = factor("impact", currents=(2, 3), targets=(3, 4))
    assert (result.current, result.target) == (2.5, 3.5)


def test_it_gives_the_gap_as_target_minus_current():
    assert factor("impact", currents=(1, 2), targets=(3, 4)).gap == 2
    assert factor("impact", currents=(4,), targets=(3,)).gap == -1
    assert factor("impact", agreed=(2, 2)).gap == 0


def test_it_has_no_position_or_gap_for_an_item_nobody_answered():
    result = factor("impact")
    assert (result.current, result.target, result.gap, result.level) == (None, None, None, None)


def test_it_reports_the_spread_of_answers():
    answers = spread([3, None, 1, 2])  # an unanswered item (None) is not an answer
    assert (answers.count, answers.min, answers.max, answers.median) == (3, 1, 3, 2)
    assert answers.span == 2


@pytest.fixture
def sciroccos_rule(settings):
    """SCIROCCO's rule, whatever the environment sets: split when more than three answers fall
    more than one level from the median."""
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 3


@pytest.mark.parametrize(
    ("currents", "split"),
    [
        ((1, 1, 1, 1, 2, 4, 4, 4, 4), True),  # four answers two levels above the median of 2
        ((1, 1, 1, 2, 4, 4, 4), False),  # only three outside the band: still agreed
        ((1, 1, 1, 1, 2, 3, 3, 3, 3), False),  # two levels apart, all within one of the median
        ((1, 1, 1, 1, 4, 4, 4, 4), True),  # every answer 1.5 levels from the median of 2.5
        ((1, 2, 4), False),  # one answer far from the median is not a split
        ((1, 3), False),  # two levels apart, each one level from the median
        ((1,), False),  # a single answer cannot disagree with itself
        ((), False),
    ],
)
def test_it_marks_an_item_split_when_more_than_three_answers_are_over_a_level_from_the_median(
    sciroccos_rule, currents, split
):
    assert factor("care-model", currents=currents, targets=currents).split is split


def test_it_marks_an_item_split_by_the_deployments_own_rule(settings):
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 0
    assert factor("care-model", currents=(1, 2, 4), targets=(4, 4, 4)).split is True
    assert factor("care-model", currents=(1, 2, 3), targets=(4, 4, 4)).split is False


def test_it_reads_a_median_of_two_and_a_half_as_level_two_with_level_three_next():
    result = factor("impact", currents=(2, 3), targets=(4, 4))
    assert (result.level, result.level_label) == (2, "Developed")
    assert (result.next_level, result.next_label) == (3, "Well developed")
    assert result.current_descriptor == "impact at Developed"
    assert result.next_descriptor == "impact at Well developed"


def test_it_has_no_next_level_at_the_top_of_the_scale():
    result = factor("impact", currents=(4, 4), targets=(4, 4))
    assert (result.level, result.next_level) == (4, None)
    assert result.current_descriptor == "impact at Extensive"
    assert result.next_descriptor == ""


# --- gap analysis --------------------------------------------------------------------------------


def test_it_ranks_factors_by_gap_largest_first():
    factors = [
        factor("workforce", currents=(2,), targets=(3,), number=1),
        factor("impact", currents=(1,), targets=(4,), number=2),
        factor("governance", currents=(2, 3), targets=(4, 4), number=3),
    ]
    ranked = gap_analysis(factors, []).ranked
    assert [(e.factor.key, e.factor.gap) for e in ranked] == [
        ("impact", 3),
        ("governance", 1.5),
        ("workforce", 1),
    ]


def test_it_ranks_the_lower_standing_factor_first_when_gaps_are_equal():
    factors = [
        factor("leadership", currents=(3,), targets=(4,), number=1),
        factor("workforce", currents=(1,), targets=(2,), number=2),
    ]
    ranked = gap_analysis(factors, []).ranked
    assert [e.factor.key for e in ranked] == ["workforce", "leadership"]


def test_it_shows_a_context_factor_but_never_ranks_it():
    place = factor("place", currents=(1,), targets=(4,), context=True)
    impact = factor("impact", currents=(2,), targets=(3,))
    gaps = gap_analysis([place, impact], [])
    assert [e.factor.key for e in gaps.ranked] == ["impact"]
    assert gaps.context == (place,)
    assert place not in gaps.strengths


def test_it_gives_a_context_factor_no_target_and_no_gap_whatever_was_answered():
    place = factor("place", currents=(1, 2), targets=(4, 4), context=True)
    agreed = factor("place", currents=(1, 2), targets=(4, 4), agreed=(2, None), context=True)
    assert (place.current, place.target, place.gap) == (1.5, None, None)
    assert (agreed.current, agreed.target, agreed.gap) == (2, None, None)


def test_it_counts_factors_at_or_above_target_as_strengths():
    at = factor("governance", currents=(3,), targets=(3,))
    above = factor("leadership", currents=(4,), targets=(3,))
    below = factor("impact", currents=(2,), targets=(3,))
    gaps = gap_analysis([at, above, below], [])
    assert gaps.strengths == (at, above)
    assert [e.factor.key for e in gaps.ranked] == ["impact"]


def test_it_lists_the_lessons_bearing_on_a_large_gap_with_the_teams_own_score():
    impact = factor("impact", currents=(1,), targets=(3,))
    lessons = [
        lesson(3, currents=(2, 3), related=["impact", "leadership"]),
        lesson(4, currents=(3,), related=["governance"]),
        lesson(14, currents=(0, 1), related=["impact"]),
    ]
    [entry] = gap_analysis([impact], lessons).large
    # Only the lessons that bear on Impact, least acted on first, each with its own score.
    assert [(x.scores.number, x.current) for x in entry.lessons] == [(14, 0.5), (3, 2.5)]
    assert entry.lessons[0].level_label == "Not yet addressed"


def test_it_counts_a_gap_of_less_than_a_level_as_ranked_but_not_large():
    small = factor("workforce", currents=(2, 3), targets=(3, 3))  # gap 0.5
    large = factor("impact", currents=(1,), targets=(2,))  # gap 1
    gaps = gap_analysis([small, large], [])
    assert [e.factor.key for e in gaps.ranked] == ["impact", "workforce"]
    assert [e.factor.key for e in gaps.large] == ["impact"]


def test_it_lists_split_factors_and_lessons_for_the_next_workshop(sciroccos_rule):
    # Split by SCIROCCO's rule: four answers two levels from the median (of 3, then of 1).
    split_factor = factor("care-model", currents=(1, 1, 1, 1, 3, 3, 3, 3, 3), targets=(4,) * 9)
    agreed_factor = factor("impact", currents=(2, 3), targets=(3, 3))
    split_lesson = lesson(7, currents=(0, 1, 1, 1, 1, 3, 3, 3, 3))
    gaps = gap_analysis([split_factor, agreed_factor], [split_lesson, lesson(8, currents=(2,))])
    assert gaps.splits == (split_factor, split_lesson)


def test_it_keeps_unscored_items_out_of_the_ranking():
    unscored = factor("workforce")
    gaps = gap_analysis([unscored, factor("impact", currents=(2,), targets=(3,))], [])
    assert [e.factor.key for e in gaps.ranked] == ["impact"]
    assert unscored not in gaps.strengths
    assert gaps.unscored == (unscored,)


# --- lessons by level ---------------------------------------------------------------------------


def test_it_groups_the_sixteen_lessons_by_level_most_embedded_first():
    currents = [(3,), (0,), (2,), (1, 2), *[(2,)] * 12]  # lesson 4: median 1.5, level 1
    lessons = [lesson(n, currents=c) for n, c in enumerate(currents, start=1)]
    groups = lesson_groups(lessons)
    assert [(g.value, g.label) for g in groups] == [
        (3, "Embedded"),
        (2, "Established"),
        (1, "Starting"),
        (0, "Not yet addressed"),
    ]
    assert [x.scores.number for x in groups[0].lessons] == [1]
    assert [x.scores.number for x in groups[2].lessons] == [4]
    assert sum(len(g.lessons) for g in groups) == 16


def test_it_leaves_out_levels_no_lesson_stands_at():
    lessons = [lesson(n, currents=(2,)) for n in range(1, 17)]
    assert [g.value for g in lesson_groups(lessons)] == [2]
