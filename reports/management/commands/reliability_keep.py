from django.core.management.base import BaseCommand

from reports.reliability_kept import missing_reliability, round_reliability_keep


class Command(BaseCommand):
    help = (
        "Work out and keep the reliability figures, with their bootstrap intervals, of every "
        "closed round that has none kept or has them under another split rule (about a tenth "
        "of a second per framework). Rounds closing keep theirs as they close: run this after "
        "upgrading, loading rounds or changing AGREEMENT_BAND or AGREEMENT_MAX_OUTSIDE."
    )

    def handle(self, *args, **options):
        missing = missing_reliability()
        kept = 0
        for n, assessment_id in enumerate(missing, start=1):
            kept += bool(round_reliability_keep(assessment_id=assessment_id))
            if n % 50 == 0:
                self.stdout.write(f"{n} of {len(missing)} rounds worked out…")
        self.stdout.write(f"Reliability figures kept for {kept} closed rounds that had none.")
