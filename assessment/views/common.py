"""What the assessment views share."""

from django.http import HttpRequest

from assessment.models import Role

LEADS = (Role.LEAD,)
SCORERS = (Role.LEAD, Role.RESPONDENT)


def base_url(request: HttpRequest) -> str:
    """The site's address as this request reached it, for links in e-mails."""
    return request.build_absolute_uri("/")[:-1]
