from django.urls import path, register_converter

from frameworks import views


class VersionConverter:
    """A framework version such as 1.0 or 1.10; anything else is not a framework page (404)."""

    regex = r"[0-9]{1,4}\.[0-9]{1,4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VersionConverter, "framework_version")

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks-list"),
    path("frameworks/glossary/", views.framework_glossary, name="frameworks-glossary"),
    path("frameworks/upload/", views.framework_upload, name="frameworks-upload"),
    path(
        "frameworks/upload/<uuid:token>/",
        views.framework_upload_preview,
        name="frameworks-upload-preview",
    ),
    path(
        "frameworks/<slug:slug>/<framework_version:version>/",
        views.framework_detail,
        name="frameworks-detail",
    ),
    path(
        "frameworks/<slug:slug>/<framework_version:version>/workbook.xlsx",
        views.framework_workbook,
        name="frameworks-workbook",
    ),
    path(
        "api/frameworks/<slug:slug>/<framework_version:version>/",
        views.framework_api,
        name="frameworks-api",
    ),
]
