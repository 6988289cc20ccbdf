from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from accounts.mfa_policy import must_set_up

# Pages a person who must set up a second factor may still open: the set-up itself (allauth's
# /accounts/2fa/ and re-authentication), signing out, and the statements.
_OPEN = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/static/")


class SecondFactorRequiredMiddleware:
    """Sends people MFA_REQUIRED names, who have no second factor yet, to set one up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED != "none" and self._held(request) and must_set_up(request):
            if request.method == "POST":
                messages.warning(
                    request,
                    "What you just sent was not saved: your role now needs a second factor. "
                    "Set one up, then go back and send it again.",
                )
            else:
                request.session["second_factor_next"] = request.get_full_path()
            return redirect("mfa_index")
        return self.get_response(request)

    @staticmethod
    def _held(request) -> bool:
        path = request.path
        if path.startswith(_OPEN) or path in {reverse("privacy"), reverse("accessibility")}:
            return False
        return request.user.is_authenticated
