"""Sign-in pages of the app's own: allauth's sign-in under its old name, and setting a password
from an e-mailed link, going straight on to the page the person was asked to use.

An invitation's link leads through setting a password to the address in ``next`` when the link
carries one (a link asked for from the sign-in page of the scoring page carries it), else where a
sign-in lands (LOGIN_REDIRECT_URL: the one round waiting for the person's answers, else home).
"""

from allauth.account import views as allauth_views
from allauth.mfa.base.views import IndexView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts.forms import SetPasswordLinkForm
from accounts.invitations import confirm_address
from accounts.mfa_policy import has_second_factor, must_set_up

# Where to go once the password is set, kept across the link's redirect to its token-free page.
NEXT_SESSION_KEY = "password_set_next"

login = allauth_views.LoginView.as_view()
logout = allauth_views.LogoutView.as_view()


def no_address_changes(request: HttpRequest):
    """allauth's pages for adding, changing and confirming addresses and linking providers'
    accounts, which this app does not offer: the address a person was invited at is the one
    their place knows them by, and the one a provider signs in."""
    raise Http404("Addresses are changed by staff.")


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address asked for, if it stays on this site; else empty."""
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else ""


class PasswordLinkView(auth_views.PasswordResetView):
    """Ask for a link to set a password; one asked for on the way to a page leads back to it."""

    form_class = SetPasswordLinkForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": safe_next(self.request)}

    def form_valid(self, form):
        self.extra_email_context = {"next": safe_next(self.request)}
        return super().form_valid(form)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password from the link: signed in at once, and on to score. The link came to the
    address, so the address counts as confirmed."""

    post_reset_login = True
    # The sign-in throttle's backend needs the request's credentials; the link has proved who
    # this is, so the person is signed in with the plain model backend.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def dispatch(self, request, *args, **kwargs):
        if wanted := safe_next(request):
            request.session[NEXT_SESSION_KEY] = wanted
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        # Someone with a second factor signs in with it: the link proves the mailbox, not them.
        self.post_reset_login = not has_second_factor(self.user)
        response = super().form_valid(form)
        confirm_address(self.user)
        if self.post_reset_login:
            messages.success(self.request, "Your password is set and you are signed in.")
        else:
            messages.success(
                self.request, "Your password is set. Sign in with it and your second factor."
            )
        return response

    def get_success_url(self) -> str:
        wanted = self.request.session.pop(NEXT_SESSION_KEY, "")
        if not self.post_reset_login:
            login = resolve_url("login")
            return f"{login}?{urlencode({'next': wanted})}" if wanted else login
        return wanted or resolve_url(settings.LOGIN_REDIRECT_URL)


class SecurityView(IndexView):
    """allauth's "Sign-in and security" page (mfa_index), told whether MFA_REQUIRED names this
    person and they have no second factor yet: the page then says their role needs one."""

    def get_context_data(self, **kwargs):
        required = must_set_up(self.request)
        return {**super().get_context_data(**kwargs), "second_factor_required": required}
