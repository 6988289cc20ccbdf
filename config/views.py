"""The site's own error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400. Django's own handler first runs the CSRF check, which reads the form: a form Django
    refuses to read (one sent in a character set other than UTF-8) then fails again inside the
    handler, and the 400 became a 500. This one never reads the form."""
    return render(request, "400.html", status=400)
