from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessment.forms import EmailAuthenticationForm
from assessment.views.passwords import PasswordLinkView, PasswordSetView

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("accounts/password_reset/", PasswordLinkView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordSetView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("frameworks.urls")),
    path("", include("assessment.urls")),
    path("", include("reports.urls")),
]

handler400 = "config.views.bad_request"
