"""Links to the glossary from any page: ``{% load glossary %}``, then
``{% glossary_link "BCF" %}`` for a term a template names, or ``text|glossary_terms`` for the
terms a text (a summary) uses. No query: the glossary is read from its file once per process."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from frameworks.glossary import Term, glossary

register = template.Library()


@register.simple_tag
def glossary_link(name: str, text: str = "") -> str:
    """A link to the term's entry on the glossary page, its text the name unless ``text`` is
    given. A name the glossary lacks is a mistake in the template, so it fails the page (and the
    page's test) rather than showing a link to nowhere."""
    term = glossary().find(name)
    if term is None:
        raise template.TemplateSyntaxError(f"{name!r} is not a term of fixtures/glossary.yaml")
    return format_html(
        '<a class="glossary-link" href="{}#{}">{}</a>',
        reverse("frameworks-glossary"),
        term.anchor,
        text or name,
    )


@register.filter
def glossary_terms(text: str) -> list[Term]:
    """The glossary's terms that a text uses, in glossary order."""
    return glossary().terms_in(text or "")
