from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("config.urls_statements")),
    path("", include("frameworks.urls")),
    path("", include("assessment.urls")),
    path("", include("reports.urls")),
]

handler400 = "config.views.bad_request"
