"""Writing the audit log (accounts.models.AuditEvent), and the listeners that write it.

Sign-ins, failed sign-ins, sign-outs and changes to a second factor are heard here, from Django's
and allauth's signals (AccountsConfig.ready imports this module, which connects them). Role
changes and exports are recorded where they happen, in the apps above, by calling ``record``.
``detail`` says how or what, never who: a name or an address there would outlive an erasure.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import AuditEvent, AuditKind


def record(kind: AuditKind, *, person=None, by=None, request=None, email="", detail=""):
    """Keep one event. ``request`` gives the address it came from."""
    return AuditEvent.objects.create(
        kind=kind,
        person=person if person is not None and person.pk else None,
        by=by if by is not None and by.pk else None,
        email=email[:254],
        ip_address=_address(request),
        detail=detail[:500],
    )


def _address(request) -> str | None:
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


# --- how someone signed in ----------------------------------------------------------------------

# allauth's kinds of second factor, as a person would name them: what they typed or used to
# sign in, and what they set up.
FACTORS = {
    "totp": "authenticator app code",
    "webauthn": "security key or passkey",
    "recovery_codes": "recovery code",
}
DEVICES = {
    "totp": "authenticator app",
    "webauthn": "passkey or security key",
    "recovery_codes": "recovery codes",
}


def sign_in_methods(request, user) -> str:
    """How this sign-in was made, in the order its steps came (allauth keeps a record of each
    step in the session): "password, then authenticator app code", "e-mailed code",
    "provider NHSmail", "passkey". Steps of a later re-authentication are left out."""
    steps = []
    for step in get_authentication_records(request, user):
        if step.get("reauthenticated"):
            continue
        words = _step_words(request, step)
        if words and words not in steps:
            steps.append(words)
    if steps:
        return ", then ".join(steps)
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "password_reset_confirm":
        return "new password from an e-mailed link"
    return "method not recorded"


def _step_words(request, step: dict) -> str:
    method = step.get("method")
    if method == "password":
        return "password"
    if method == "code":
        return "e-mailed code"
    if method == "password_reset":
        return "new password from an e-mailed link"
    if method == "socialaccount":
        return f"provider {_provider_name(request, step.get('provider', ''))}"
    if method == "mfa":
        if step.get("passwordless"):
            return "passkey"
        return FACTORS.get(step.get("type"), "second factor")
    return str(method or "")


def _provider_name(request, provider_id: str) -> str:
    """The name the sign-in page shows for the provider (OIDC_PROVIDERS' "name"), else its id."""
    from allauth.socialaccount.adapter import get_adapter

    try:
        return get_adapter().get_provider(request, provider_id).name
    except Exception:  # a provider since removed from OIDC_PROVIDERS still has its sign-ins
        return provider_id or "unknown"


# --- the listeners ------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="accounts.audit.signed_in")
def _signed_in(sender, request, user, **kwargs):
    record(AuditKind.SIGNED_IN, person=user, request=request, detail=sign_in_methods(request, user))


@receiver(user_logged_out, dispatch_uid="accounts.audit.signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditKind.SIGNED_OUT, person=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.audit.sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    """The account tried, where the address typed is one; else the address as typed (cut to
    the field's length), so staff can see someone trying addresses. Never the password."""
    typed = _typed_address(credentials or {}, request)
    person = None
    if typed:
        person = get_user_model().objects.filter(email__iexact=typed).first()
    locked = getattr(request, "axes_locked_out", False)
    record(
        AuditKind.SIGN_IN_FAILED,
        person=person,
        email="" if person else typed,
        request=request,
        detail="locked out after repeated failures" if locked else "password",
    )


def _typed_address(credentials: dict, request) -> str:
    for key in ("email", "username", "login"):
        if value := credentials.get(key):
            return str(value).strip().lower()
    if request is not None and request.method == "POST":
        return (request.POST.get("login") or request.POST.get("username") or "").strip().lower()
    return ""


@receiver(mfa_signals.authentication_failed, dispatch_uid="accounts.audit.factor_failed")
def _factor_failed(sender, request, user, authenticator, **kwargs):
    record(
        AuditKind.SIGN_IN_FAILED,
        person=user,
        request=request,
        detail=f"second factor: wrong {FACTORS.get(authenticator.type, 'code')}",
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="accounts.audit.factor_added")
def _factor_added(sender, request, user, authenticator, **kwargs):
    _factor_changed(request, user, authenticator, "added")


@receiver(mfa_signals.authenticator_removed, dispatch_uid="accounts.audit.factor_removed")
def _factor_removed(sender, request, user, authenticator, **kwargs):
    _factor_changed(request, user, authenticator, "removed")


@receiver(mfa_signals.authenticator_reset, dispatch_uid="accounts.audit.factor_reset")
def _factor_reset(sender, request, user, authenticator, **kwargs):
    _factor_changed(request, user, authenticator, "renewed")


def _factor_changed(request, user, authenticator, what: str) -> None:
    """Who changed a person's second factor: the person themselves, or (from the admin) staff."""
    by = getattr(request, "user", None)
    by = by if by is not None and by.is_authenticated and by.pk != user.pk else None
    kind = DEVICES.get(authenticator.type, "second factor")
    record(AuditKind.MFA_CHANGED, person=user, by=by, request=request, detail=f"{kind} {what}")
