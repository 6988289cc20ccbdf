"""`manage.py pdf_sweep`: remove stored PDFs that nothing names any more."""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from reports.services import ORPHAN_AGE, pdf_orphans_sweep


class Command(BaseCommand):
    help = (
        "Remove stored PDFs that no rendered PDF names and that are over an hour old: files "
        "storage refused to remove when a round was reopened or a report changed, or a render's "
        "that died before recording its file; and board packs too old to be served again. The "
        "PDF worker does this hourly by itself."
    )

    def handle(self, *args, **options):
        try:
            removed = pdf_orphans_sweep(older_than=ORPHAN_AGE)
        except Exception as exc:  # a folder raises OSError; a bucket, its client's errors
            raise CommandError(f"The file storage refused the sweep: {exc}") from exc
        self.stdout.write(
            f"Removed {removed} stored PDF{pluralize(removed)} that no rendered PDF names."
        )
