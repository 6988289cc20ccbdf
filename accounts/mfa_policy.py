"""Who must have a second factor (MFA_REQUIRED): none, staff, leads (and staff), or everyone.
People signed in through a provider are not asked: their provider asks for its own."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings

from accounts.personal_data import holders

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def named_by_policy(user, policy: str | None = None) -> bool:
    policy = policy or settings.MFA_REQUIRED
    if policy == "everyone":
        return True
    if policy in {"staff", "leads"} and (user.is_staff or user.is_superuser):
        return True
    return policy == "leads" and any(holder.leads_a_place(user) for holder in holders())


def signed_in_through_provider(request) -> bool:
    records = get_authentication_records(request, request.user)
    return any(r.get("method") == "socialaccount" for r in records)


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def must_set_up(request) -> bool:
    """Whether this signed-in person must set up a second factor before going on."""
    user = request.user
    return (
        user.is_authenticated
        and named_by_policy(user)
        and not signed_in_through_provider(request)
        and not has_second_factor(user)
    )
