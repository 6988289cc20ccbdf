"""What the accounts app keeps of its own: the audit log, and people's API tokens."""

from django.conf import settings
from django.db import models


class AuditKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    ROLE_CHANGED = "role_changed", "Role changed"
    EXPORTED = "exported", "Response-level data exported"
    ERASED = "erased", "Person erased"
    DATA_DOWNLOADED = "data_downloaded", "Own data downloaded"
    MFA_CHANGED = "mfa_changed", "Multi-factor changed"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"


class AuditEvent(models.Model):
    """One thing that happened that information governance asks to see later.

    ``person`` is whom it is about (who signed in, whose role changed, who was erased); ``by``
    who did it where that is someone else (the lead who changed a role). ``email`` is the address
    typed at a failed sign-in, when it matches no account. Erasing a person empties ``person``
    and ``email`` on their events, so the log keeps the fact and not the identity; ``detail``
    never holds a name or an address."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=AuditKind.choices, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events_by",
    )
    email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"])]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A person's read-only key to the API and the data downloads, for their own tools (Power
    BI, R, Python). Only a SHA-256 digest of the token is kept: the token itself is shown once,
    when made. ``prefix`` is its visible start, so a person can tell their tokens apart and match
    one in a script to its row here. A revoked token stays listed, refused, until the person
    goes: the audit log points at the fact, the row says when it stopped working."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
