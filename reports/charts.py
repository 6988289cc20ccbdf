"""Plotly figure builders, shared by the report page (plotly.js) and the PDF (SVG via kaleido).

Readable in greyscale: the current position is a solid line with filled circles, the target a
dashed line with open diamonds, and the range of answers a light band with a grey edge.

Colour is never the only cue, and every line and marker still meets WCAG 2.2's 3:1 for graphics
(1.4.11) against the white it is drawn on and against the line drawn beside it. Two lightness
bands make that possible: a dark colour (relative luminance about 0.03) and a mid one (about
0.215) are each about 4:1 against white and 3.3:1 against each other, so lines drawn together
take one from each band: here now is dark and target mid, and reports.compare_charts.SERIES
alternates them. A light fill carries no meaning alone: its edge does, at 3:1 against white.
tests/reports/test_palette.py measures every one of these pairs.

plotly.js reads a little HTML in every label (titles, trace names, tick labels, hover text), so
a link typed into a period would be drawn as a live link. Every text that goes into a figure
goes through `_text` (or `_wrap`, which uses it): it arrives as characters, never as markup.
"""

import html
import textwrap

import plotly.graph_objects as go

from assessment.results import ItemResult

FONT = "DejaVu Sans"
# The PDF's type, as the Word paper's: Arial, or its metric twin where Arial is not installed.
PRINT_FONT = "Liberation Sans, Arial, sans-serif"
INK = "#163155"  # dark band: navy
TARGET = "#c96400"  # mid band: orange
BAND = "rgba(110, 110, 110, 0.22)"  # the range of answers: a light fill (1.3:1 on white) ...
BAND_EDGE = "#767676"  # ... inside an edge at 4.5:1 against white and 3.5:1 against the fill
BAND_HALF_HEIGHT = 0.18  # of a row, on the lessons chart


def translucent(colour: str, alpha: float) -> str:
    """A "#rrggbb" colour as an rgba() fill, for a shape drawn over lines and grid."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _text(text) -> str:
    """Text for a figure, escaped: plotly.js shows &lt; as "<" and draws no tag from it."""
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int) -> str:
    """Text over lines of about `width` characters, broken between words only, escaped."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(_text(line) for line in lines) or _text(text)


def _level_ticks(levels) -> dict:
    return {
        "tickvals": [v for v, _ in levels],
        # A level without a name (factors name the scale differently) shows as its number.
        "ticktext": [_text(f"{v} {lb}".strip()) for v, lb in levels],
    }


def _layout(fig: go.Figure, *, title: str, width: int, height: int) -> go.Figure:
    """The house style; a builder sets its own margins and legend after this."""
    fig.update_layout(
        font={"family": FONT, "size": 12, "color": "#1b1b1b"},
        width=width,
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0.5, "xanchor": "center"},
    )
    # Every chart sits under a heading that names it, so by default it draws no title of its own.
    if title:
        fig.update_layout(title={"text": _text(title), "x": 0.02, "font": {"size": 16}})
    return fig


def _narrow(fig: go.Figure, layout: dict) -> go.Figure:
    """Layout for a phone's screen, which static/js/charts.js lays over the figure's own there.

    Each top-level key replaces the figure's, one level deep: {"xaxis": {"domain": ...}} keeps
    the axis's other settings. The PDF and a wide screen never see it.
    """
    return fig.update_layout(meta={**(fig.layout.meta or {}), "narrow": layout})


def _in_print(fig: go.Figure, layout: dict) -> go.Figure:
    """Layout for the PDF (`in_print`), kept beside the figure as its phone layout is."""
    return fig.update_layout(meta={**(fig.layout.meta or {}), "print": layout})


def in_print(fig: go.Figure) -> go.Figure:
    """The figure as the PDF draws it: in the PDF's type, and in its print layout, where it has
    one, over its own."""
    layout = (fig.layout.meta or {}).get("print") or {}
    return go.Figure(fig).update_layout(layout, font_family=PRINT_FONT)


NARROW_SPOKE_LINE = 10  # characters to a line of a factor's name on a phone
# Room outside the top level's ring, so a marker on that ring never reaches a factor's name.
RING_ROOM = 0.45


def _polar(levels, spokes: int) -> dict:
    """A radar's axes: a ring at every level, the outermost included, numbered between spokes."""
    low, high = (levels[0][0], levels[-1][0]) if levels else (1, 4)
    # Halfway between the first and last spokes, so a number never sits under a marker.
    between = 90 + 180 / max(spokes, 1)
    radial = {
        "range": [low - 1, high + RING_ROOM],
        "tickvals": [v for v, _ in levels],
        "ticktext": [str(v) for v, _ in levels],
        "angle": between,
        "tickangle": between,  # upright: plotly turns the labels with the axis
        "showline": False,
        "ticks": "",
        "tickfont": {"size": 11, "color": "#555555"},
        "gridcolor": "#c8c8c8",
    }
    angular = {
        "direction": "clockwise",
        "rotation": 90,
        "gridcolor": "#c8c8c8",
        "showline": False,
        # An invisible tick holds each factor's name off the edge of the chart.
        "ticks": "outside",
        "ticklen": 10,
        "tickcolor": "rgba(0, 0, 0, 0)",
    }
    return {"radialaxis": radial, "angularaxis": angular, "bgcolor": "white"}


def factor_radar(factors: list[ItemResult], *, title: str = "") -> go.Figure:
    """Current (agreed or median) and target on each factor, with the range of answers."""
    fig = _layout(go.Figure(), title=title, width=720, height=600)
    if not factors:
        return fig
    theta = [_wrap(f.title, 14) for f in factors]
    lows = [f.current_spread.min for f in factors]
    highs = [f.current_spread.max for f in factors]
    if all(v is not None for v in lows + highs):
        # One closed polygon out along the highs and back along the lows draws a band. Its edge
        # crosses from the highs to the lows along one spoke: the one where answers spread least
        # (none at all where the team agreed), so the crossing is as short as it can be.
        start = min(range(len(factors)), key=lambda i: highs[i] - lows[i])
        ring = [*range(start, len(factors)), *range(start)]
        out, back, spokes = ([values[i] for i in ring] for values in (highs, lows, theta))
        fig.add_trace(
            go.Scatterpolar(
                r=out + [out[0], back[0]] + back[::-1],
                theta=spokes + [spokes[0], spokes[0]] + spokes[::-1],
                fill="toself",
                fillcolor=BAND,
                line={"width": 1, "color": BAND_EDGE},
                mode="lines",
                name="Range of answers",
                hoverinfo="skip",
            )
        )
    now_style = {"line": {"color": INK, "width": 3}, "marker": {"symbol": "circle", "size": 8}}
    target_style = {
        "line": {"color": TARGET, "width": 2.5, "dash": "dash"},
        "marker": {"symbol": "diamond-open", "size": 10, "line": {"width": 2}},
    }
    for name, values, style, bridge in (
        ("Now (agreed, or median)", [f.current for f in factors], now_style, True),
        # A context factor (Place) has no target: the line breaks there rather than cross its
        # spoke, which would read as a target nobody set.
        ("Target", [f.target for f in factors], target_style, False),
    ):
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=theta + theta[:1],
                mode="lines+markers",
                name=name,
                connectgaps=bridge,
                **style,
            )
        )
    polar = _polar(factors[0].scores.levels, len(factors))
    # The factors clockwise from the top in matrix order, wherever the band's outline starts.
    polar["angularaxis"] |= {"categoryorder": "array", "categoryarray": theta}
    fig.update_layout(polar=polar, margin={"l": 100, "r": 100, "t": 40, "b": 70})
    # On a phone the factors' names take fewer, smaller lines, so the radar spans the screen
    # rather than a third of it, and the figure is no taller than the radar and its key.
    names = [_wrap(f.title, NARROW_SPOKE_LINE) for f in factors]
    angular = {
        **polar["angularaxis"],
        "tickmode": "array",
        "tickvals": theta,
        "ticktext": names,
        "tickfont": {"size": 9},
        "ticklen": 4,
    }
    narrow_polar = {**polar, "angularaxis": angular, "domain": {"x": [0, 1], "y": [0, 1]}}
    return _narrow(
        fig,
        {
            "height": 370,
            "polar": narrow_polar,
            # The key above the radar, clear of the names under it.
            "legend": {"y": 1, "yanchor": "top", "yref": "container"},
            "margin": {"l": 62, "r": 62, "t": 78, "b": 44},
        },
    )


LESSON_LINE = 56  # characters to a line of a lesson's name: the longest takes two lines
NARROW_LESSON_LINE = 24  # on a phone


def _lesson_names(lessons: list[ItemResult], width: int) -> list[str]:
    # The whole name, never cut short: a long one wraps onto more lines.
    return [
        _wrap(f"{x.scores.number or i}. {x.title}", width) for i, x in enumerate(lessons, start=1)
    ]


def _lessons_height(names: list[str], line: int, gap: int = 14) -> int:
    return 110 + line * sum(name.count("<br>") + 1 for name in names) + gap * len(names)


def lessons_chart(lessons: list[ItemResult], *, title: str = "") -> go.Figure:
    """Each lesson's current and target, with the range of answers, one row a lesson."""
    names = _lesson_names(lessons, LESSON_LINE)
    fig = _layout(go.Figure(), title=title, width=720, height=_lessons_height(names, 15))
    if not lessons:
        return fig.update_layout(height=300)
    rows = list(range(1, len(lessons) + 1))  # named by the axis, so a phone can wrap the names
    spread = [x.current_spread for x in lessons]
    # A box from the lowest answer to the highest: its edge, unlike a thick line, has one. Drawn
    # as closed outlines of a scatter (the page's plotly.js bundles no bar trace).
    xs, ys = [], []
    for row, s in zip(rows, spread, strict=True):
        if s.count:
            low, high = row - BAND_HALF_HEIGHT, row + BAND_HALF_HEIGHT
            xs += [s.min, s.max, s.max, s.min, s.min, None]
            ys += [low, low, high, high, low, None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=BAND,
            line={"color": BAND_EDGE, "width": 1},
            name="Range of answers",
            hoverinfo="skip",
        )
    )
    hover = {"text": names, "hovertemplate": "%{text}<br>%{x}"}
    fig.add_trace(
        go.Scatter(
            x=[x.current for x in lessons],
            y=rows,
            mode="markers",
            marker={"symbol": "circle", "size": 11, "color": INK},
            name="Now (agreed, or median)",
            **hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[x.target for x in lessons],
            y=rows,
            mode="markers",
            marker={"symbol": "diamond-open", "size": 12, "color": TARGET, "line": {"width": 2}},
            name="Target",
            **hover,
        )
    )
    levels = lessons[0].scores.levels
    fig.update_layout(
        xaxis={
            "range": [levels[0][0] - 0.3, levels[-1][0] + 0.3],
            "tickvals": [v for v, _ in levels],
            "ticktext": [_wrap(f"{v} {lb}".strip(), 12) for v, lb in levels],
            "gridcolor": "#d5d5d5",
            "zeroline": False,
            "side": "top",
            "automargin": True,
        },
        yaxis={
            "tickvals": rows,
            "ticktext": names,
            "range": [len(rows) + 0.6, 0.4],  # the first lesson at the top
            "showgrid": False,
            "zeroline": False,
            "automargin": True,
            "tickfont": {"size": 11},
        },
        margin={"l": 10, "r": 20, "t": 75, "b": 20},
        # The key above the lessons' names: a row under the plot would wrap at its narrow width.
        legend={"orientation": "v", "x": -0.08, "xanchor": "right", "y": 1, "yanchor": "bottom"},
    )
    # In print its rows sit closer, with the same type: a fifth shorter, the chart fits below
    # the end of the section before it instead of leaving most of that page empty.
    _in_print(fig, {"height": _lessons_height(names, 12, gap=10)})
    narrow_names = _lesson_names(lessons, NARROW_LESSON_LINE)
    return _narrow(
        fig,
        {
            "height": _lessons_height(narrow_names, 13) + 60,
            "xaxis": {"ticktext": [str(v) for v, _ in levels]},  # the names are in the table
            "yaxis": {"ticktext": narrow_names, "tickfont": {"size": 10}},
            "legend": {"x": 1, "xanchor": "right", "y": -0.01, "yanchor": "top"},
            "margin": {"l": 5, "r": 10, "t": 30, "b": 10},
        },
    )
