"""The API's description, OpenAPI 3.1, kept by hand in config/openapi.yaml and served as JSON.

By hand, not generated: the views are plain Django views whose answers are built as dicts, so
no tool could read their shapes from the code. tests/test_openapi.py keeps the file honest:
every path it documents resolves here, and every JSON answer validates against its schema.
"""

from functools import cache
from pathlib import Path

import yaml
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

SCHEMA_FILE = Path(__file__).with_name("openapi.yaml")


@cache
def openapi_document() -> dict:
    return yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


@login_required
@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    """Behind sign-in (or a token) as the API is: it names no data, but the walk of every URL
    holds that nothing here is open to anonymous people but the sign-in pages."""
    document = {**openapi_document(), "servers": [{"url": request.build_absolute_uri("/")}]}
    return JsonResponse(document, json_dumps_params={"indent": 2})
