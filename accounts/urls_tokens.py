"""A person's API tokens (accounts.token_views)."""

from django.urls import path

from accounts import token_views

urlpatterns = [
    path("tokens/", token_views.tokens, name="accounts-tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="accounts-token-revoke"),
]
