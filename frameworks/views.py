from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frameworks.selectors import (
    framework_version_document,
    framework_version_get,
    framework_version_page,
    frameworks_with_versions,
)


@require_GET
@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "frameworks/framework_list.html", {"frameworks": frameworks_with_versions()}
    )


@require_GET
@login_required
def framework_detail(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    page = framework_version_page(slug=slug, version=version)
    template = (
        "frameworks/matrix_detail.html"
        if page.version.is_matrix
        else "frameworks/lessons_detail.html"
    )
    context = {"page": page, "version": page.version, "levels": list(page.version.levels.all())}
    return render(request, template, context)


@require_GET
@login_required
def framework_api(request: HttpRequest, slug: str, version: str) -> JsonResponse:
    version = framework_version_get(slug=slug, version=version)
    return JsonResponse(framework_version_document(version), json_dumps_params={"indent": 2})
