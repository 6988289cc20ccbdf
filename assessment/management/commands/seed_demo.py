from django.core.management.base import BaseCommand, CommandError

from assessment.demo import DEMO_PASSWORD, seed_demo
from assessment.imports import plural
from frameworks.models import FrameworkVersion


class Command(BaseCommand):
    help = (
        "Create fictional demo places, people and rounds (idempotent). With --places N, also "
        "N synthetic places with two shared rounds each, for testing at national scale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--places", type=int, default=0, help="Extra synthetic places.")
        parser.add_argument("--respondents", type=int, default=20, help="Per synthetic round.")

    def handle(self, *args, places, respondents, **options):
        if places < 0 or respondents < 1:
            raise CommandError("--places must be 0 or more and --respondents 1 or more.")
        if not FrameworkVersion.objects.filter(status="published").exists():
            raise CommandError("No published frameworks: run 'manage.py load_frameworks' first.")
        counts = seed_demo(extra_places=places, respondents_per_round=respondents)
        self.stdout.write(
            f"Demo data: {plural(counts['places'], 'place')} and "
            f"{plural(counts['rounds'], 'demo round')} added; "
            f"sign in as admin@example.org (or any demo user) with password {DEMO_PASSWORD!r}."
        )
