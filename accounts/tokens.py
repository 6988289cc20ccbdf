"""Personal read-only API tokens: made, found from what a request sends, and revoked.

A token reads ``imt_<prefix>_<secret>``: ``imt_`` says what it is (a secret scanner, or a person
finding one in a script, can tell), the eight hex characters of the prefix are shown on the
person's page to tell tokens apart, and the secret is 32 random bytes from ``secrets``. Only the
SHA-256 digest of the whole token is stored. A slow password hash is not needed: 256 random bits
cannot be guessed from a digest, and an exact digest is what lets a request be matched with one
indexed query.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import ApiToken, AuditKind

PREFIX = "imt_"
SHAPE = re.compile(r"imt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
# A person keeps at most this many working tokens: one per tool is plenty, and a list this
# long is still one they can read and prune.
MAX_ACTIVE = 10
# "Last used" is written at most this often, so a script polling every second does not write
# to the database on every read.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenRefused(Exception):
    """Why a token sent with a request is not accepted, in words for the person running it."""


@dataclass(frozen=True)
class Made:
    token: ApiToken
    plain: str  # shown once, on the page that made it; never kept


def digest_of(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def token_create(*, person, name: str, request=None) -> Made:
    """A new token for ``person``, recorded in the audit log by its prefix (never its name,
    which a person may have written as their own: the log holds no names)."""
    if active_tokens(person).count() >= MAX_ACTIVE:
        raise TokenRefused(
            f"You already have {MAX_ACTIVE} working tokens: revoke one you no longer use first."
        )
    prefix = secrets.token_hex(4)
    plain = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person, name=name.strip(), prefix=prefix, digest=digest_of(plain)
        )
        audit.record(
            AuditKind.TOKEN_CREATED, person=person, request=request, detail=f"token {prefix}"
        )
    return Made(token=token, plain=plain)


def token_revoke(token: ApiToken, *, request=None) -> None:
    """Stops the token working from the next request. Revoking twice changes nothing."""
    if token.revoked:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            AuditKind.TOKEN_REVOKED,
            person=token.person,
            request=request,
            detail=f"token {token.prefix}",
        )


def active_tokens(person):
    return ApiToken.objects.filter(person=person, revoked_at__isnull=True)


def person_of(plain: str):
    """The active person a token sent with a request stands for; else TokenRefused saying why.

    Unknown and revoked tokens are told apart: a person whose script stops working should learn
    that their token was revoked, and the digest of a revoked token tells a guesser nothing."""
    if not SHAPE.fullmatch(plain):
        raise TokenRefused(
            "That is not an API token: a token starts with 'imt_' and is 56 characters long. "
            "Make one on your API tokens page."
        )
    token = ApiToken.objects.select_related("person").filter(digest=digest_of(plain)).first()
    if token is None:
        raise TokenRefused(
            "This API token is not known here. Make a new one on your API tokens page."
        )
    if token.revoked:
        raise TokenRefused(
            "This API token has been revoked. Make a new one on your API tokens page."
        )
    if not token.person.is_active:
        raise TokenRefused("The account this API token belongs to can no longer sign in.")
    _note_use(token)
    return token.person


def _note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
