"""Daily: blank the evidence of rounds closed longer ago than EVIDENCE_RETENTION_DAYS.

Evidence is free text people wrote, and may name patients, colleagues or themselves; the
scores are figures, and stay. A round's closing time is read from its history (the change that
last moved it to closed), so a round reopened and closed again counts from its last closing.
Running twice changes nothing the second time.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from assessment.models import Assessment, Respondent, Response, RoundStatus
from assessment.personal_data import evidence_removed


def closed_at(rounds: list[int]) -> dict[int, object]:
    """When each closed round last moved to closed, from its history (one query)."""
    found, before = {}, {}
    rows = (
        Assessment.history.filter(id__in=rounds)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "status")
    )
    for pk, when, status in rows:
        if status == RoundStatus.CLOSED and before.get(pk) != RoundStatus.CLOSED:
            found[pk] = when
        before[pk] = status
    return found


def remove_evidence(assessment_pk: int, now) -> tuple[int, bool]:
    """Blank the round's evidence and its historical copies, and mark the round when anything
    went (or it was never marked). Returns (answers that had evidence, whether it changed)."""
    with transaction.atomic():
        assessment = Assessment.objects.lock(assessment_pk)
        if assessment.status != RoundStatus.CLOSED:
            return 0, False  # reopened meanwhile
        people = set(Respondent.objects.filter(assessment=assessment).values_list("pk", flat=True))
        people |= set(
            Respondent.history.filter(assessment_id=assessment.pk).values_list("id", flat=True)
        )
        answers = Response.objects.filter(respondent_id__in=people).exclude(evidence="")
        n = answers.update(evidence="")
        copies = Response.history.filter(respondent_id__in=people).exclude(evidence="")
        changed = bool(n) | bool(copies.update(evidence=""))
        if changed or assessment.evidence_removed_at is None:
            Assessment.objects.filter(pk=assessment.pk).update(evidence_removed_at=now)
            evidence_removed.send(sender=Assessment, assessment=assessment)
            changed = True
        return n, changed


class Command(BaseCommand):
    help = (
        "Remove the evidence text of rounds closed more than EVIDENCE_RETENTION_DAYS days ago "
        "(0 keeps it); the scores stay. Run it daily."
    )

    def handle(self, *args, **options):
        days = settings.EVIDENCE_RETENTION_DAYS
        if not days:
            self.stdout.write("EVIDENCE_RETENTION_DAYS is 0: evidence is kept. Nothing removed.")
            return
        now = timezone.now()
        cutoff = now - timedelta(days=days)
        closed = dict(
            Assessment.objects.filter(status=RoundStatus.CLOSED).values_list("pk", "updated_at")
        )
        when = closed_at(list(closed))
        rounds = answers = 0
        for pk, updated_at in sorted(closed.items()):
            if when.get(pk, updated_at) >= cutoff:
                continue
            n, changed = remove_evidence(pk, now)
            answers += n
            rounds += changed
        self.stdout.write(
            f"Evidence removed from {answers} answer{'s' if answers != 1 else ''} in {rounds} "
            f"round{'s' if rounds != 1 else ''} closed more than {days} days ago."
        )
