from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.documents import FrameworkFileError, default_paths
from frameworks.services import framework_files_load


class Command(BaseCommand):
    help = (
        "Validate framework files (default: every file in fixtures/frameworks/) and load them in "
        "one transaction. Nothing is loaded if any file fails; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Framework files to load.")

    def handle(self, *args, paths, **options):
        paths = paths or default_paths()
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        try:
            summary = framework_files_load(paths=paths)
        except FrameworkFileError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was loaded."
            ) from exc
        self.stdout.write(f"Frameworks: {summary} ({len(paths)} file(s) checked).")
