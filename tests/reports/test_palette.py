"""The charts' and the heat map's colours meet WCAG 2.2's contrast for graphics (1.4.11, 3:1)
and text (1.4.3, 4.5:1), measured on the colours the figures and stylesheets really use."""

import re
from itertools import pairwise
from pathlib import Path

import pytest

from reports.charts import INK, TARGET, factor_radar, lessons_chart
from reports.compare_charts import OVERLAY_MOST, distribution_chart, overlay_radar, small_radars

from .test_charts import LEVELS, comparison_of, nine_factors, place_round, shared_factors

ROOT = Path(__file__).resolve().parents[2]
WHITE = "#ffffff"
GRAPHICS, TEXT = 3.0, 4.5


def luminance(colour: str) -> float:
    """Relative luminance of an sRGB "#rrggbb" colour, as WCAG 2.x defines it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def on_white(colour: str) -> str:
    """An "rgba(r, g, b, a)" fill as the colour it shows over the white of the chart."""
    *rgb, alpha = (float(n) for n in re.findall(r"[\d.]+", colour))
    return "#" + "".join(f"{round(c * alpha + 255 * (1 - alpha)):02x}" for c in rgb)


def overlay_series():
    """The colours, dashes and markers of the most rounds one radar draws, in legend order."""
    rounds = [place_round(f"Place {n}", {"impact": n % 4 + 1}) for n in range(OVERLAY_MOST)]
    fig = overlay_radar(rounds, shared_factors(), list(LEVELS))
    return [(t.line.color, t.line.dash, t.marker.symbol) for t in fig.data]


def test_it_draws_every_round_of_the_overlay_at_3_to_1_against_white():
    colours = [colour for colour, _, _ in overlay_series()]
    assert len(colours) == OVERLAY_MOST
    assert {c: round(contrast(c, WHITE), 2) for c in colours if contrast(c, WHITE) < GRAPHICS} == {}


def test_it_sets_each_round_at_3_to_1_against_its_neighbours_in_the_key():
    # Neighbours: the rounds before and after it in legend order (compare_charts.SERIES).
    colours = [colour for colour, _, _ in overlay_series()]
    assert min(contrast(a, b) for a, b in pairwise(colours)) >= GRAPHICS


def test_it_sets_every_dark_round_at_3_to_1_against_every_mid_one():
    # The colours alternate between two bands, so any two an odd number of places apart in the
    # key differ by 3:1 wherever their lines cross, not only neighbours.
    colours = [colour for colour, _, _ in overlay_series()]
    apart = [(a, b) for i, a in enumerate(colours) for b in colours[i + 1 :: 2]]
    assert min(contrast(a, b) for a, b in apart) >= GRAPHICS


def test_it_tells_rounds_of_one_lightness_apart_by_dash_and_marker():
    series = overlay_series()
    assert len({dash for _, dash, _ in series}) == len({marker for _, _, marker in series}) == 6


def test_it_rings_the_distribution_s_markers_in_white():
    # A marker over the grey box or over another marker is set off by its white ring, which is
    # at 3:1 against every marker's colour.
    rounds = [place_round(f"Place {n}", {"impact": n % 4 + 1}) for n in range(OVERLAY_MOST)]
    marked = distribution_chart(comparison_of(rounds)).data[9:]
    assert len(marked) == OVERLAY_MOST
    for trace in marked:
        assert (trace.marker.line.color, trace.marker.line.width > 0) == ("white", True)
        assert contrast(trace.marker.color, WHITE) >= GRAPHICS


def test_it_sets_now_and_target_at_3_to_1_against_white_and_each_other():
    by_name = {trace.name: trace for trace in factor_radar(nine_factors()).data}
    now, target = by_name["Now (agreed, or median)"].line.color, by_name["Target"].line.color
    assert (now, target) == (INK, TARGET)  # the lessons' markers too
    assert min(contrast(now, WHITE), contrast(target, WHITE), contrast(now, target)) >= GRAPHICS


def test_it_edges_the_range_of_answers_at_3_to_1():
    band = factor_radar(nine_factors()).data[0]
    lessons = lessons_chart(nine_factors()).data[0]
    assert band.name == lessons.name == "Range of answers"
    for trace in (band, lessons):
        edge, fill = trace.line.color, trace.fillcolor
        assert contrast(edge, WHITE) >= GRAPHICS
        # The fill may stay light: it is the edge that marks where the range ends.
        assert contrast(edge, on_white(fill)) >= GRAPHICS
        assert trace.line.width >= 1


def test_it_sets_the_median_of_the_chosen_rounds_apart_in_every_small_radar():
    many = [place_round(f"Place {n}", {"impact": n % 4 + 1}) for n in range(OVERLAY_MOST + 1)]
    fig = small_radars(many, shared_factors(), list(LEVELS))
    median = next(t for t in fig.data if t.name == "Median of the chosen rounds")
    round_ = fig.data[1]
    reference, line, fill = median.line.color, round_.line.color, on_white(round_.fillcolor)
    assert min(contrast(reference, c) for c in (WHITE, line, fill)) >= GRAPHICS
    assert contrast(line, WHITE) >= GRAPHICS


# --- the heat map ---------------------------------------------------------------------------


def heat_levels(css: str) -> dict[str, dict[str, str]]:
    """Each `.heat-<level>` rule's custom properties: --heat-fill, --heat-ink and --heat-ring."""
    levels = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if found := re.fullmatch(r"(?:\.heatmap )?\.heat-(\w+)", selector.strip()):
            pairs = (d.split(":", 1) for d in body.split(";") if d.strip())
            levels[found[1]] = {k.strip(): v.strip() for k, v in pairs}
    return levels


def stylesheets():
    page = (ROOT / "static/css/app.css").read_text()
    template = (ROOT / "templates/reports/compare_print.html").read_text()
    return {"page": page, "print": template[template.index("<style>") : template.index("</style>")]}


@pytest.fixture(params=["page", "print"])
def heat_map(request):
    css = stylesheets()[request.param]
    # The cell takes its fill, text and ring from its level's properties, or they prove nothing.
    cell = " ".join(re.findall(r"td\.heat \{([^{}]*)\}", css))
    assert "background-color: var(--heat-fill)" in cell and "color: var(--heat-ink)" in cell
    assert re.search(r"box-shadow: inset 0 0 0 [\d.]+p[xt] var\(--heat-ring\)", cell)
    return heat_levels(css)


def test_it_colours_the_heat_map_alike_on_the_page_and_in_print():
    page, printed = (heat_levels(css) for css in stylesheets().values())
    assert page == printed
    assert set(page) == {"0", "1", "2", "3", "4", "none"}


def test_it_prints_every_heat_map_number_at_4_5_to_1_against_its_cell(heat_map):
    for level, colours in heat_map.items():
        assert contrast(colours["--heat-ink"], colours["--heat-fill"]) >= TEXT, level


def test_it_darkens_the_heat_map_level_by_level(heat_map):
    fills = [heat_map[level]["--heat-fill"] for level in ("none", "0", "1", "2", "3", "4")]
    assert [luminance(c) for c in fills] == sorted((luminance(c) for c in fills), reverse=True)


def test_it_rings_every_heat_map_cell_at_3_to_1_against_its_fill(heat_map):
    for level, colours in heat_map.items():
        assert contrast(colours["--heat-ring"], colours["--heat-fill"]) >= GRAPHICS, level


def test_it_parts_abutting_heat_map_cells_at_3_to_1_whatever_their_levels(heat_map):
    # Two cells side by side meet fill | ring | ring | fill: each ring is 3:1 against its own
    # fill (above), and two rings either match, and draw no edge, or are 3:1 apart.
    rings = {colours["--heat-ring"] for colours in heat_map.values()}
    assert all(a == b or contrast(a, b) >= GRAPHICS for a in rings for b in rings)
