"""Sign-in throttling: django-axes' database handler, with a limit for each of its two rules."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Locks one account out at one address after ``AXES_FAILURE_LIMIT`` wrong passwords, and an
    address out, whatever the accounts, after ``AXES_ADDRESS_FAILURE_LIMIT``: one password tried
    across many accounts (AXES_LOCKOUT_PARAMETERS names the two rules, in that order).

    Axes counts the failures under each rule and compares the largest count with its one limit.
    The address needs a higher limit than an account, or an office behind one address where a
    few people mistype would be locked out together: so an address past its own limit counts as
    having reached the account limit."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        account, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(account, settings.AXES_FAILURE_LIMIT)
        return account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A sign-in clears its own account's failures at its address, and no other account's:
        else signing in to an account of one's own between guesses would wipe the address's
        count."""
        account, _address = self.filter_user_attempts(request, credentials)
        deleted, _ = account.delete()
        return deleted


def address_tried(request: HttpRequest, credentials: dict | None) -> str | None:
    """The e-mail address a sign-in tried: allauth's backend is given it as ``email``, its form
    posts it as ``login``; Django's own forms (the admin's) as ``username``."""
    credentials = credentials or {}
    for key in ("email", "username", "login"):
        if value := credentials.get(key):
            return str(value).strip().lower()
    posted = request.POST.get("login") or request.POST.get("username") if request else None
    return posted.strip().lower() if posted else None
