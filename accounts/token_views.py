"""A person's API tokens: made (and shown once), listed by name and prefix, and revoked.

The page that makes a token shows it in its answer to the POST and nowhere else: no redirect,
so the token is never put in the session or a message to show on the next page, and the answer
is marked not to be stored by the browser's cache.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import ApiToken
from accounts.tokens import MAX_ACTIVE, TokenRefused, token_create, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=80,
        help_text="A name to tell it apart, such as 'Power BI workbook' or 'R on my laptop'.",
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    made, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made = token_create(
                    person=request.user, name=form.cleaned_data["name"], request=request
                )
            except TokenRefused as refused:
                form.add_error(None, str(refused))
            else:
                form, status = TokenForm(), 201
    return render(request, "accounts/tokens.html", _context(request, form, made), status=status)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Another person's token is not found (404), as the API answers for what one may not see."""
    token = get_object_or_404(ApiToken, pk=pk, person=request.user)
    token_revoke(token, request=request)
    messages.success(request, f"The token '{token.name}' ({token.prefix}…) no longer works.")
    return redirect("accounts-tokens")


def _context(request: HttpRequest, form: TokenForm, made) -> dict:
    return {
        "form": form,
        "made": made,
        "tokens": ApiToken.objects.filter(person=request.user),
        "max_active": MAX_ACTIVE,
        "schema_url": reverse("api-openapi"),
        "nav": "your-data",
    }
