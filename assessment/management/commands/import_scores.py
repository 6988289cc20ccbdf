from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment.imports import ScoresFileError, check_rows, plural, read_table
from assessment.models import Assessment, Place
from assessment.services import assessment_open, scores_import
from frameworks.selectors import latest_published_versions


class Command(BaseCommand):
    help = (
        "Import workshop scores (CSV or XLSX, columns respondent,framework,item,current,target,"
        "evidence) into a place's round, creating the round (and, with --place-name, the place) "
        "when absent. Any bad line refuses the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--place", required=True, help="The place's code.")
        parser.add_argument("--period", required=True, help='The round\'s period, e.g. "2026 Q4".')
        parser.add_argument("--place-name", help="Create the place with this name if it is absent.")
        parser.add_argument(
            "--add-respondents",
            action="store_true",
            help="Add names the round does not have as new respondents (otherwise each is "
            "refused, with the closest existing name suggested). A round the import creates "
            "takes every name as new.",
        )
        parser.add_argument(
            "--mark-submitted",
            action="store_true",
            help="Mark everyone in the file as having submitted (otherwise only those whose "
            "answers cover every item of the round are).",
        )

    def handle(
        self, *args, file, place, period, place_name, add_respondents, mark_submitted, **options
    ):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        found = Place.objects.filter(code=place).first()
        if found is None and not place_name:
            raise CommandError(f"No place with code {place!r}; give --place-name to create it.")
        assessment = found and Assessment.objects.filter(place=found, period=period).first()
        versions = (
            list(assessment.framework_versions.prefetch_related("levels", "items"))
            if assessment
            else latest_published_versions()
        )
        try:
            rows = check_rows(read_table(file.name, file.read_bytes()), versions)
            with transaction.atomic():
                if found is None:
                    found = Place.objects.create(code=place, name=place_name)
                if assessment is None:
                    assessment = assessment_open(
                        place=found, period=period, versions=versions, participants=[]
                    )
                    add_respondents = True  # a new round: everyone in the sheet is new
                summary = scores_import(
                    assessment=assessment,
                    rows=rows,
                    add_respondents=add_respondents,
                    mark_submitted={row.respondent for row in rows} if mark_submitted else (),
                )
        except ScoresFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            problems = plural(len(exc.errors), "problem")
            raise CommandError(f"{problems}; nothing was imported.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Imported {summary} into assessment {assessment.pk} ({found.name}, {period})."
        )
