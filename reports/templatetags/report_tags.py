import math

from django import template
from django.utils.html import format_html, json_script

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def heat(value) -> str:
    """A colour band for a level: a median between two levels takes the lower one's colour."""
    return "none" if value is None else str(max(0, math.floor(value)))


@register.simple_tag
def figure_data(figures: dict, name: str) -> str:
    """A chart's figure as the JSON script charts.js draws it from (id "<name>-data"), or
    nothing when the page has no such chart."""
    figure = figures.get(name) if figures else None
    return "" if figure is None else json_script(figure, f"{name}-data")


@register.simple_tag
def chart_box(figure) -> str:
    """The style attribute giving a chart's box its figure's height, wide and on a phone, so
    that drawing it later (static/js/charts.js draws it as it nears the screen) moves nothing."""
    if not figure:
        return ""
    layout = figure["layout"]
    narrow = layout.get("meta", {}).get("narrow", {}).get("height") or layout["height"]
    return format_html(
        ' style="--chart-height: {}px; --chart-height-narrow: {}px"', layout["height"], narrow
    )
