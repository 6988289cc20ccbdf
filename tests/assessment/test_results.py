"""A round's results, worked out from plain numbers without a database: the one place where the
level used, the next level and the gap are decided (assessment.results)."""

from assessment.results import (
    FrameworkResults,
    ItemScores,
    framework_heading,
    item_result,
    level_reached,
)

LEVELS = ((1, "Not yet"), (2, "Developing"), (3, "Developed"), (4, "Extensive"))


def result(*, agreed_current=None, agreed_target=None, currents=(), targets=(), **extra):
    scores = ItemScores(
        key="workforce",
        title="Workforce",
        kind="factor",
        levels=LEVELS,
        descriptors={2: "Some shared roles.", 3: "Shared roles across the place."},
        currents=tuple(currents),
        targets=tuple(targets),
        agreed_current=agreed_current,
        agreed_target=agreed_target,
        **extra,
    )
    return item_result(scores)


def test_it_reads_a_gap_from_the_agreed_levels_once_recorded():
    r = result(agreed_current=2, agreed_target=3, currents=[1, 1], targets=[1, 1])
    assert (r.current, r.target, r.agreed, r.gap, r.has_gap) == (2, 3, True, 1, True)


def test_it_reads_a_gap_from_the_medians_before_consensus():
    r = result(currents=[1, 2, 2], targets=[3, 3, 4])
    assert (r.current, r.target, r.agreed, r.has_gap) == (2, 3, False, True)


def test_it_sees_no_gap_at_or_above_target_or_without_answers():
    assert not result(agreed_current=3, agreed_target=3).has_gap
    assert not result(currents=[3], targets=[2]).has_gap
    assert not result(currents=[2]).has_gap
    assert not result().has_gap


def test_it_sees_no_gap_where_the_agreed_position_takes_no_target():
    # An agreed position without a target: the answers' targets do not stand in for it.
    r = result(agreed_current=2, agreed_target=None, currents=[1, 2], targets=[4, 4])
    assert (r.target, r.has_gap) == (None, False)


def test_a_context_factor_never_has_a_target_or_a_gap():
    r = result(currents=[1, 2], targets=[4, 4], is_context=True)
    assert (r.current, r.target, r.has_gap) == (1.5, None, False)


def test_a_median_between_two_levels_counts_as_the_lower():
    assert level_reached(2.5, LEVELS) == 2
    assert level_reached(3, LEVELS) == 3
    assert level_reached(0.5, LEVELS) == 1  # below the scale: its first level
    assert level_reached(None, LEVELS) is None


def test_the_next_level_is_the_one_above_where_the_item_stands_with_its_descriptor():
    r = result(currents=[2, 3])  # median 2.5: stands at 2
    assert (r.level, r.level_label, r.next_level, r.next_label) == (2, "Developing", 3, "Developed")
    assert r.next_descriptor == "Shared roles across the place."
    assert result(agreed_current=4, agreed_target=4).next_level is None
    assert result().next_level is None


def test_a_ladder_of_three_or_more_items_reads_as_a_radar_and_is_named_in_words():
    three = FrameworkResults(version=None, kind="factor", items=(result(),) * 3)
    two = FrameworkResults(version=None, kind="factor", items=(result(),) * 2)
    lessons = FrameworkResults(version=None, kind="lesson", items=(result(),) * 16)
    assert (three.has_radar, two.has_radar, lessons.has_radar) == (True, False, False)
    assert (three.heading, lessons.heading) == ("The three factors", "The sixteen lessons")
    assert framework_heading(25, ladder=True) == "The 25 factors"
