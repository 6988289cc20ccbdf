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
        "(at most once a day per round; a round whose reminder reached nobody is tried again). "
        "Run it daily, e.g. from cron. With TASKS_BACKEND=database it queues the e-mails and the "
        "worker (manage.py pdf_worker) sends them."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = Assessment.objects.filter(
            status=RoundStatus.OPEN,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=settings.REMINDER_DAYS),
        ).select_related("place")
        rounds = people = queued = failed = 0
        for assessment in due:
            try:
                reminded = round_remind(assessment=assessment, base_url=settings.SITE_URL)
            except ValidationError:
                continue  # reminded already today, or nobody left to remind
            rounds += 1
            people += len(reminded.sent)
            queued += len(reminded.queued)
            failed += len(reminded.failed)
            for name in reminded.failed:
                self.stderr.write(f"{assessment}: the e-mail to {name} was not sent")
        within = f"{rounds} rounds due within {settings.REMINDER_DAYS} days"
        if queued:
            self.stdout.write(f"Queued reminders to {queued} people in {within}.")
        else:
            self.stdout.write(f"Reminded {people} people in {within}; {failed} e-mails not sent.")
