"""The agreement figures a facilitator reads out: pure functions, no database."""

import pytest

from assessment.agreement import (
    NOT_RECORDED,
    POOLED,
    agreement,
    by_sector,
    following,
    pooled,
    quartiles,
    split_first,
    suggestion,
)

SECTORS = [("nhs-provider", "NHS provider"), ("local-authority", "Local authority")]


def test_it_reads_the_figures_of_a_split_item(settings):
    # SCIROCCO's rule, whatever the environment sets: the four 4s, two levels above the median
    # of 2, are more than the three answers outside the band it allows.
    settings.AGREEMENT_BAND, settings.AGREEMENT_MAX_OUTSIDE = 1, 3
    figures = agreement([1, 1, 1, 1, 2, 4, 4, 4, 4])
    assert (figures.count, figures.median) == (9, 2)
    assert (figures.lower_quartile, figures.upper_quartile) == (1, 4)
    assert figures.interquartile_range == 3
    assert (figures.near_median, figures.near_median_percent) == (5, 56)
    assert figures.spread.outside == 4
    assert figures.split


def test_it_leaves_out_unanswered_items():
    assert agreement([None, 3, None, 3]).count == 2
    assert agreement([None, 3, None, 3]).near_median_share == 1.0


def test_it_reads_one_answer_as_full_agreement():
    figures = agreement([3])
    assert (figures.median, figures.interquartile_range, figures.near_median_percent) == (3, 0, 100)
    assert not figures.split


def test_it_has_no_figures_without_answers():
    figures = agreement([None])
    assert figures.count == 0
    assert figures.median is None and figures.interquartile_range is None
    assert figures.near_median_share is None and figures.near_median_percent is None
    assert not figures.split


def test_it_counts_answers_within_one_level_of_a_half_level_median():
    # Median 2.5: 2 and 3 are within one level; 1 and 4 are not.
    figures = agreement([1, 2, 3, 4])
    assert figures.median == 2.5
    assert figures.near_median == 2


def test_it_interpolates_quartiles_as_a_spreadsheet_does():
    # QUARTILE.INC of 1, 2, 3, 4 is 1.75 and 3.25.
    assert quartiles([4, 1, 3, 2]) == (1.75, 3.25)
    assert quartiles([2, 2, 2, 3, 3]) == (2, 3)


def test_it_refuses_quartiles_of_no_answers():
    with pytest.raises(ValueError):
        quartiles([])


def test_it_suggests_the_median_with_how_many_answers_it_rests_on():
    assert suggestion([1, 2, 2, 3, None]) == "Suggestion: 2 — the median of 4 answers."
    assert suggestion([3]) == "Suggestion: 3 — the median of 1 answer."


def test_it_suggests_both_levels_either_side_of_a_half_level_median():
    assert suggestion([2, 3]) == "Suggestion: 2 or 3 — the median of 2 answers is 2.5."


def test_it_suggests_nothing_without_answers():
    assert suggestion([None, None]) == "No answers to suggest a level from."


def test_it_groups_answers_by_sector_in_the_sectors_order_with_not_recorded_last():
    answers = [("", 4), ("local-authority", 1), ("nhs-provider", 3), ("nhs-provider", 2)]
    groups = by_sector(answers, SECTORS)
    assert [(g.label, g.count, g.median, g.min, g.max) for g in groups] == [
        ("NHS provider", 2, 2.5, 2, 3),
        ("Local authority", 1, 1, 1, 1),
        (NOT_RECORDED, 1, 4, 4, 4),
    ]


def test_it_leaves_out_sectors_nobody_answered_from():
    groups = by_sector([("local-authority", 2), ("nhs-provider", None)], SECTORS)
    assert [g.sector for g in groups] == ["local-authority"]


def test_it_counts_an_unknown_sector_as_not_recorded():
    groups = by_sector([("retired", 2), ("", 4)], SECTORS)
    assert [(g.sector, g.label, g.count, g.median) for g in groups] == [("", NOT_RECORDED, 2, 3)]


def test_it_puts_split_items_first_keeping_each_group_s_order():
    items = ["a", "B", "c", "D", "e"]
    assert split_first(items, split=str.isupper) == ["B", "D", "a", "c", "e"]


def test_it_finds_the_item_that_follows():
    order = ["B", "D", "a"]
    assert following(order, "B") == "D"
    assert following(order, "D") == "a"
    assert following(order, "a") is None
    assert following(order, "z") is None


def test_it_pools_sectors_shared_by_fewer_than_three_answers():
    sectors = ["nhs-provider"] * 3 + ["local-authority"] + ["voluntary"] * 2
    assert pooled(sectors, at_least=3) == ["nhs-provider"] * 3 + [POOLED] * 3


def test_it_pools_a_sector_it_could_show_when_the_pool_alone_would_be_too_small():
    # One answer pooled alone would be read off the totals less the sectors shown.
    sectors = ["nhs-provider"] * 4 + ["local-authority"] * 3 + ["voluntary"]
    assert pooled(sectors, at_least=3) == ["nhs-provider"] * 4 + [POOLED] * 4


def test_it_pools_every_sector_when_none_can_be_shown():
    assert pooled(["nhs-provider", "", "nhs-provider"], at_least=3) == [POOLED] * 3


def test_it_lists_pooled_answers_last_as_other_sectors_or_all_sectors():
    answers = [(POOLED, 1), ("nhs-provider", 2), (POOLED, 3), ("", 2)]
    assert [(g.label, g.count) for g in by_sector(answers, SECTORS)] == [
        ("NHS provider", 1),
        (NOT_RECORDED, 1),
        ("Other sectors (pooled)", 2),
    ]
    assert [g.label for g in by_sector([(POOLED, 1)], SECTORS)] == ["All sectors (pooled)"]
