"""What the accounts app keeps of its own: the audit log."""

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
