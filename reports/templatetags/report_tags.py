import math

from django import template
from django.utils.html import json_script

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
