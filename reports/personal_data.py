"""The reports app's part of a person's data (accounts.personal_data).

Reports keep nothing about a person of their own: a closed round's stored results are figures
without names. Documents made from rounds (report PDFs and Word papers, comparisons, board
packs) may show a person's name and evidence, so erasing them deletes every cached document that
may: each is made again, without them, when next asked for.
"""

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from accounts.personal_data import Erased
from assessment.models import Action, Assessment, Consensus, Respondent
from assessment.personal_data import evidence_removed
from reports.models import ROUND_KINDS, PdfKind, RenderedPdf
from reports.services import _delete_stored


class ReportsHolder:
    label = "Reports"

    def refusal(self, user) -> str | None:
        return None

    def leads_a_place(self, user) -> bool:
        return False

    def export(self, user) -> dict[str, list[dict]]:
        return {}

    def erase(self, user) -> Erased:
        n = forget_documents(_rounds_of(user))
        done = Erased(
            kept=["Each round's stored results: figures without names, as the reports show them"]
        )
        if n:
            done.removed.append(
                f"{n} cached document{'s' if n != 1 else ''} (report PDFs and Word papers, "
                "comparisons, board packs) that may show them: each is made again, without them, "
                "when next asked for"
            )
        return done


def _rounds_of(user) -> set[int]:
    """Rounds whose documents may show the person: those they took part in (or were removed
    from), opened, recorded an agreed position in or wrote an action for. (The assessment
    holder erases first, so their memberships are gone: the kept links are asked.)"""
    rounds = set(Respondent.objects.filter(user=user).values_list("assessment_id", flat=True))
    rounds |= set(
        Respondent.history.filter(user_id=user.pk).values_list("assessment_id", flat=True)
    )
    rounds |= set(Assessment.objects.filter(created_by=user).values_list("pk", flat=True))
    rounds |= set(
        Consensus.objects.filter(recorded_by=user).values_list("assessment_id", flat=True)
    )
    rounds |= set(Action.objects.filter(created_by=user).values_list("assessment_id", flat=True))
    return rounds


def forget_documents(rounds) -> int:
    """Delete the cached documents that show these rounds: their report PDFs and Word papers,
    and every comparison and board pack (which of those show a round is known only by a hash).
    Each is made again when next asked for; the files go once the transaction commits."""
    shows_them = Q(kind__in=[PdfKind.COMPARISON, PdfKind.PACK])
    for pk in rounds:
        # A round's PDF and Word paper for its members, and those for readers outside it
        # ("<pk>-shared").
        keys = Q(key=str(pk)) | Q(key__startswith=f"{pk}-")
        shows_them |= Q(kind__in=ROUND_KINDS) & keys
    cached = RenderedPdf.objects.filter(shows_them)
    names = [name for name in cached.values_list("name", flat=True) if name]
    n = cached.delete()[0]
    transaction.on_commit(lambda: _delete_stored(names))
    return n


@receiver(evidence_removed)
def forget_documents_with_evidence(sender, *, assessment, **kwargs) -> None:
    """Evidence removed under the retention policy leaves no copy in a cached PDF."""
    forget_documents([assessment.pk])
