"""Writes of workshop scores read from a spreadsheet."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assessment.imports import LineError, ScoresFileError
from assessment.models import (
    Assessment,
    Respondent,
    Response,
    RoundStatus,
)
from frameworks.models import Item


@dataclass(frozen=True)
class ImportSummary:
    respondents: int
    created_respondents: int
    responses: int

    def __str__(self):
        return (
            f"{self.responses} scores from {self.respondents} respondents "
            f"({self.created_respondents} new)"
        )


def scores_import(*, assessment: Assessment, rows: list) -> ImportSummary:
    """Save checked workshop rows: each named respondent's scores, marked as submitted.

    Rows come from assessment.imports.check_rows, so every line is already valid on its own.
    A sheet that names one person twice (by e-mail and by name) for the same item is refused
    with ScoresFileError, like any other bad line.
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    items = {
        (i.version.framework.slug, i.key): i
        for i in Item.objects.filter(version__assessments=assessment).select_related(
            "version__framework"
        )
    }
    with transaction.atomic():
        Assessment.objects.lock(assessment.pk).require_status(
            RoundStatus.OPEN,
            RoundStatus.CONSENSUS,
            refusal="This round is closed; scores can no longer be imported.",
        )
        respondents = {r.name.lower(): r for r in Respondent.objects.filter(assessment=assessment)}
        by_email = {
            (r.user.email or "").lower(): r
            for r in Respondent.objects.filter(
                assessment=assessment, user__isnull=False
            ).select_related("user")
        }
        for name in dict.fromkeys(row.respondent.lower() for row in rows):
            if name not in respondents and name in by_email:
                respondents[name] = by_email[name]
        _refuse_people_named_twice(rows, respondents)
        created, now = 0, timezone.now()
        for name in dict.fromkeys(row.respondent for row in rows):
            if name.lower() not in respondents:
                respondents[name.lower()] = Respondent.objects.create(
                    assessment=assessment, name=name, imported=True
                )
                created += 1
        touched = {respondents[row.respondent.lower()].pk for row in rows}
        Respondent.objects.filter(pk__in=touched).update(submitted_at=now)
        existing = {
            (r.respondent_id, r.item_id): r
            for r in Response.objects.filter(respondent_id__in=touched)
        }
        new, changed = [], []
        for row in rows:
            respondent = respondents[row.respondent.lower()]
            item = items[(row.framework, row.item)]
            response = existing.get((respondent.pk, item.pk))
            if response is None:
                response = Response(respondent=respondent, item=item)
                new.append(response)
            else:
                changed.append(response)
            response.current, response.target = row.current, row.target
            response.evidence, response.confidence = row.evidence, row.confidence
        bulk_create_with_history(new, Response, batch_size=500)
        if changed:
            bulk_update_with_history(
                changed, Response, ["current", "target", "evidence", "confidence"], batch_size=500
            )
    return ImportSummary(respondents=len(touched), created_respondents=created, responses=len(rows))


def _refuse_people_named_twice(rows: list, respondents: dict[str, Respondent]) -> None:
    """Two lines that reach one respondent (say, by e-mail and by name) for one item."""
    first: dict[tuple, object] = {}
    errors = []
    for row in rows:
        person = respondents.get(row.respondent.lower())
        if person is None:
            continue  # a new name: check_rows has already refused its repeats
        key = (person.pk, row.framework, row.item)
        earlier = first.setdefault(key, row)
        if earlier is not row:
            errors.append(
                LineError(
                    row.line,
                    f"{row.respondent} is {person.name}, who scored {row.item} already on line "
                    f"{earlier.line} (as {earlier.respondent})",
                )
            )
    if errors:
        raise ScoresFileError(errors)
