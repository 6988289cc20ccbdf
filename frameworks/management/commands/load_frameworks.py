from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.documents import FrameworkFileError, default_paths
from frameworks.glossary import GLOSSARY_PATH, glossary_read
from frameworks.services import framework_files_load


class Command(BaseCommand):
    help = (
        "Validate framework files (default: every file in fixtures/frameworks/) and the glossary "
        "(fixtures/glossary.yaml), and load the frameworks in one transaction. Nothing is loaded "
        "if any file fails; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Framework files to load.")
        parser.add_argument(
            "--glossary",
            type=Path,
            default=GLOSSARY_PATH,
            help="The glossary to check (pages read fixtures/glossary.yaml).",
        )

    def handle(self, *args, paths, glossary, **options):
        paths = paths or default_paths()
        missing = [str(p) for p in [*paths, glossary] if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        try:
            terms = glossary_read(glossary).terms
            summary = framework_files_load(paths=paths)
        except FrameworkFileError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was loaded."
            ) from exc
        self.stdout.write(
            f"Frameworks: {summary} ({len(paths)} file(s) checked). "
            f"Glossary: {len(terms)} terms checked."
        )
