"""``Authorization: Bearer <token>`` on the API and the data downloads, for analysts' own tools.

A small middleware rather than a library: django-rest-knox and its kin authenticate Django REST
framework views, and this project's API is plain Django views (JsonResponse, CSV streams).
Here a token stands in for the session on the URL names in ``DATA_URLS`` only, for reading:
the request then *is* its person, so each view applies exactly the visibility rules it applies
to that person's session. Nothing else changes:

- on any other page (HTML, forms, uploads) a token is refused (401), never honoured;
- only GET and HEAD: anything else is refused (405) before a view or the CSRF check runs;
- no session and no CSRF cookie is made: the person is set on this request alone;
- an unknown, revoked or malformed token is a 401 in JSON saying which; an address that sends
  too many of them is refused (429) for a while, as django-axes refuses repeated sign-ins.

"Your data" and the audit log's export are not in ``DATA_URLS`` on purpose: a token copied
into a script is easier to leak than a signed-in browser, and those hold personal data.

In MIDDLEWARE after AuthenticationMiddleware and the second-factor check, which then see only
the session (a token is made in a session that has already passed that check).
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers

from accounts.tokens import TokenRefused, person_of

# The read-only data endpoints a token opens: JSON, CSV, and the workbooks that hold the same.
DATA_URLS = frozenset(
    {
        "api-openapi",
        "reports-api-assessments",
        "reports-export-csv",
        "reports-export-xlsx",
        "assessment-api",
        "assessment-actions-api",
        "assessment-actions-csv",
        "assessment-actions-xlsx",
        "frameworks-api",
        "frameworks-workbook",
    }
)
READING = frozenset({"GET", "HEAD"})
# Refused tokens from one address before it is turned away, and for how long (seconds).
FAILURE_LIMIT = getattr(settings, "API_TOKEN_FAILURE_LIMIT", 30)
COOLOFF = getattr(settings, "API_TOKEN_COOLOFF_SECONDS", 15 * 60)


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        plain = _bearer(request)
        if plain is None:
            return self.get_response(request)
        refusal = self._refusal(request, plain)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        # A shared cache must not give one token's answer to another, or to a browser.
        patch_vary_headers(response, ["Authorization"])
        response.setdefault("Cache-Control", "private, no-store")
        return response

    def _refusal(self, request: HttpRequest, plain: str) -> JsonResponse | None:
        """A response refusing the request, or None once ``request.user`` is the token's
        person."""
        if _throttled(request):
            return _refused(
                "Too many refused API tokens from this address: try again in a quarter of an hour.",
                status=429,
                headers={"Retry-After": str(COOLOFF)},
            )
        if _url_name(request) not in DATA_URLS:
            return _refused(
                "API tokens are accepted only by the API and the data downloads "
                "(see /api/openapi.json). Sign in to use this page.",
                status=401,
            )
        if request.method not in READING:
            return _refused(
                "API tokens only read: use GET.", status=405, headers={"Allow": "GET, HEAD"}
            )
        try:
            person = person_of(plain)
        except TokenRefused as refused:
            _count_failure(request)
            return _refused(str(refused), status=401)
        _act_as(request, person)
        return None


def _bearer(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer`` header ("" when the header names no token);
    None when there is no such header (Basic and other schemes are left alone)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _act_as(request: HttpRequest, person) -> None:
    """The request is the person's, for this request alone: nothing is written to a session,
    so no session is made or renewed; the CSRF check has nothing to check (reads only)."""

    async def auser():
        return person

    request.user = person
    request.auser = auser
    request.api_token = True


def _refused(message: str, *, status: int, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status, headers=headers)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _address(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def _key(request: HttpRequest) -> str:
    return f"api-token-refused:{_address(request)}"


def _throttled(request: HttpRequest) -> bool:
    return cache.get(_key(request), 0) >= FAILURE_LIMIT


def _count_failure(request: HttpRequest) -> None:
    key = _key(request)
    if not cache.add(key, 1, COOLOFF):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, COOLOFF)
