"""Removes audit events older than AUDIT_RETENTION_DAYS: the log is kept as long as the privacy
notice says, and no longer. Run it daily, beside remove_old_evidence."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import AuditEvent


class Command(BaseCommand):
    help = "Remove audit log events older than AUDIT_RETENTION_DAYS."

    def handle(self, *args, **options):
        days = settings.AUDIT_RETENTION_DAYS
        if days <= 0:
            self.stdout.write("AUDIT_RETENTION_DAYS is 0: the audit log is kept; nothing removed.")
            return
        cutoff = timezone.now() - timedelta(days=days)
        removed, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(
            f"Removed {removed} audit event{'' if removed == 1 else 's'} older than {days} days."
        )
