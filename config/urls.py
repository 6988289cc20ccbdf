from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin signs in through the app's sign-in, second factor and all.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("config.urls_statements")),
    path("", include("config.urls_api")),
    path("", include("frameworks.urls")),
    path("", include("assessment.urls")),
    path("", include("reports.urls")),
]

handler400 = "config.views.bad_request"
