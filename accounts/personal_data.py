"""Personal data across the apps: what each holds about a person, exported and erased.

accounts sits below the apps that hold people's words and scores (assessment, reports), so it
cannot read their models. Each of those apps registers a holder in its ``AppConfig.ready``;
"Your data", ``erase_person`` and the staff erasure page ask every holder in turn. accounts'
own holder (sign-in records and the audit log) is registered here, first, and is erased last:
the other holders find the person's rows through the account it empties.
"""

import json
from dataclasses import dataclass, field
from typing import Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

# What a person's kept scores, names in a round's history and reminders read as once erased.
FORMER_PARTICIPANT = "A former participant"


@dataclass
class Erased:
    """What one holder removed, and what it kept and why (shown to staff after an erasure)."""

    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def add(self, other: "Erased") -> "Erased":
        self.removed += other.removed
        self.kept += other.kept
        return self


class Holder(Protocol):
    label: str  # a heading for its part of the export, e.g. "Rounds and answers"

    def refusal(self, user) -> str | None:
        """Why this person cannot be erased now, saying what to do first; else None."""

    def export(self, user) -> dict[str, list[dict]]:
        """Everything held about the person: table name → rows (plain values only)."""

    def erase(self, user) -> Erased:
        """Remove the person's name, address and free text; keep what keeps the numbers whole."""

    def leads_a_place(self, user) -> bool:
        """Whether the person leads a place (MFA_REQUIRED=leads names them)."""


_holders: list[Holder] = []


def register(holder: Holder) -> None:
    if all(type(h) is not type(holder) for h in _holders):
        _holders.append(holder)


def holders() -> list[Holder]:
    return list(_holders)


def everything_about(user) -> dict[str, dict[str, list[dict]]]:
    """Each holder's part of a person's data, by its label: what "Your data" downloads."""
    return {holder.label: holder.export(user) for holder in holders()}


def as_json(data) -> str:
    """The export as JSON: dates and times as ISO 8601 text."""
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


class AccountsHolder:
    """The account itself, its addresses, providers, second factors, sign-in records and the
    audit log's events about the person."""

    label = "Account and sign-in"

    def refusal(self, user) -> str | None:
        return None

    def leads_a_place(self, user) -> bool:
        return False

    def export(self, user) -> dict[str, list[dict]]:
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.socialaccount.models import SocialAccount
        from axes.models import AccessLog

        from accounts.models import AuditEvent

        return {
            "account": [
                {
                    "username": user.username,
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "email": user.email,
                    "date_joined": user.date_joined,
                    "last_login": user.last_login,
                    "is_active": user.is_active,
                    "is_staff": user.is_staff,
                    "has_password": user.has_usable_password(),
                }
            ],
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
            "providers_linked": list(
                SocialAccount.objects.filter(user=user).values(
                    "provider", "uid", "date_joined", "last_login", "extra_data"
                )
            ),
            # Which second factors, never their secrets (the data column holds them).
            "second_factors": list(
                Authenticator.objects.filter(user=user).values("type", "created_at", "last_used_at")
            ),
            # django-axes's record of each sign-in: when, from where, with which browser.
            "sign_in_records": list(
                AccessLog.objects.filter(username__in=_addresses_of(user))
                .order_by("attempt_time")
                .values("attempt_time", "logout_time", "ip_address", "user_agent")
            ),
            "audit_events": [
                {
                    "at": event.at,
                    "kind": event.get_kind_display(),
                    "ip_address": event.ip_address,
                    "detail": event.detail,
                    "by_someone_else": event.by_id is not None and event.by_id != user.pk,
                }
                for event in AuditEvent.objects.filter(person=user)
            ],
        }

    def erase(self, user) -> Erased:
        """Sign-in records go; the account stays, emptied and unable to sign in, so the scores
        and changes that point at it keep pointing at one (former) participant."""
        done = Erased()
        addresses = _addresses_of(user)
        done.removed += _erase_sign_in_records(user, addresses)
        done.removed += _erase_audit_identity(user, addresses)
        done.removed += _erase_history_users(user)
        done.removed += _erase_queued_mail(addresses)
        done.removed += _erase_admin_log(user, addresses)
        _empty_account(user)
        done.removed.append(
            f"Their name and e-mail address from the account, now 'erased-{user.pk}' named "
            f"'{FORMER_PARTICIPANT}': it cannot sign in, has no password and no staff rights"
        )
        done.kept.append(
            "The emptied account itself, so the scores, agreed positions and actions that point "
            "at it still count as one person's"
        )
        done.kept.append(
            "Audit log events about them, without their name or address: information governance "
            "keeps the fact of each sign-in, change and erasure"
        )
        return done


def _addresses_of(user) -> set[str]:
    from allauth.account.models import EmailAddress

    found = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    return {address.lower() for address in found if address}


def _erase_sign_in_records(user, addresses: set[str]) -> list[str]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    removed = []
    counted = [
        ("e-mail address record", "e-mail address records", EmailAddress),
        ("link to a sign-in provider", "links to sign-in providers", SocialAccount),
        ("second factor (an app, a passkey or recovery codes)", "second factors", Authenticator),
    ]
    for one, many, model in counted:
        if n := model.objects.filter(user=user).delete()[1].get(model._meta.label, 0):
            removed.append(f"{n} {one if n == 1 else many}")
    sessions = [s.pk for s in Session.objects.all() if _session_of(s, user)]
    if sessions:
        Session.objects.filter(pk__in=sessions).delete()
        removed.append(f"{len(sessions)} sign-in session{'s' if len(sessions) != 1 else ''}")
    names = addresses | {user.username.lower()}
    attempts = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        pks = [
            pk
            for pk, username in model.objects.values_list("pk", "username")
            if username and username.strip().lower() in names
        ]
        attempts += model.objects.filter(pk__in=pks).delete()[1].get(model._meta.label, 0)
    if attempts:
        removed.append(f"{attempts} record{'s' if attempts != 1 else ''} of sign-in attempts")
    return removed


def _session_of(session, user) -> bool:
    try:
        return str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    except Exception:  # a session that no longer decodes belongs to nobody we can tell
        return False


def _erase_audit_identity(user, addresses: set[str]) -> list[str]:
    from accounts.models import AuditEvent

    about = AuditEvent.objects.filter(person=user).update(person=None, email="")
    by = AuditEvent.objects.filter(by=user).update(by=None)
    typed = sum(
        AuditEvent.objects.filter(email__iexact=address).update(email="") for address in addresses
    )
    n = about + by + typed
    if not n:
        return []
    return [f"Their name and address from {n} audit log event{'s' if n != 1 else ''}"]


def _erase_history_users(user) -> list[str]:
    """Every history table (django-simple-history's ``history_user``) keeps the change, not
    who made it: found by field, so accounts need not know the apps above it."""
    from django.apps import apps

    n = 0
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "history_user" in names and "history_date" in names:
            n += model._default_manager.filter(history_user=user).update(history_user=None)
    if not n:
        return []
    return [f"Their name as the author of {n} change{'s' if n != 1 else ''} in the history"]


def _erase_queued_mail(addresses: set[str]) -> list[str]:
    """Background tasks whose arguments or results name an address (an e-mail waiting to go,
    a sign-in code, a list of whom an invitation reached)."""
    if not addresses:
        return []
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database queue is not installed
        return []
    found = [
        row.pk
        for row in DBTaskResult.objects.only("pk", "args_kwargs", "return_value").iterator()
        if any(a in json.dumps([row.args_kwargs, row.return_value]).lower() for a in addresses)
    ]
    if not found:
        return []
    DBTaskResult.objects.filter(pk__in=found).delete()
    return [f"{len(found)} background task{'s' if len(found) != 1 else ''} naming their address"]


def _erase_admin_log(user, addresses: set[str]) -> list[str]:
    """The admin's log names what staff changed by its name then: an account by its username
    or address, a membership by its person's address."""
    import re

    from django.contrib.admin.models import LogEntry

    words = addresses | {user.username, user.get_full_name()}
    words = sorted((w for w in words if w and len(w) > 2), key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    query = Q()
    for word in words:
        query |= Q(object_repr__icontains=word) | Q(change_message__icontains=word)
    n = 0
    for entry in LogEntry.objects.filter(query):
        entry.object_repr = pattern.sub(FORMER_PARTICIPANT, entry.object_repr)
        entry.change_message = pattern.sub(FORMER_PARTICIPANT, entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])
        n += 1
    if not n:
        return []
    return [f"Their name and address from {n} entr{'y' if n == 1 else 'ies'} of the admin's log"]


def _empty_account(user) -> None:
    user.username = f"erased-{user.pk}"
    # Pages that name who recorded, reminded or opened something now read "A former participant".
    user.first_name, user.last_name, user.email = FORMER_PARTICIPANT, "", ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


register(AccountsHolder())
