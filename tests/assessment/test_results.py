"""A gap, worked out from plain numbers without a database."""

from assessment.plan import item_gap


def test_it_reads_a_gap_from_the_agreed_levels_once_recorded():
    gap = item_gap(agreed_current=2, agreed_target=3, currents=[1, 1], targets=[1, 1])
    assert (gap.current, gap.target, gap.agreed, gap.size) == (2, 3, True, 1)


def test_it_reads_a_gap_from_the_medians_before_consensus():
    gap = item_gap(agreed_current=None, agreed_target=None, currents=[1, 2, 2], targets=[3, 3, 4])
    assert (gap.current, gap.target, gap.agreed) == (2, 3, False)


def test_it_sees_no_gap_at_or_above_target_or_without_answers():
    assert item_gap(agreed_current=3, agreed_target=3, currents=[], targets=[]) is None
    assert item_gap(agreed_current=None, agreed_target=None, currents=[3], targets=[2]) is None
    assert item_gap(agreed_current=None, agreed_target=None, currents=[2], targets=[None]) is None
    assert item_gap(agreed_current=None, agreed_target=None, currents=[], targets=[]) is None


def test_it_sees_no_gap_where_the_agreed_position_takes_no_target():
    # A context factor's agreed position has no target: the answers' targets do not stand in.
    assert item_gap(agreed_current=2, agreed_target=None, currents=[1, 2], targets=[4, 4]) is None
