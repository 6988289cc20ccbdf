"""Removes audit events, and django-axes's records of sign-ins and failed sign-ins, older than
AUDIT_RETENTION_DAYS: they are kept as long as the privacy notice says, and no longer. Run it
daily, beside remove_old_evidence."""

from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
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
        sign_ins, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
        failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
        self.stdout.write(
            f"Removed {removed} audit event{'' if removed == 1 else 's'} and "
            f"{sign_ins + failures} sign-in record{'' if sign_ins + failures == 1 else 's'} "
            f"older than {days} days."
        )
