from django.core.management.base import BaseCommand

from assessment.models import Assessment, RoundStatus
from assessment.reliability_selectors import rounds_reliability

BATCH = 50


class Command(BaseCommand):
    help = (
        "Work out and keep in the cache every closed round's reliability figures with their "
        "bootstrap intervals (about a tenth of a second per framework), so that the compare "
        "page, which does not wait for an interval, shows them all. Run it after loading or "
        "closing many rounds, e.g. nightly from cron; figures already kept are read back."
    )

    def handle(self, *args, **options):
        ids = list(
            Assessment.objects.filter(status=RoundStatus.CLOSED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), BATCH):
            rounds_reliability(ids[start : start + BATCH])
        self.stdout.write(f"Reliability figures kept for {len(ids)} closed rounds.")
