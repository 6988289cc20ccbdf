"""Plotly figure builders, shared by the report page (plotly.js) and the PDF (SVG via kaleido).

Readable in greyscale: the current position is a solid line with filled circles, the target a
dashed line with open diamonds, and the range of answers a light band.

plotly.js reads a little HTML in every label (titles, trace names, tick labels, hover text), so
a link typed into a period would be drawn as a live link. Every text that goes into a figure
goes through `_text` (or `_wrap`, which uses it): it arrives as characters, never as markup.
"""

import html
import textwrap

import plotly.graph_objects as go

from reports.analysis import ItemResult

FONT = "DejaVu Sans"
INK = "#1d3f6e"
TARGET = "#b35900"
BAND = "rgba(110, 110, 110, 0.22)"


def _text(text) -> str:
    """Text for a figure, escaped: plotly.js shows &lt; as "<" and draws no tag from it."""
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int) -> str:
    """Text over lines of about `width` characters, escaped line by line."""
    return "<br>".join(_text(line) for line in textwrap.wrap(text, width)) or _text(text)


def _level_ticks(levels) -> dict:
    return {
        "tickvals": [v for v, _ in levels],
        # A level without a name (factors name the scale differently) shows as its number.
        "ticktext": [_text(f"{v} {lb}".strip()) for v, lb in levels],
    }


def _layout(fig: go.Figure, *, title: str, width: int, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": _text(title), "x": 0.02, "font": {"size": 16}},
        font={"family": FONT, "size": 12, "color": "#1b1b1b"},
        width=width,
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0.5, "xanchor": "center"},
    )
    return fig


def _radial_axis(levels, spokes: int, **more) -> dict:
    # Between the first and last spokes, so the numbers never sit on a marker.
    angle = 90 + 180 / max(spokes, 1)
    low, high = (levels[0][0], levels[-1][0]) if levels else (1, 4)
    return {
        "range": [low - 1, high],
        "tickvals": [v for v, _ in levels],
        "angle": angle,
        "tickangle": angle,
        "gridcolor": "#c8c8c8",
        **more,
    }


ANGULAR_AXIS = {"direction": "clockwise", "rotation": 90, "gridcolor": "#c8c8c8"}


def factor_radar(factors: list[ItemResult], *, title: str = "The nine factors") -> go.Figure:
    """Current (agreed or median) and target on each factor, with the range of answers."""
    if not factors:
        return _layout(go.Figure(), title=title, width=720, height=560)
    theta = [_wrap(f.title, 14) for f in factors]
    levels = factors[0].scores.levels
    fig = go.Figure()
    lows = [f.current_spread.min for f in factors]
    highs = [f.current_spread.max for f in factors]
    if all(v is not None for v in lows + highs):
        # One closed polygon out along the highs and back along the lows draws a band.
        fig.add_trace(
            go.Scatterpolar(
                r=highs + [highs[0], lows[0]] + lows[::-1],
                theta=theta + [theta[0], theta[0]] + theta[::-1],
                fill="toself",
                fillcolor=BAND,
                line={"width": 0},
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
    for name, values, style in (
        ("Now (agreed, or median)", [f.current for f in factors], now_style),
        ("Target", [f.target for f in factors], target_style),
    ):
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=theta + theta[:1],
                mode="lines+markers",
                name=name,
                connectgaps=True,
                **style,
            )
        )
    radial = _radial_axis(
        levels, len(factors), ticktext=[str(v) for v, _ in levels], linecolor="#8a8a8a"
    )
    fig.update_layout(
        polar={"radialaxis": radial, "angularaxis": ANGULAR_AXIS, "bgcolor": "white"},
        margin={"l": 90, "r": 90, "t": 70, "b": 80},
    )
    return _layout(fig, title=title, width=720, height=600)


def lessons_chart(lessons: list[ItemResult], *, title: str = "The sixteen lessons") -> go.Figure:
    """Each lesson's current and target, with the range of answers, one row a lesson."""
    fig = go.Figure()
    if not lessons:
        return _layout(fig, title=title, width=720, height=300)
    labels = [
        _text(f"{x.scores.number or i}. {textwrap.shorten(x.title, 46, placeholder='…')}")
        for i, x in enumerate(lessons, start=1)
    ]
    xs, ys = [], []
    for label, lesson in zip(labels, lessons, strict=True):
        if lesson.current_spread.count:
            xs += [lesson.current_spread.min, lesson.current_spread.max, None]
            ys += [label, label, None]
    band = {"color": BAND, "width": 12}
    fig.add_trace(
        go.Scatter(x=xs, y=ys, mode="lines", line=band, name="Range of answers", hoverinfo="skip")
    )
    fig.add_trace(
        go.Scatter(
            x=[x.current for x in lessons],
            y=labels,
            mode="markers",
            marker={"symbol": "circle", "size": 11, "color": INK},
            name="Now (agreed, or median)",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[x.target for x in lessons],
            y=labels,
            mode="markers",
            marker={"symbol": "diamond-open", "size": 12, "color": TARGET, "line": {"width": 2}},
            name="Target",
        )
    )
    levels = lessons[0].scores.levels
    fig.update_layout(
        xaxis={
            "range": [levels[0][0] - 0.3, levels[-1][0] + 0.3],
            **_level_ticks(levels),
            "gridcolor": "#d5d5d5",
            "zeroline": False,
            "side": "top",
        },
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 10, "r": 20, "t": 90, "b": 60},
    )
    return _layout(fig, title=title, width=720, height=120 + 30 * len(lessons))


# --- comparisons ------------------------------------------------------------------------------

# Eight distinguishable series, in colour and in greyscale: colour, dash and marker all differ.
SERIES = [
    ("#1d3f6e", "solid", "circle"),
    ("#b35900", "dash", "diamond"),
    ("#2e7d32", "dot", "square"),
    ("#6a1b9a", "dashdot", "triangle-up"),
    ("#00838f", "longdash", "x"),
    ("#8d6e63", "longdashdot", "star"),
    ("#c2185b", "solid", "triangle-down"),
    ("#455a64", "dash", "hexagon"),
]


def _level_axis(levels) -> dict:
    return {
        **_level_ticks(levels),
        "range": [levels[0][0] - 0.3, levels[-1][0] + 0.3] if levels else None,
        "gridcolor": "#d5d5d5",
    }


def overlay_radar(rounds, factors, levels, *, title: str = "Places side by side") -> go.Figure:
    """One line per round on the shared factors; click a legend entry to hide or show it."""
    fig = go.Figure()
    theta = [_wrap(f.title, 14) for f in factors]
    for (colour, dash, symbol), column in zip(SERIES, rounds, strict=False):
        values = [column.values.get(f.key) for f in factors]
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=theta + theta[:1],
                mode="lines+markers",
                name=_text(column.label),
                connectgaps=True,
                line={"color": colour, "dash": dash, "width": 2.5},
                marker={"symbol": symbol, "size": 8},
            )
        )
    fig.update_layout(
        polar={
            "radialaxis": _radial_axis(levels, len(factors)),
            "angularaxis": ANGULAR_AXIS,
            "bgcolor": "white",
        },
        margin={"l": 90, "r": 90, "t": 70, "b": 110},
    )
    return _layout(fig, title=title, width=720, height=640)


def distribution_chart(comparison, *, title: str = "Every shared place, factor by factor"):
    """A box of all shared places' values per factor, with the chosen rounds marked."""
    fig = go.Figure()
    names = [_wrap(f.title, 11) for f in comparison.factors]
    for factor, name in zip(comparison.factors, names, strict=True):
        fig.add_trace(
            go.Box(
                y=comparison.distribution.get(factor.key, []),
                name=name,
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"color": "#9e9e9e", "size": 4},
                line={"color": "#616161"},
                fillcolor="rgba(0,0,0,0)",
                showlegend=False,
                hoverinfo="y",
            )
        )
    for (colour, _, symbol), column in zip(SERIES, comparison.rounds, strict=False):
        fig.add_trace(
            go.Scatter(
                x=names,
                y=[column.values.get(f.key) for f in comparison.factors],
                mode="markers",
                name=_text(column.label),
                marker={
                    "symbol": symbol,
                    "size": 12,
                    "color": colour,
                    "line": {"width": 1.5, "color": "white"},
                },
            )
        )
    fig.update_layout(
        yaxis=_level_axis(comparison.levels),
        xaxis={"tickangle": 0},
        margin={"l": 10, "r": 10, "t": 70, "b": 60},
    )
    fig.update_yaxes(automargin=True)
    return _layout(fig, title=title, width=900, height=560)


def trend_chart(trend, factors, levels, *, title: str) -> go.Figure:
    """Each factor across a place's rounds, oldest first."""
    fig = go.Figure()
    periods = [_text(column.assessment.period) for column in trend]  # named rounds only
    for index, factor in enumerate(factors):
        colour, dash, symbol = SERIES[index % len(SERIES)]
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=[c.values.get(factor.key) for c in trend],
                mode="lines+markers",
                name=_text(factor.title),
                line={"color": colour, "dash": dash},
                marker={"symbol": symbol, "size": 9},
            )
        )
    fig.update_layout(
        yaxis=_level_axis(levels),
        xaxis={"type": "category"},
        margin={"l": 10, "r": 10, "t": 70, "b": 60},
    )
    fig.update_yaxes(automargin=True)
    return _layout(fig, title=title, width=720, height=460)
