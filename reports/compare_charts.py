"""The comparison's charts: the chosen rounds on radars, each item across every shared place,
and one place's trend, built as reports.charts builds a round's (the same fonts, colours, text
escaping and phone layouts).

How the chosen rounds are drawn depends on how many there are (rounds_chart_kind): up to six
share one radar, where each line can still be told from the others; up to two dozen get a small
radar each, on the same axes, with the chosen rounds' median drawn in every one for reference;
beyond that a radar each would be too small to read and would run over pages, so the heat map,
which sorts by any item and carries its numbers, leads and no radar is drawn.
"""

from statistics import median

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reports.charts import (
    INK,
    TARGET,
    _layout,
    _level_ticks,
    _narrow,
    _polar,
    _text,
    _wrap,
    translucent,
)
from reports.compare import Crowd

# The chosen rounds' lines on one radar (overlay_radar) and their markers on the distribution
# (distribution_chart), in legend order. Both draw at most OVERLAY_MOST rounds, so these six are
# every colour either uses. Colour, dash and marker all differ, so the key reads in greyscale.
# Contrast (WCAG 1.4.11, 3:1): every colour against the white background, and against its
# neighbours -- the series just before and after it in legend order, side by side in the key.
# The colours alternate between the two lightness bands of reports.charts (dark, mid), so beyond
# neighbours any dark series is at 3:1 against any mid one wherever their lines cross. Two of one
# band (the first and third, say) are alike in lightness, since no six colours can each be 3:1
# against white and against every other: dash, marker and hue tell them apart. On the
# distribution a white ring round each marker sets it off from the grey box beneath it and from
# a marker it overlaps.
SERIES = [
    (INK, "solid", "circle"),  # dark navy (a round's "now")
    (TARGET, "dash", "diamond"),  # mid orange (a round's "target")
    ("#143816", "dot", "square"),  # dark green
    ("#e7397e", "dashdot", "triangle-up"),  # mid pink
    ("#4a136c", "longdash", "x"),  # dark purple
    ("#008d9a", "longdashdot", "star"),  # mid teal
]

# The comparison PDF is landscape A4: 261 mm between its margins, about 990 CSS pixels.
LANDSCAPE_WIDTH = 980

OVERLAY_MOST = 6  # rounds on one radar: beyond this their lines cannot be told apart
GRID_MOST = 24  # rounds with a small radar each: beyond this the heat map leads
GRID_COLUMNS = 8  # small radars to a row: 24 fill one landscape page in three rows
NARROW_GRID_COLUMNS = 2  # on a phone
# The chosen rounds' median, drawn in every small radar beside the round's own line (INK) and
# over its fill: 3:1 against white, INK and ROUND_FILL alike.
REFERENCE = "#808080"
ROUND_FILL = translucent(INK, 0.1)


def rounds_chart_kind(count: int) -> str:
    """How `count` chosen rounds are drawn: "overlay", "grid" (small radars) or "heat map"
    (no radar: the heat map leads)."""
    if count <= OVERLAY_MOST:
        return "overlay"
    return "grid" if count <= GRID_MOST else "heat map"


def rounds_chart(rounds, factors, levels) -> go.Figure | None:
    """The chosen rounds' radar or radars, as many as can be read; None where the heat map
    leads."""
    kind = rounds_chart_kind(len(rounds))
    if kind == "overlay":
        return overlay_radar(rounds, factors, levels)
    if kind == "grid":
        return small_radars(rounds, factors, levels)
    return None


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


def _medians(rounds, factors) -> list[float | None]:
    """The chosen rounds' median on each factor: the shape every small radar is read against."""
    values = [[v for c in rounds if (v := c.values.get(f.key)) is not None] for f in factors]
    return [median(held) if held else None for held in values]


def _grid(count: int, columns: int, *, row_height: int) -> tuple[go.Figure, int]:
    """An empty grid of `count` small radars, `columns` to a row, and its height in pixels."""
    rows = max(1, -(-count // columns))
    height = 85 + row_height * rows
    # Spare cells of the last row hold no radar, so draw no empty rings.
    cells = [{"type": "polar"} if n < count else None for n in range(rows * columns)]
    spec = [cells[row * columns : (row + 1) * columns] for row in range(rows)]
    fig = make_subplots(
        rows=rows,
        cols=columns,
        specs=spec,
        subplot_titles=[" "] * count,
        horizontal_spacing=0.04,
        vertical_spacing=min(75 / height, 0.5 / rows) if rows > 1 else 0.0,
    )
    return fig, height


def _grid_layout(count: int, columns: int, *, row_height: int, labels: list[str]) -> dict:
    """Where each small radar and its round's name sit, for a phone's layout."""
    fig, height = _grid(count, columns, row_height=row_height)
    layout = fig.layout.to_plotly_json()
    polars = {
        name: {"domain": value["domain"]}
        for name, value in layout.items()
        if name.startswith("polar")
    }
    titles = [
        {**a, "text": label, "font": {"size": 10}, "yshift": 16}
        for a, label in zip(layout.get("annotations", []), labels, strict=False)
    ]
    # Room under the key for the first row's names, raised clear of their radars' spokes.
    return {**polars, "annotations": titles, "height": height + 20, "margin": {"t": 95}}


def _grid_title(label: str) -> str:
    """A round's name over its small radar: the place's name, wrapped to the radar's width,
    and its period on a line of its own."""
    place, _, period = label.rpartition(", ")
    return f"{_wrap(place, 14)}<br>{_text(period)}" if place else _wrap(label, 14)


def small_radars(rounds, factors, levels, *, title: str = "") -> go.Figure:
    """A small radar for each round, on the same axes, with the chosen rounds' median in grey
    in each: a shape is read against the middle of the group rather than against its
    neighbours. Spokes are numbered (the key names them): a factor's name does not fit."""
    count = len(rounds)
    labels = [_grid_title(c.label) for c in rounds]
    fig, height = _grid(count, GRID_COLUMNS, row_height=170)
    _layout(fig, title=title, width=LANDSCAPE_WIDTH, height=height)
    numbers = [str(n) for n in range(1, len(factors) + 1)]
    middle = _medians(rounds, factors)
    for index, column in enumerate(rounds):
        values = [column.values.get(f.key) for f in factors]
        cell = {"row": index // GRID_COLUMNS + 1, "col": index % GRID_COLUMNS + 1}
        fig.add_trace(
            go.Scatterpolar(
                r=middle + middle[:1],
                theta=numbers + numbers[:1],
                mode="lines",
                name="Median of the chosen rounds",
                connectgaps=True,
                line={"color": REFERENCE, "dash": "dot", "width": 1.5},
                showlegend=index == 0,
                legendgroup="median",
                hoverinfo="skip",
            ),
            **cell,
        )
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=numbers + numbers[:1],
                mode="lines+markers",
                name=labels[index].replace("<br>", " "),
                connectgaps=True,
                line={"color": INK, "width": 2},
                marker={"size": 4},
                fill="toself",
                fillcolor=ROUND_FILL,
                showlegend=False,
            ),
            **cell,
        )
    polar = _polar(levels, len(factors))
    polar["radialaxis"] = {**polar["radialaxis"], "showticklabels": False}
    polar["angularaxis"] = {**polar["angularaxis"], "tickfont": {"size": 9}, "ticklen": 2}
    fig.update_polars(**polar)
    # The rounds' names over their radars.
    for annotation, label in zip(fig.layout.annotations, labels, strict=True):
        annotation.update(text=label, font={"size": 10}, yshift=8)
    # The key at the top of the figure, above the first row's names.
    legend = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top"}
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 75, "b": 10}, legend={**legend, "yref": "container"}
    )
    narrow = _grid_layout(count, NARROW_GRID_COLUMNS, row_height=215, labels=labels)
    return _narrow(fig, narrow)


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
    if len(comparison.rounds) > OVERLAY_MOST:
        _chosen_boxes(fig, comparison, names)
        return _distribution_axes(fig, comparison, names)
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
    return _distribution_axes(fig, comparison, names)


def _chosen_boxes(fig: go.Figure, comparison, names: list[str]) -> None:
    """Many chosen rounds as a box of their own beside each factor's box of every shared
    place: a marker each would bury the crowd's box, and eight markers cannot tell 200 rounds
    apart. The crowd's boxes take the left of each pair, the chosen rounds' the right."""
    fig.update_traces(offsetgroup="shared", selector={"type": "box"})
    if fig.data:
        fig.data[0].update(showlegend=True, name="Every shared place", legendgroup="shared")
    spreads = [
        Crowd.of(held, 0)
        if (held := [v for c in comparison.rounds if (v := c.values.get(f.key)) is not None])
        else None
        for f in comparison.factors
    ]
    drawn = [(n, s) for n, s in zip(names, spreads, strict=True) if s is not None]
    if not drawn:
        return
    fig.add_trace(
        go.Box(
            x=[n for n, _ in drawn],
            q1=[s.q1 for _, s in drawn],
            median=[s.median for _, s in drawn],
            q3=[s.q3 for _, s in drawn],
            lowerfence=[s.low for _, s in drawn],
            upperfence=[s.high for _, s in drawn],
            name=f"The {len(comparison.rounds)} chosen rounds",
            offsetgroup="chosen",
            line={"color": INK},
            fillcolor=translucent(INK, 0.25),
            hoverinfo="y",
        )
    )
    fig.update_layout(boxmode="group")


def _distribution_axes(fig: go.Figure, comparison, names: list[str]) -> go.Figure:
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


def standings(comparison) -> list[dict]:
    """The distribution's chosen rounds as rows: for each, the items on which it stands above
    or below the middle half of every shared place (their upper and lower quartiles), read only
    where this reader may see those quartiles. A row a round, whatever their number, so the
    table stays as wide as a phone however many rounds are chosen."""
    shown = [
        (f, spread) for f in comparison.factors if (spread := comparison.distribution.get(f.key))
    ]
    rows = []
    for column in comparison.rounds:
        above, below = [], []
        for factor, spread in shown:
            value = column.values.get(factor.key)
            if value is None:
                continue
            entry = {"factor": factor, "value": value, "mapped": factor.key in column.mapped}
            if value > spread.q3:
                above.append(entry)
            elif value < spread.q1:
                below.append(entry)
        rows.append({"column": column, "above": above, "below": below, "compared": len(shown)})
    return rows
