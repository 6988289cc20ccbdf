"""Peer groups of anonymous places (reports.compare.peer_groups), decided by the data alone."""

from reports.compare import peer_groups


def _places(**regions: int) -> dict[int, str]:
    """Place ids numbered in turn, so many in each region (`none`: no region)."""
    ids = iter(range(1, 1000))
    named = {r: "" if r == "none" else r.replace("_", "-") for r in regions}
    return {next(ids): named[region] for region, n in regions.items() for _ in range(n)}


def test_it_groups_a_region_only_with_at_least_the_minimum_places(settings):
    settings.COMPARE_MIN_GROUP = 5
    groups = peer_groups(_places(london=5, east=6, midlands=4, south_west=1))
    assert sorted(set(groups.values())) == ["east", "london"]
    assert len(groups) == 11  # the five left outside every group are listed only unfiltered


def test_it_joins_the_smallest_group_to_too_few_left_outside(settings):
    settings.COMPARE_MIN_GROUP = 5
    groups = peer_groups(_places(london=5, east=6, midlands=2))
    # Two left outside would be told apart from the list of all: London's five join them.
    assert set(groups.values()) == {"east"}


def test_it_forms_no_group_from_places_without_a_region(settings):
    settings.COMPARE_MIN_GROUP = 2
    assert peer_groups(_places(none=3)) == {}
