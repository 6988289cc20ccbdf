"""Framework pages: read by everyone signed in; uploaded and published by staff."""

import io
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from frameworks.documents import FrameworkFileError
from frameworks.forms import FrameworkUploadForm
from frameworks.glossary import glossary
from frameworks.selectors import (
    framework_upload_get,
    framework_upload_page,
    framework_version_document,
    framework_version_get,
    framework_version_page,
    frameworks_with_versions,
)
from frameworks.uploads import (
    AlreadyPublished,
    framework_file_read,
    framework_upload_publish,
    framework_upload_stash,
)
from frameworks.workbook import workbook_write


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
def framework_glossary(request: HttpRequest) -> HttpResponse:
    """The sources' vocabulary, then and now, one anchor per term for other pages to link."""
    return render(request, "frameworks/glossary.html", {"terms": glossary().terms})


@require_GET
@login_required
def framework_api(request: HttpRequest, slug: str, version: str) -> JsonResponse:
    version = framework_version_get(slug=slug, version=version)
    return JsonResponse(framework_version_document(version), json_dumps_params={"indent": 2})


def framework_upload_allowed(request: HttpRequest) -> None:
    """Staff upload frameworks; anyone else is refused (403). Asked from the session alone, so
    it can be asked before an upload is read."""
    if not request.user.is_staff:
        raise PermissionDenied("Only staff upload frameworks.")


@require_http_methods(["GET", "POST"])
@login_required
def framework_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file: checked whole, and either every problem listed with its line or cell
    (nothing kept) or kept for its preview."""
    framework_upload_allowed(request)
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = framework_file_read(name=upload.name, content=upload.read())
            except FrameworkFileError as exc:
                problems = exc.problems
            else:
                kept = framework_upload_stash(
                    document=document, user=request.user, filename=upload.name
                )
                return redirect("frameworks-upload-preview", token=kept.token)
    context = {"form": form, "problems": problems}
    return render(request, "frameworks/framework_upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def framework_upload_preview(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The upload as it will be published, and what changed since the latest version; its
    "Publish" button publishes it, once."""
    framework_upload_allowed(request)
    upload = framework_upload_get(token=token)
    if upload.published_id:
        return _published_already(request, upload.published)
    if request.method == "GET":
        context = {"preview": framework_upload_page(upload=upload)}
        return render(request, "frameworks/framework_upload_preview.html", context)
    try:
        version = framework_upload_publish(upload=upload)
    except AlreadyPublished as exc:  # published by another press since this page loaded
        return _published_already(request, exc.version)
    except FrameworkFileError as exc:
        context = {"preview": framework_upload_page(upload=upload), "problems": exc.problems}
        return render(request, "frameworks/framework_upload_preview.html", context, status=409)
    messages.success(request, f"Published {version.title} {version.version}.")
    return redirect("frameworks-detail", slug=version.framework.slug, version=version.version)


def _published_already(request: HttpRequest, version) -> HttpResponse:
    messages.info(request, f"{version.title} {version.version} is published already.")
    return redirect("frameworks-detail", slug=version.framework.slug, version=version.version)


@require_GET
@login_required
def framework_workbook(request: HttpRequest, slug: str, version: str) -> FileResponse:
    """The version as an XLSX workbook, which uploads back unchanged under another slug."""
    version = framework_version_get(slug=slug, version=version)
    content = workbook_write(framework_version_document(version))
    filename = f"{slug}-{version.version}.xlsx"
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename)
