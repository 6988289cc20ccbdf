"""reports.charts: the figures the page draws with plotly.js and the PDF exports as SVG."""

import html
import json
import re
from types import SimpleNamespace

import pytest

from reports.analysis import ItemScores, item_result
from reports.chart_export import figures_to_svg
from reports.charts import (
    distribution_chart,
    factor_radar,
    lessons_chart,
    overlay_radar,
    trend_chart,
)
from reports.compare import Factor

from .rounds import FACTOR_TITLES

LEVELS = ((1, "Emerging"), (2, "Developed"), (3, "Well developed"), (4, "Extensive"))


def scored(title, currents, targets, *, kind="factor", number=1):
    return item_result(
        ItemScores(
            key=title.lower().replace(" ", "-"),
            title=title,
            kind=kind,
            levels=LEVELS,
            descriptors={},
            currents=currents,
            targets=targets,
            number=number,
        )
    )


def nine_factors():
    return [
        scored(title, currents=(1 + n % 3, 2 + n % 3), targets=(4, 4), number=n)
        for n, title in enumerate(FACTOR_TITLES, start=1)
    ]


def sixteen_lessons():
    return [
        scored(
            f"Lesson number {n} with a fairly long title", (2, 3), (3, 3), kind="lesson", number=n
        )
        for n in range(1, 17)
    ]


def traces(fig):
    return {trace.name: trace for trace in fig.data}


def test_it_draws_the_range_now_and_target_on_the_radar():
    fig = factor_radar(nine_factors())
    assert [t.name for t in fig.data] == ["Range of answers", "Now (agreed, or median)", "Target"]


def test_it_plots_each_factors_position_and_target_on_the_radar():
    factors = nine_factors()
    by_name = traces(factor_radar(factors))
    # Each line closes on its first point to draw the polygon.
    assert list(by_name["Now (agreed, or median)"].r[:9]) == [f.current for f in factors]
    assert list(by_name["Target"].r[:9]) == [4] * 9


def test_it_tells_now_from_target_without_colour():
    by_name = traces(factor_radar(nine_factors()))
    now, target = by_name["Now (agreed, or median)"], by_name["Target"]
    # Read in greyscale: a solid line with one marker shape, a dashed line with another.
    assert now.line.dash in (None, "solid")
    assert target.line.dash == "dash"
    assert now.marker.symbol != target.marker.symbol


def test_it_labels_the_radar_with_every_factor_title():
    fig = factor_radar(nine_factors())
    labels = {label.replace("<br>", " ") for label in fig.data[1].theta}
    assert labels == set(FACTOR_TITLES)


def test_it_draws_one_row_a_lesson():
    fig = lessons_chart(sixteen_lessons())
    rows = traces(fig)["Now (agreed, or median)"].y
    assert len(rows) == 16
    assert len(set(rows)) == 16
    assert rows[0].startswith("1. Lesson number 1 ")


def test_it_gives_figures_the_page_can_draw_from_json():
    # The page embeds fig.to_json(); it must be plain JSON with the traces in it.
    figure = json.loads(factor_radar(nine_factors()).to_json())
    assert [t["name"] for t in figure["data"]][-1] == "Target"


# --- text from people and from frameworks is drawn as text ------------------------------------

LINK = '<a href="https://x">x</a>'


def _round(label_period: str, place: str = "Riverside Borough"):
    """A round as a comparison shows it, without a database."""
    assessment = SimpleNamespace(period=label_period)
    return SimpleNamespace(
        label=f"{place}, {label_period}", values={"impact": 2}, assessment=assessment
    )


def _figures_holding(text: str) -> dict:
    factors = [Factor("impact", f"Impact {text}", False)]
    levels = [(1, f"Emerging {text}"), (2, "Developed")]
    rounds = [_round(text)]
    comparison = SimpleNamespace(
        rounds=rounds, factors=factors, levels=levels, distribution={"impact": [1, 2]}
    )
    return {
        "radar": factor_radar([scored(f"Impact {text}", (1, 2), (3, 3))]),
        "lessons": lessons_chart([scored(f"Lesson {text}", (1, 2), (3, 3), kind="lesson")]),
        "overlay": overlay_radar(rounds, factors, levels),
        "distribution": distribution_chart(comparison),
        "trend": trend_chart(rounds, factors, levels, title=f"Place {text} over time"),
    }


@pytest.mark.parametrize("name", ["radar", "lessons", "overlay", "distribution", "trend"])
def test_it_escapes_markup_in_every_label_of_every_figure(name):
    # plotly.js draws a subset of HTML in labels: <a href> would become a live link.
    drawn = _figures_holding(LINK)[name].to_json()
    assert "<a href" not in drawn
    assert "&lt;a" in drawn


def test_it_keeps_an_ampersand_readable():
    fig = overlay_radar([_round("Health & care")], [Factor("impact", "Impact", False)], [(1, "A")])
    assert fig.data[0].name == "Riverside Borough, Health &amp; care"  # plotly.js shows "&"


def test_it_draws_escaped_markup_as_plain_text_in_the_pdf_s_svg():
    # Real Chromium: the legend reads the period's characters, and the SVG holds no link.
    rounds = [_round("2025"), _round(LINK)]
    figure = overlay_radar(rounds, [Factor("impact", "Impact", False)], [(1, "A"), (2, "B")])
    [svg] = figures_to_svg([figure])
    assert "<a " not in svg
    text = " ".join(html.unescape(node) for node in re.findall(r">([^<>]+)<", svg))
    assert f"Riverside Borough, {LINK}" in text
