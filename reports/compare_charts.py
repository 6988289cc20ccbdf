"""The comparison's charts: rounds overlaid on one radar, each item across every shared place,
and one place's trend, built as reports.charts builds a round's (the same fonts, colours, text
escaping and phone layouts)."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reports.charts import INK, _layout, _level_ticks, _narrow, _polar, _text, _wrap

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

# The comparison PDF is landscape A4: 261 mm between its margins, about 990 CSS pixels.
LANDSCAPE_WIDTH = 980


def _level_axis(levels) -> dict:
    return {
        **_level_ticks(levels),
        "range": [levels[0][0] - 0.3, levels[-1][0] + 0.3] if levels else None,
        "gridcolor": "#d5d5d5",
        "automargin": True,
    }


def overlay_radar(rounds, factors, levels, *, title: str = "") -> go.Figure:
    """One line per round on the shared factors; click a legend entry to hide or show it."""
    fig = _layout(go.Figure(), title=title, width=LANDSCAPE_WIDTH, height=560)
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
                marker={"symbol": symbol, "size": 9},
            )
        )
    # A landscape page is short and wide: the radar on the left, the rounds' key in the top
    # right corner, which a round radar leaves empty.
    polar = {**_polar(levels, len(factors)), "domain": {"x": [0.1, 0.56], "y": [0.06, 0.94]}}
    legend = {"orientation": "v", "x": 1, "xanchor": "right", "y": 1, "yanchor": "top"}
    # A key even for one round: the line is named, not left for the reader to guess.
    fig.update_layout(
        polar=polar, margin={"l": 20, "r": 20, "t": 20, "b": 20}, legend=legend, showlegend=True
    )
    # On a phone: the radar across the screen, its key above it.
    key = 20 * len(fig.data)
    return _narrow(
        fig,
        {
            "height": 330 + key,
            "polar": {"domain": {"x": [0, 1], "y": [0, 1]}},
            "legend": {"x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "yref": "container"},
            "margin": {"l": 95, "r": 95, "t": 50 + key, "b": 50},
        },
    )


def distribution_chart(comparison, *, title: str = "") -> go.Figure:
    """A box per factor drawn from its spread across the shared rounds (quartiles, lowest and
    highest: never a value per place, which read across factors would be a place's profile),
    with the chosen rounds marked."""
    fig = _layout(go.Figure(), title=title, width=LANDSCAPE_WIDTH, height=520)
    names = [_wrap(f.title, 14) for f in comparison.factors]  # "Commissioning" stays whole
    for factor, name in zip(comparison.factors, names, strict=True):
        spread = comparison.distribution.get(factor.key)
        if spread is None:  # too few places for this reader, or none scored it
            continue
        fig.add_trace(
            go.Box(
                x=[name],
                q1=[spread.q1],
                median=[spread.median],
                q3=[spread.q3],
                lowerfence=[spread.low],
                upperfence=[spread.high],
                name=name,
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
    # The key above the plot, clear of the factors' names below it.
    legend = {"y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"}
    fig.update_layout(
        yaxis=_level_axis(comparison.levels),
        # Every factor in matrix order, whether or not its box may be drawn for this reader.
        xaxis={
            "tickangle": 0,
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": names,
        },
        margin={"l": 10, "r": 10, "t": 30, "b": 20},
        legend=legend,
        showlegend=True,
    )
    # On a phone the factors' names stand on end under their narrow boxes.
    return _narrow(fig, {"height": 640, "xaxis": {"tickangle": -90}})


def _small_multiples(titles: list[str], *, columns: int, height: int) -> go.Figure:
    """A grid of small charts, `height` pixels a row, that share both axes."""
    rows = max(1, -(-len(titles) // columns))
    figure_height = 80 + height * rows
    return make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes="all",
        shared_yaxes="all",
        subplot_titles=titles,
        horizontal_spacing=0.06,
        vertical_spacing=70 / figure_height if rows > 1 else 0.0,
    ).update_layout(height=figure_height)


def trend_chart(trend, factors, levels, *, title: str = "") -> go.Figure:
    """Each factor across a place's rounds, oldest first: one small chart a factor, same axes."""
    titles = [_text(f.title) for f in factors]
    fig = _small_multiples(titles, columns=3, height=210)
    _layout(fig, title=title, width=LANDSCAPE_WIDTH, height=fig.layout.height)
    periods = [_text(column.assessment.period) for column in trend]  # named rounds only
    for index, factor in enumerate(factors):
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=[c.values.get(factor.key) for c in trend],
                mode="lines+markers",
                name=_text(factor.title),
                line={"color": INK, "width": 2.5},
                marker={"symbol": "circle", "size": 9},
                showlegend=False,
            ),
            row=index // 3 + 1,
            col=index % 3 + 1,
        )
    # Numbers only on the level axis: each small chart is too narrow for the levels' names.
    numbers = [(v, "") for v, _ in levels]
    fig.update_yaxes(_level_axis(numbers), showticklabels=True)
    # Half a step of room each side, so the first and last rounds' names stay in their chart.
    edges = [-0.4, len(periods) - 0.6]
    fig.update_xaxes(type="category", range=edges, gridcolor="#e3e3e3", showticklabels=True)
    fig.update_annotations(font={"size": 13})
    fig.update_layout(margin={"l": 40, "r": 10, "t": 80 if title else 40, "b": 40})
    # On a phone: one small chart under another, each as wide as the screen.
    column = _small_multiples(titles, columns=1, height=165).layout.to_plotly_json()
    narrow = {
        name: {"domain": value["domain"]}
        for name, value in column.items()
        if name.startswith(("xaxis", "yaxis"))
    }
    narrow["annotations"] = [{**a, "font": {"size": 13}} for a in column.get("annotations", [])]
    return _narrow(fig, {**narrow, "height": column["height"]})
