from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from assessment.models import Assessment, RoundStatus
from assessment.services import round_remind


class Command(BaseCommand):
    help = (
        "E-mail everyone who has not submitted in open rounds due within REMINDER_DAYS days "
        "(at most once a day per round). Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = Assessment.objects.filter(
            status=RoundStatus.OPEN,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=settings.REMINDER_DAYS),
        ).select_related("place")
        rounds = people = failed = 0
        for assessment in due:
            try:
                reminded = round_remind(assessment=assessment, base_url=settings.SITE_URL)
            except ValidationError:
                continue  # reminded already today, or nobody left to remind
            rounds += 1
            people += len(reminded.reminder.names)
            failed += len(reminded.failed)
            for name in reminded.failed:
                self.stderr.write(f"{assessment}: the e-mail to {name} was not sent")
        self.stdout.write(
            f"Reminded {people} people in {rounds} rounds due within "
            f"{settings.REMINDER_DAYS} days; {failed} e-mails not sent."
        )
