"""Erase a person by e-mail address (accounts.erasure): what went, what stayed and why."""

from django.core.management.base import BaseCommand, CommandError

from accounts.erasure import Refused, erase_person, person_with_address


class Command(BaseCommand):
    help = (
        "Erase a person: their name, e-mail address, the words they wrote and their sign-in "
        "records go; their scores stay as 'a former participant'. Refused for someone who leads "
        "a place whose round is not closed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The e-mail address the person signs in with.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go and stay; change nothing."
        )

    def handle(self, *args, email, dry_run, **options):
        person = person_with_address(email)
        if person is None:
            raise CommandError(
                f"No account has the address {email}: nothing erased. Check the spelling; a "
                "person already erased has no address left to find.",
                returncode=2,
            )
        try:
            outcome = erase_person(person, preview=dry_run)
        except Refused as refusal:
            raise CommandError(f"{email} was not erased. {refusal}", returncode=2) from None
        self.stdout.write(f"{email} {'would be' if dry_run else 'was'} erased.")
        self.stdout.write("Removed:" if not dry_run else "Would remove:")
        for line in outcome.removed or ["Nothing but the account's name and address."]:
            self.stdout.write(f"  - {line}")
        self.stdout.write("Kept:" if not dry_run else "Would keep:")
        for line in outcome.kept:
            self.stdout.write(f"  - {line}")
