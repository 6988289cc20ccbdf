from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from frameworks.selectors import (
    framework_version_document,
    framework_version_get,
    frameworks_with_versions,
)


@login_required
def framework_list(request):
    return render(
        request, "frameworks/framework_list.html", {"frameworks": frameworks_with_versions()}
    )


@login_required
def framework_detail(request, slug, version):
    version = framework_version_get(slug=slug, version=version)
    template = (
        "frameworks/matrix_detail.html" if version.is_matrix else "frameworks/lessons_detail.html"
    )
    return render(request, template, {"version": version, "levels": list(version.levels.all())})


@login_required
def framework_api(request, slug, version):
    version = framework_version_get(slug=slug, version=version)
    return JsonResponse(framework_version_document(version), json_dumps_params={"indent": 2})
