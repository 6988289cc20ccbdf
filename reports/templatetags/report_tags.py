import math

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def heat(value) -> str:
    """A colour band for a level: a median between two levels takes the lower one's colour."""
    return "none" if value is None else str(max(0, math.floor(value)))
