"""The app's own pages under /accounts/; allauth's follow in config/urls.py. The first three are
the sign-in pages' old names (Django's), kept for links already sent."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password_reset/", views.PasswordLinkView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_reset_confirm"),
    # allauth's page under its own name, with a word for people MFA_REQUIRED names.
    path("2fa/", views.SecurityView.as_view(), name="mfa_index"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # People are invited at an address: they do not add or change addresses themselves.
    path("email/", views.no_address_changes),
    # Nor link other providers' accounts to theirs: a provider signs in the address invited.
    path("3rdparty/", views.no_address_changes),
    path("confirm-email/", views.no_address_changes),
    # One way to set a password: the app's, which also reaches people who never set one.
    path("password/reset/", RedirectView.as_view(pattern_name="password_reset", query_string=True)),
    path("", include("accounts.urls_data")),
    path("", include("accounts.urls_audit")),
    path("", include("accounts.urls_tokens")),
]
