"""reports.charts: the figures the page draws with plotly.js and the PDF exports as SVG."""

import html
import json
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest

from assessment.results import ItemScores, item_result
from reports.chart_export import figures_to_svg
from reports.charts import FONT, PRINT_FONT, factor_radar, in_print, lessons_chart
from reports.compare import Crowd, Factor
from reports.compare_charts import distribution_chart, overlay_radar, trend_chart

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


def test_it_breaks_the_target_line_at_a_factor_without_a_target():
    # Place is context: no target, so the dashed line must not cross its spoke as if it had one.
    factors = nine_factors()
    factors[1] = item_result(replace(factors[1].scores, is_context=True))
    target = traces(factor_radar(factors))["Target"]
    assert target.r[1] is None
    assert target.connectgaps is False


def test_it_gives_the_radar_most_of_a_phone_s_width():
    # A 390 px screen leaves the chart a column of about 366 px; plotly.js lays the phone's
    # layout over the figure's own there (static/js/charts.js).
    narrow = factor_radar(nine_factors()).layout.meta["narrow"]
    margin = narrow["margin"]
    assert 366 - margin["l"] - margin["r"] >= 0.6 * 366
    assert narrow["polar"]["domain"] == {"x": [0, 1], "y": [0, 1]}
    assert narrow["height"] - margin["t"] - margin["b"] <= 366 - margin["l"] - margin["r"] + 20


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
    assert len(set(rows)) == 16
    names = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True))
    assert names[rows[0]].startswith("1. Lesson number 1 ")


def test_it_sets_the_lessons_closer_in_print_with_the_same_type():
    fig = lessons_chart(sixteen_lessons())
    printed = in_print(fig)
    assert printed.layout.height < 0.85 * fig.layout.height  # fits under a section's end
    assert printed.layout.yaxis.tickfont.size == fig.layout.yaxis.tickfont.size
    assert fig.layout.meta["narrow"]  # the phone's layout is kept beside it
    assert in_print(factor_radar(nine_factors())).layout.height == 600  # the radar as drawn


def test_it_sets_the_pdf_s_charts_in_the_pdf_s_type_and_keeps_the_page_s():
    for fig in (factor_radar(nine_factors()), lessons_chart(sixteen_lessons())):
        assert in_print(fig).layout.font.family == PRINT_FONT
        assert fig.layout.font.family == FONT


def test_it_gives_figures_the_page_can_draw_from_json():
    # The page embeds fig.to_json(); it must be plain JSON with the traces in it.
    figure = json.loads(factor_radar(nine_factors()).to_json())
    assert [t["name"] for t in figure["data"]][-1] == "Target"


# --- what a reader sees: nothing clipped, cut short or hidden --------------------------------

# The framework's longest lesson names, as the report prints them.
LONG_LESSONS = (
    "Innovate in the use of commissioning, contracting and payment mechanisms and use of the "
    "independent sector",
    "Identify services and user groups where the potential benefits from integrated care are "
    "greatest",
    "Establish shared leadership",
)


def lines_of(label: str) -> list[str]:
    return [html.unescape(line) for line in label.split("<br>")]


def shared_factors():
    return [Factor(title.lower().replace(" ", "-"), title, False) for title in FACTOR_TITLES]


def comparison_of(rounds):
    factors = shared_factors()
    distribution = {f.key: Crowd.of([1, 2, 2, 3, 4], 5) for f in factors}
    return SimpleNamespace(
        rounds=rounds, factors=factors, levels=list(LEVELS), distribution=distribution
    )


def place_round(label: str, values: dict, period: str = "2026 Q2"):
    return SimpleNamespace(label=label, values=values, assessment=SimpleNamespace(period=period))


def both_radars():
    rounds = [place_round(f"Place {n}", {f.key: 4 for f in shared_factors()}) for n in range(3)]
    return [factor_radar(nine_factors()), overlay_radar(rounds, shared_factors(), list(LEVELS))]


@pytest.mark.parametrize("which", [0, 1], ids=["report radar", "comparison radar"])
def test_it_draws_the_radar_s_outer_ring_with_room_outside_it(which):
    axis = both_radars()[which].layout.polar.radialaxis
    # A ring at every level, level 4 included, and space past it for a marker on that ring.
    assert list(axis.tickvals) == [1, 2, 3, 4]
    assert axis.range[0] == 0
    assert 4.2 <= axis.range[1] <= 4.6


@pytest.mark.parametrize("which", [0, 1], ids=["report radar", "comparison radar"])
def test_it_numbers_the_radar_s_rings_along_one_line_between_two_spokes(which):
    polar = both_radars()[which].layout.polar
    spokes = {(90 - 360 * n / 9) % 360 for n in range(9)}  # clockwise from the top
    angle = polar.radialaxis.angle % 360
    assert min(abs(angle - spoke) for spoke in spokes) == pytest.approx(20)
    assert polar.radialaxis.showline is False  # no tenth line mistaken for a spoke


def every_figure() -> dict:
    rounds = [place_round("Riverside Borough, 2026 Q2", {"impact": 4})]
    lessons = [
        scored(title, (1, 2), (3, 3), kind="lesson", number=n)
        for n, title in enumerate(LONG_LESSONS, start=1)
    ]
    return {
        "radar": factor_radar(nine_factors()),
        "lessons": lessons_chart(lessons),
        "overlay": overlay_radar(rounds, shared_factors(), list(LEVELS)),
        "distribution": distribution_chart(comparison_of(rounds)),
        "trend": trend_of_four_rounds()[0],
    }


@pytest.mark.parametrize("name", ["radar", "lessons", "overlay", "distribution", "trend"])
def test_it_draws_no_title_over_the_section_heading(name):
    assert every_figure()[name].layout.title.text is None


def test_it_names_every_lesson_in_full_over_at_most_two_lines():
    lessons = [
        scored(title, (1, 2), (3, 3), kind="lesson", number=n)
        for n, title in enumerate(LONG_LESSONS, start=1)
    ]
    names = lessons_chart(lessons).layout.yaxis.ticktext
    assert [" ".join(lines_of(name)) for name in names] == [
        f"{n}. {title}" for n, title in enumerate(LONG_LESSONS, start=1)
    ]
    assert all(len(lines_of(name)) <= 2 for name in names)
    assert not any("…" in name for name in names)


def test_it_keeps_every_lesson_name_whole_on_a_phone_too():
    lessons = [scored(LONG_LESSONS[0], (1, 2), (3, 3), kind="lesson", number=9)]
    narrow = lessons_chart(lessons).layout.meta["narrow"]
    [name] = narrow["yaxis"]["ticktext"]
    assert " ".join(lines_of(name)) == f"9. {LONG_LESSONS[0]}"


def trend_of_four_rounds():
    factors = shared_factors()
    rounds = [
        place_round("Riverside", {f.key: 1 + (n + i) % 4 for i, f in enumerate(factors)}, period)
        for n, period in enumerate(["2025 Q2", "2025 Q4", "2026 Q2", "2026 Q4"])
    ]
    return trend_chart(rounds, factors, list(LEVELS)), factors


def test_it_draws_each_factor_s_trend_in_its_own_small_chart():
    fig, factors = trend_of_four_rounds()
    titles = [a.text for a in fig.layout.annotations]
    assert titles == list(FACTOR_TITLES)
    axes = [(trace.xaxis, trace.yaxis) for trace in fig.data]
    assert len(set(axes)) == len(factors) == 9  # one line a chart
    assert [t.name for t in fig.data] == list(FACTOR_TITLES)


def test_it_gives_every_small_chart_the_same_scales():
    fig, _ = trend_of_four_rounds()
    layout = fig.layout.to_plotly_json()
    levels = {tuple(v["range"]) for k, v in layout.items() if k.startswith("yaxis")}
    rounds = {tuple(v["range"]) for k, v in layout.items() if k.startswith("xaxis")}
    assert levels == {(0.7, 4.3)}
    assert len(rounds) == 1
    assert {tuple(trace.x) for trace in fig.data} == {("2025 Q2", "2025 Q4", "2026 Q2", "2026 Q4")}


def test_it_stacks_the_small_charts_in_one_column_on_a_phone():
    fig, _ = trend_of_four_rounds()
    narrow = fig.layout.meta["narrow"]
    across = {tuple(v["domain"]) for k, v in narrow.items() if k.startswith("xaxis")}
    down = sorted(tuple(v["domain"]) for k, v in narrow.items() if k.startswith("yaxis"))
    assert across == {(0.0, 1.0)}
    assert len(down) == 9
    assert all(upper < lower for (_, upper), (lower, _) in zip(down, down[1:], strict=False))


def test_it_breaks_the_factor_names_under_the_boxes_between_words_only():
    fig = distribution_chart(comparison_of([place_round("Place", {})]))
    names = [trace.name for trace in fig.data if trace.type == "box"]
    assert lines_of(names[5]) == ["Commissioning", "and payment"]
    for name, title in zip(names, FACTOR_TITLES, strict=True):
        assert " ".join(lines_of(name)) == title
        assert all(set(line.split()) <= set(title.split()) for line in lines_of(name))


def test_it_tells_six_rounds_apart_without_colour():
    # Six at most share one radar (compare_charts.OVERLAY_MOST); more get a radar each.
    rounds = [place_round(f"Place {n}", {"impact": n % 4 + 1}) for n in range(6)]
    overlay = overlay_radar(rounds, shared_factors(), list(LEVELS))
    marked = distribution_chart(comparison_of(rounds)).data[9:]
    assert len({(t.line.dash, t.marker.symbol) for t in overlay.data}) == 6
    assert len({t.marker.symbol for t in marked}) == 6


@pytest.mark.chromium
def test_it_exports_every_chart_whole_to_the_pdf_s_svg():
    # Real Chromium through kaleido: the text a reader of the PDF sees, line by line.
    figures = every_figure()
    svgs = dict(zip(figures, figures_to_svg(list(figures.values())), strict=True))
    texts = {name: set(re.findall(r">([^<>]+)<", svg)) for name, svg in svgs.items()}
    assert {"Impact", "4", "Target"} <= texts["radar"]
    lesson_lines = [
        line for name in figures["lessons"].layout.yaxis.ticktext for line in lines_of(name)
    ]
    assert set(lesson_lines) <= {html.unescape(text) for text in texts["lessons"]}
    assert not any("…" in text for text in texts["lessons"])
    assert {"Commissioning", "and payment"} <= texts["distribution"]
    assert "Riverside Borough, 2026 Q2" in texts["overlay"]
    assert set(FACTOR_TITLES) <= texts["trend"]


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
        rounds=rounds, factors=factors, levels=levels, distribution={"impact": Crowd.of([1, 2], 2)}
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


@pytest.mark.chromium
def test_it_draws_escaped_markup_as_plain_text_in_the_pdf_s_svg():
    # Real Chromium: the legend reads the period's characters, and the SVG holds no link.
    rounds = [_round("2025"), _round(LINK)]
    figure = overlay_radar(rounds, [Factor("impact", "Impact", False)], [(1, "A"), (2, "B")])
    [svg] = figures_to_svg([figure])
    assert "<a " not in svg
    text = " ".join(html.unescape(node) for node in re.findall(r">([^<>]+)<", svg))
    assert f"Riverside Borough, {LINK}" in text
