"""Erasing a person: every holder of personal data in turn, in one transaction, or none.

Used by ``manage.py erase_person`` and the staff erasure page. A preview runs the same erasure
and rolls it back, so what staff are shown is exactly what confirming will do; files (cached
PDFs) are removed only once an erasure commits (holders delete them ``on_commit``).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts import audit
from accounts.models import AuditKind
from accounts.personal_data import AccountsHolder, Erased, holders


class Refused(Exception):
    """The person cannot be erased yet: the message says what to do first."""


@dataclass
class Outcome:
    """What an erasure removed and kept, or would (a preview)."""

    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


def person_with_address(email: str):
    """The account with this address (its own, or one allauth holds for it), or None. An
    account already erased has no address left, so it is never found again."""
    from allauth.account.models import EmailAddress

    email = (email or "").strip()
    if not email:
        return None
    users = get_user_model()._default_manager
    found = users.filter(email__iexact=email).first()
    if found is None:
        linked = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        found = linked.user if linked else None
    return found


def refusals(user, by=None) -> list[str]:
    """Why the person cannot be erased now (by ``by``, where a person asks), from every holder,
    and the account's own: nobody erases themselves, only a superuser erases a superuser, and
    the last one never."""
    reasons = []
    if by is not None and by.pk == user.pk:
        reasons.append("You cannot erase yourself: ask another member of staff.")
    if user.is_superuser:
        if by is not None and not by.is_superuser:
            reasons.append("Only a superuser may erase a superuser.")
        others = get_user_model()._default_manager.filter(is_superuser=True, is_active=True)
        if not others.exclude(pk=user.pk).exists():
            reasons.append("This is the last superuser: make someone else a superuser first.")
    return reasons + [reason for holder in holders() if (reason := holder.refusal(user))]


def erase_person(user, *, by=None, request=None, preview: bool = False) -> Outcome:
    """Erase the person (or, with ``preview``, say what erasing them would do).

    Raises Refused, before changing anything, when a holder refuses."""
    with transaction.atomic():
        user = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
        if reasons := refusals(user, by):
            raise Refused(" ".join(reasons))
        done = Erased()
        for holder in _in_erasure_order():
            done.add(holder.erase(user))
        if preview:
            transaction.set_rollback(True)
        else:
            audit.record(
                AuditKind.ERASED,
                by=by,
                request=request,
                detail=f"Account {user.pk} erased; {len(done.removed)} kinds of record removed.",
            )
    return Outcome(removed=done.removed, kept=done.kept)


def _in_erasure_order():
    """accounts' own holder last: the others find the person's rows through the account."""
    return sorted(holders(), key=lambda holder: isinstance(holder, AccountsHolder))
