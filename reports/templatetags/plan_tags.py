"""The report page's improvement-plan sections, read once per page: `{% plan_sections report as
sections %}` at the top of the page, then the summary, "since last round" and plan partials
take `sections` from the context. (The PDF passes them in: reports.pdf.report_print_html.)"""

from django import template

from assessment.permissions import reader_from_outside
from reports import plan_sections as sections_module
from reports.selectors import Report

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_sections(context: template.Context, report: Report) -> sections_module.PlanSections:
    # As the person reading the page may see them: the round before may be withheld from them.
    reader = reader_from_outside(context.request.user, context.get("role"))
    return sections_module.build(report, reader=reader)
