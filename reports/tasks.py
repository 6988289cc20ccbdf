from django.tasks import task

from assessment.models import Assessment
from reports.pdf import report_pdf
from reports.selectors import report_build


@task()
def render_report_pdf(assessment_id: int) -> str:
    """Render a round's report PDF into the cache; returns its storage name."""
    assessment = Assessment.objects.select_related("place").get(pk=assessment_id)
    return report_pdf(report_build(assessment))
