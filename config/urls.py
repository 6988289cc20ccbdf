from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessment.forms import EmailAuthenticationForm, SetPasswordLinkForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=SetPasswordLinkForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("frameworks.urls")),
    path("", include("assessment.urls")),
    path("", include("reports.urls")),
]
