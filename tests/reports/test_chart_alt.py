"""reports.chart_alt: each PDF chart's message in words, from plain values (no DB)."""

from types import SimpleNamespace

from assessment.results import ItemScores, item_result
from reports.analysis import gap_analysis
from reports.chart_alt import (
    distribution_alt,
    factor_radar_alt,
    lessons_chart_alt,
    overlay_radar_alt,
)
from reports.compare import Factor

MATRIX_LEVELS = ((1, "Emerging"), (2, "Developed"), (3, "Well developed"), (4, "Extensive"))
LESSON_LEVELS = ((0, "Not yet addressed"), (1, "Starting"), (2, "Established"), (3, "Embedded"))


def agreed(title, current, target, *, kind="factor", number=1):
    """An item whose current and target the team agreed."""
    return item_result(
        ItemScores(
            key=title.lower().replace(" ", "-"),
            title=title,
            kind=kind,
            levels=MATRIX_LEVELS if kind == "factor" else LESSON_LEVELS,
            descriptors={},
            currents=(),
            targets=(),
            agreed_current=current,
            agreed_target=target,
            number=number,
        )
    )


def radar_alt(factors):
    return factor_radar_alt(place="Northmoor", factors=factors, gaps=gap_analysis(factors, []))


# --- the report ---------------------------------------------------------------------------------


def test_it_says_where_most_factors_stand_and_names_the_two_largest_gaps():
    factors = [
        agreed("Impact", 2, 2),
        agreed("Place", 3, 3),
        agreed("Workforce", 2, 3),
        agreed("Governance", 1, 3),
        agreed("Leadership", 2, 4),
    ]
    alt = radar_alt(factors)
    assert alt.startswith("Radar chart of the 5 factors: the answers place Northmoor at level 2")
    assert "at level 2 on most factors" in alt
    assert "largest gaps to target are Governance (from 1 to 3) and Leadership (from 2 to 4)" in alt
    assert alt.endswith("The numbers are in the table below.")


def test_it_names_the_highest_and_lowest_factors_when_no_two_levels_hold_most():
    factors = [agreed("Impact", 1, 2), agreed("Place", 4, 4), agreed("Workforce", 1, 4)]
    factors += [agreed("Governance", 4, 4)]
    alt = radar_alt(factors)
    assert "highest on Place and Governance (4) and lowest on Impact and Workforce (1)" in alt
    assert "the largest gaps to target are Workforce (from 1 to 4) and Impact (from 1 to 2)" in alt


def test_it_says_when_nothing_is_scored_or_every_target_is_met():
    assert radar_alt([agreed("Impact", None, None)]).endswith("no factor is scored yet.")
    met = radar_alt([agreed("Impact", 3, 2), agreed("Place", 3, 3)])
    assert "every factor with a target stands at or above it" in met


def test_it_counts_the_lessons_at_each_level_and_names_the_furthest_from_target():
    lessons = [
        agreed("Share a vision", 0, 2, kind="lesson", number=1),
        agreed("Pool budgets", 1, 2, kind="lesson", number=2),
        agreed("Build trust", 1, 1, kind="lesson", number=3),
        agreed("Measure outcomes", 3, 3, kind="lesson", number=4),
    ]
    alt = lessons_chart_alt(lessons)
    assert "1 at level 3 (Embedded), 2 at level 1 (Starting) and 1 at level 0" in alt
    assert (
        "the largest gaps to target are lesson 1, Share a vision (from 0 to 2) "
        "and lesson 2, Pool budgets (from 1 to 2)"
    ) in alt


# --- the comparison -----------------------------------------------------------------------------

FACTORS = [Factor("impact", "Impact", False), Factor("governance", "Governance", False)]


def column(label, **values):
    return SimpleNamespace(label=label, values=values)


def test_it_names_the_rounds_highest_and_lowest_on_average_and_where_they_differ_most():
    rounds = [
        column("Riverside, 2026 Q2", impact=2, governance=4),
        column("Westfield, 2026 Q2", impact=1, governance=1),
        column("Anonymous ABC, 2025 Q4", impact=2, governance=3),
    ]
    alt = overlay_radar_alt(rounds, FACTORS)
    assert alt.startswith("Radar chart of 3 rounds on the 2 factors they share:")
    assert "Riverside, 2026 Q2 stands highest (3) and Westfield, 2026 Q2 lowest (1)" in alt
    assert "they differ most, by 3 levels, on Governance" in alt


def test_it_says_when_the_rounds_stand_level_on_average():
    rounds = [
        column("A, 2026 Q2", impact=1, governance=3),
        column("B, 2026 Q2", impact=3, governance=1),
    ]
    alt = overlay_radar_alt(rounds, FACTORS)
    assert "on average the rounds stand level (2); they differ most, by 2 levels, on" in alt


def test_it_describes_one_round_by_its_highest_and_lowest_factor():
    alt = overlay_radar_alt([column("Riverside, 2026 Q2", impact=2.5, governance=4)], FACTORS)
    assert "Riverside, 2026 Q2 stands highest on Governance (4) and lowest on Impact (2.5)" in alt


def summary_row(factor, *, count, median=None, hidden=False, chosen=()):
    return {"factor": factor, "count": count, "hidden": hidden, "median": median, "chosen": chosen}


def test_it_gives_the_medians_and_each_round_against_them():
    riverside = column("Riverside, 2026 Q2")
    summary = [
        summary_row(FACTORS[0], count=6, median=2, chosen=[(riverside, 3)]),
        summary_row(FACTORS[1], count=6, median=3.5, chosen=[(riverside, 4)]),
    ]
    alt = distribution_alt(summary, smallest_shown=5)
    assert "(6 rounds)" in alt
    assert "the median is highest on Governance (3.5) and lowest on Impact (2)" in alt
    assert "Riverside, 2026 Q2 stands above the median on 2 factors and below it on 0" in alt


def test_it_never_describes_a_factor_shared_by_too_few_places():
    summary = [
        summary_row(FACTORS[0], count=6, median=2),
        summary_row(FACTORS[1], count=3, median=4, hidden=True),
    ]
    alt = distribution_alt(summary, smallest_shown=5)
    assert "no place's level is shown on Governance: fewer than 5 share" in alt
    assert "the median is at 2 on Impact;" in alt
    assert "4" not in alt  # Governance's median
