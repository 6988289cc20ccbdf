"""Placing a round's levels on another framework's items (reports.compare_mapping): pure, no
database."""

from reports.compare_mapping import End, Scored, frameworks_linked, place, place_on


def end(framework, key, *, version_id=1, version="1.0", low=1, high=4, position=0) -> End:
    major, minor = (int(part) for part in version.split("."))
    title = key.replace("-", " ").capitalize()
    return End(framework, version_id, version, major, minor, key, title, position, low, high)


# The round's framework, "ready" (0–3, version 10), declares links to the matrix 1.1 (1–4).
COMMON = end("ready", "common-cause", version_id=10, low=0, high=3)
BUDGETS = end("ready", "pool-budgets", version_id=10, low=0, high=3, position=1)
GOVERNANCE = end("matrix", "governance", version_id=2, version="1.1", position=7)
LEADERSHIP = end("matrix", "leadership", version_id=2, version="1.1", position=8)
LINKS = [(COMMON, GOVERNANCE), (COMMON, LEADERSHIP), (BUDGETS, GOVERNANCE)]


def _on_matrix(values: dict, links=LINKS):
    return place(
        links,
        framework="ready",
        version_id=10,
        version="1.0",
        values=values,
        targets={},
        onto="matrix",
    )


def test_it_places_a_level_at_the_same_point_of_a_scale_of_another_range():
    placed = _on_matrix({"common-cause": 0, "pool-budgets": 3})
    assert placed.values["leadership"] == 1  # the lowest of 0–3 is the lowest of 1–4
    assert _on_matrix({"common-cause": 1.5}).values["leadership"] == 2.5


def test_it_gives_an_item_several_items_map_to_the_lowest_of_their_levels():
    placed = _on_matrix({"common-cause": 3, "pool-budgets": 1})
    assert placed.values["governance"] == 2
    assert placed.sources["governance"] == ["common-cause", "pool-budgets"]


def test_it_leaves_out_a_level_nobody_gave_rather_than_reading_it_as_the_lowest():
    placed = _on_matrix({"common-cause": 3, "pool-budgets": None})
    assert placed.values["governance"] == 4
    assert _on_matrix({}).values == {"governance": None, "leadership": None}


def test_it_keeps_a_level_as_it_is_on_a_scale_of_the_same_range():
    same = [(end("ready", "common-cause", version_id=10), GOVERNANCE)]
    assert _on_matrix({"common-cause": 3}, same).values == {"governance": 3}


def test_it_lists_the_compared_items_in_their_framework_s_order():
    assert list(_on_matrix({}).onto) == ["governance", "leadership"]
    assert _on_matrix({}).version == "matrix 1.1"


def test_it_places_nothing_where_no_link_joins_the_two_frameworks():
    assert _on_matrix({"common-cause": 3}, []) is None
    lessons = [(end("lessons", "lesson-01"), GOVERNANCE)]
    assert _on_matrix({"common-cause": 3}, lessons) is None


def test_it_reads_links_either_way_round():
    # A matrix round placed on "ready" through the links "ready" declared.
    placed = place(
        LINKS,
        framework="matrix",
        version_id=2,
        version="1.1",
        values={"governance": 4, "leadership": 2},
        targets={},
        onto="ready",
    )
    assert placed.values == {"common-cause": 1, "pool-budgets": 3}
    assert placed.source == "matrix 1.1"


def test_it_prefers_the_links_of_the_round_s_own_version():
    older = end("matrix", "governance", version_id=1, version="1.0", position=7)
    newer_version_links = [(end("ready", "common-cause", version_id=11, version="2.0"), older)]
    placed = place(
        [*newer_version_links, (COMMON, LEADERSHIP)],
        framework="matrix",
        version_id=1,
        version="1.0",
        values={"governance": 3, "leadership": 1},
        targets={},
        onto="ready",
    )
    assert list(placed.onto) == ["common-cause"]
    assert placed.onto["common-cause"].version == "2.0"
    assert placed.values == {"common-cause": 3}


def test_it_takes_the_newest_compared_version_when_the_round_s_own_declares_none():
    newer = end("ready", "common-cause", version_id=11, version="2.0", low=0, high=3)
    placed = place(
        [(COMMON, GOVERNANCE), (newer, LEADERSHIP)],
        framework="matrix",
        version_id=99,  # a matrix version no link names: matched by item key
        version="1.2",
        values={"governance": 4, "leadership": 1},
        targets={},
        onto="ready",
    )
    assert placed.values == {"common-cause": 0}
    assert placed.onto["common-cause"].version == "2.0"


def test_it_places_from_the_first_framework_the_round_pinned_that_maps():
    lessons = Scored(5, "lessons", "1.1", values={"lesson-01": 3})
    ready = Scored(10, "ready", "1.0", values={"common-cause": 0})
    placed = place_on(LINKS, [lessons, ready], "matrix")
    assert placed.source == "ready 1.0"
    assert place_on(LINKS, [lessons], "matrix") is None


def test_it_names_the_frameworks_linked_either_way():
    assert frameworks_linked(LINKS, "ready") == {"matrix"}
    assert frameworks_linked(LINKS, "matrix") == {"ready"}
    assert frameworks_linked(LINKS, "lessons") == set()
