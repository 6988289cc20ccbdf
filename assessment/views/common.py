"""What the assessment views share."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from assessment.models import Role

LEADS = (Role.LEAD,)
SCORERS = (Role.LEAD, Role.RESPONDENT)


def base_url(request: HttpRequest) -> str:
    """The site's address as this request reached it, for links in e-mails."""
    return request.build_absolute_uri("/")[:-1]


def withheld(request: HttpRequest, assessment, disclosure, *, what: str) -> HttpResponse:
    """The page for a surface that shows team figures, to someone who may not see them yet:
    why, who has submitted so far, and (for someone taking part) the way to score."""
    respondents = assessment.respondents.order_by("name")
    context = {
        "assessment": assessment,
        "disclosure": disclosure,
        "what": what,
        "submitted": sum(1 for r in respondents if r.is_submitted),
        "taking_part": len(respondents),
    }
    return render(request, "assessment/withheld.html", context, status=403)


def withheld_json(disclosure) -> JsonResponse:
    return JsonResponse({"error": withheld_reason(disclosure)}, status=403)


def withheld_reason(disclosure) -> str:
    if disclosure.submit_first:
        return "The team's answers are shown once you have submitted your own."
    return "The team's answers are shown once scoring has ended."
