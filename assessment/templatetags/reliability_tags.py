"""The reliability figures of a round for any page that has its summaries (the report's method
section among them), without a query beyond the cache."""

from django import template

from assessment.reliability_selectors import round_reliability

register = template.Library()


@register.simple_tag
def reliability_of(summaries):
    """Each framework's figures from a round's item summaries (a list, or a dict of them)."""
    rows = summaries.values() if hasattr(summaries, "values") else summaries
    return round_reliability(list(rows))
