"""Request bodies refused from their headers, before a byte of them is read.

Django reads a body when something first asks for its form data (the CSRF check does, before any
view), and streams a file in it to a temporary file on disk. So a size or a permission checked in
the view comes too late: a respondent's 300 MB post to the import page was written to disk before
its 403. This middleware answers from the Content-Length and the session alone: 413 for a body
larger than any page takes, and, for a page that takes an upload, 404/403 for whoever may not use
it and 413 for a body larger than its file limit. The proxy in front caps bodies too (README).
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from assessment.views.imports import assessment_for_import
from frameworks.uploads import UPLOAD_MAX_BYTES as FRAMEWORK_FILE_MAX_BYTES
from frameworks.views import framework_upload_allowed

# What a multipart form adds around its file: boundary lines, part headers, the CSRF token and
# the page's few small fields.
FORM_OVERHEAD = 64 * 1024


def _score_file_limit() -> int:
    return settings.SCORE_UPLOAD_MAX_BYTES


def _framework_file_limit() -> int:
    return FRAMEWORK_FILE_MAX_BYTES


# Pages that take an uploaded file, by URL name: who may post to it (a function of the request
# and the URL's arguments that raises Http404 or PermissionDenied, reading nothing of the body),
# and the largest file it takes.
UPLOAD_PAGES: dict[str, tuple[Callable[..., object], Callable[[], int]]] = {
    "assessment-import": (assessment_for_import, _score_file_limit),
    "frameworks-upload": (framework_upload_allowed, _framework_file_limit),
}


def request_max_bytes() -> int:
    """The largest body any page takes: form fields up to DATA_UPLOAD_MAX_MEMORY_SIZE, or the
    largest upload with its form."""
    largest_upload = max(limit() for _, limit in UPLOAD_PAGES.values()) + FORM_OVERHEAD
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, largest_upload)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: a body of unreadable length is not read at all


def _too_big(request: HttpRequest, problem: str) -> HttpResponse:
    page = render_to_string("413.html", {"problem": problem}, request=request)
    return HttpResponse(page, status=413)


class UploadLimitMiddleware:
    """Placed before CsrfViewMiddleware, whose check is the first to read a body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _content_length(request) > (limit := request_max_bytes()):
            return _too_big(
                request, f"That is more than this site takes in one go ({filesizeformat(limit)})."
            )
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        page = UPLOAD_PAGES.get(request.resolver_match.url_name)
        if page is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        may_post, file_limit = page
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            may_post(request, **kwargs)
        except (Http404, PermissionDenied):
            # Django's 403 and 404 pages run the CSRF check (requires_csrf_token), which would
            # read the body after all; a refusal needs no check.
            request.csrf_processing_done = True
            raise
        if _content_length(request) > (limit := file_limit()) + FORM_OVERHEAD:
            problem = f"The file is larger than this page takes ({filesizeformat(limit)})."
            return _too_big(request, f"{problem} Choose a smaller one.")
        return None
