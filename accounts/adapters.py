"""How django-allauth behaves here: nobody signs themselves up; a provider's verified address
signs its person in to the account they were invited at; and where a sign-in then goes."""

import time

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base.constants import AuthError, AuthProcess
from django.conf import settings
from django.shortcuts import render

from accounts import audit
from accounts.invitations import confirm_address
from accounts.models import AuditKind
from accounts.oidc import nonce_matches

# What socialaccount/authentication_error.html is told when the provider did not answer.
UNREACHABLE = "unreachable"

# allauth's second-factor stage, and ours in its place (accounts.stages).
ALLAUTH_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"
MFA_STAGE = "accounts.stages.SecondFactorStage"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "That e-mail address and password do not match. Passwords "
        "are case-sensitive.",
        # Wrong passwords meet django-axes's lock-out page; this is for second-factor codes.
        "too_many_login_attempts": "Too many wrong codes. Wait 15 minutes and try again; if you "
        "have lost your authenticator app, use one of your recovery codes.",
    }

    def is_open_for_signup(self, request) -> bool:
        return False  # people are invited (accounts.invitations)

    def pre_authenticate(self, request, **credentials) -> None:
        """Wrong passwords are counted by django-axes (accounts.throttle), whose lock-out page
        says when to try again; allauth's own count would answer first, with a form error. Its
        count of wrong second-factor codes (allauth.mfa) stays."""

    def is_reauthentication_required(self, *, app, **kwargs) -> bool:
        """Confirming who you are before changing how you sign in: not within minutes of
        signing in (the person MFA_REQUIRED sends to set up a second factor has just typed their
        password), as allauth counts only an explicit re-confirmation as recent."""
        from allauth.account import app_settings
        from allauth.core import context

        request = context.request
        records = get_authentication_records(request, request.user) if request else []
        if (
            records
            and time.time() - records[-1].get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        return [MFA_STAGE if stage == ALLAUTH_MFA_STAGE else stage for stage in stages]

    def login(self, request, user) -> None:
        """A code e-mailed to the address and typed back proves the address is the person's:
        recorded as confirmed, it lets them confirm it is them by e-mailed code later (to set
        up a second factor, say) when they have no password."""
        super().login(request, user)
        records = get_authentication_records(request, user)
        if any(r.get("method") == "code" for r in records):
            confirm_address(user)

    def populate_username(self, request, user) -> None:
        user.username = (user.email or "").lower()[:150]

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's messages (sign-in codes, second factors changed) go by the worker, as all
        the app's e-mail does: a slow mail server never holds the page."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from accounts.tasks import mail_message

        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        mail_message.enqueue(to=email, subject=message.subject, body=message.body)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        if not nonce_matches(sociallogin):
            raise ImmediateHttpResponse(
                refusal(request, "The sign-in could not be checked", "nonce")
            )
        verified = {a.email.lower() for a in sociallogin.email_addresses if a.verified}
        if not verified:
            raise ImmediateHttpResponse(
                refusal(request, "Your provider has not confirmed your address", "unverified")
            )
        # Linking a provider to the account signed in: only the provider's account for the same
        # address (else anyone at an unlocked screen could add a way in of their own).
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if connecting and request.user.email.lower() not in verified:
            raise ImmediateHttpResponse(
                refusal(request, "That account is for another address", "other address")
            )

    def authenticate_by_email(self, sociallogin):
        """The account invited at the provider's verified address. Staff and leads typed that
        address: it is recorded as confirmed, so allauth does not take the account for one
        someone else signed up with, and wipe its password."""
        found = super().authenticate_by_email(sociallogin)
        if found:
            confirm_address(found[0], found[1])
        return found

    def get_requests_session(self):
        """allauth's connection to the provider (discovery, tokens, keys, user info), whose
        failure ends the sign-in on the page saying the provider could not be reached. allauth
        lets some of these failures escape as a server error: the discovery document, fetched
        as the person presses "Sign in with …" and again before the code is exchanged."""
        session = super().get_requests_session()
        send = session.request

        def request(*args, **kwargs):
            try:
                return send(*args, **kwargs)
            except requests.RequestException as error:
                raise ImmediateHttpResponse(self._unreachable(error)) from error

        session.request = request
        return session

    def _unreachable(self, error):
        from allauth.core import context

        request = context.request
        match = getattr(request, "resolver_match", None)
        provider_id = match.kwargs.get("provider_id") if match else None
        if provider_id is None:
            raise error
        provider = self.get_provider(request, provider_id)
        return render_authentication_error(
            request, provider, exception=error, extra_context={"reason": UNREACHABLE}
        )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """Say on the error page (socialaccount/authentication_error.html) what went wrong, in
        the person's terms, and keep the failed sign-in in the audit log."""
        reason = _error_reason(request, error, exception, extra_context or {})
        if extra_context is not None:
            extra_context["reason"] = reason
        audit.record(
            AuditKind.SIGN_IN_FAILED,
            request=request,
            detail=f"Through {provider.name}: {reason}",
        )

    def is_open_for_signup(self, request, sociallogin) -> bool:
        """Only an address at one of OIDC_ALLOWED_DOMAINS gets an account without an invitation
        (invited people already have one, and sign in to it)."""
        domains = set(settings.OIDC_ALLOWED_DOMAINS)
        verified = [a.email.lower() for a in sociallogin.email_addresses if a.verified]
        if any(email.rpartition("@")[2] in domains for email in verified):
            return True
        raise ImmediateHttpResponse(
            refusal(request, "This address has not been invited", "uninvited", email=verified[0])
        )

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        user.username = user.email[:150]
        return user


def _error_reason(request, error, exception, extra_context: dict) -> str:
    """Why a provider's sign-in failed, as the error page tells it: the provider could not be
    reached, it said no (or the person cancelled), the answer matched no sign-in started here
    (a wrong or replayed state), or its answer failed the checks (an expired or foreign token,
    a code already used)."""
    if extra_context.get("reason") == UNREACHABLE or isinstance(
        exception, requests.RequestException
    ):
        return UNREACHABLE
    if error == AuthError.CANCELLED:
        return "cancelled"
    if "callback_view" in extra_context and "state" not in extra_context:
        return "state"
    if "error" in request.GET:
        return "refused"
    return "not accepted"


def refusal(request, title: str, reason: str, *, email: str = ""):
    """The page a refused provider sign-in ends on: what happened and what to do; no session.
    The refusal is kept in the audit log (with the address, when nobody was invited at it)."""
    audit.record(AuditKind.SIGN_IN_FAILED, request=request, email=email, detail=reason)
    return render(
        request,
        "accounts/provider_refused.html",
        {"title": title, "reason": reason, "email": email},
        status=403,
    )
