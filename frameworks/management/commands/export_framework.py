import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from frameworks.selectors import framework_version_document, framework_version_get


class Command(BaseCommand):
    help = "Print a framework version as JSON (default: the latest published version)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version here is the framework's version; it replaces Django's own --version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--version", dest="framework_version", default=None)

    def handle(self, *args, slug, framework_version, **options):
        try:
            version = framework_version_get(slug=slug, version=framework_version)
        except Http404 as exc:
            raise CommandError(str(exc)) from exc
        document = framework_version_document(version)
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
