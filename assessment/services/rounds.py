"""Writes about a round's life: opening it, moving it on, sharing it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from assessment.models import (
    Assessment,
    Place,
    Respondent,
    RoundStatus,
    Sharing,
)
from assessment.services.places import display_name
from assessment.signals import round_closed
from frameworks.models import FrameworkVersion


def assessment_open(
    *,
    place: Place,
    period: str,
    versions: list[FrameworkVersion],
    participants: list,
    deadline=None,
    show_names: bool = False,
    user=None,
) -> Assessment:
    """Open a round pinned to the given framework versions, with a respondent per participant."""
    if any(not v.is_published for v in versions):
        raise ValidationError("A round can only be scored against published framework versions.")
    if Assessment.objects.filter(place=place, period=period).exists():
        raise ValidationError(f"{place} already has a round called {period!r}.")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            place=place, period=period, deadline=deadline, show_names=show_names, created_by=user
        )
        assessment.framework_versions.set(versions)
        bulk_create_with_history(
            [
                Respondent(assessment=assessment, user=person, name=display_name(person))
                for person in participants
            ],
            Respondent,
        )
    return assessment


def assessment_advance(*, assessment: Assessment, shown_status: str | None = None) -> Assessment:
    """Move a round one step on (open → consensus → closed) from the status the lead was shown.

    ``shown_status`` is the status on the page the lead clicked (by default, the status the
    caller loaded). If the round has moved since — a second tab, a double click, another lead —
    nothing changes and the ValidationError says where the round now stands.
    """
    shown_status = shown_status or assessment.status
    with transaction.atomic():
        current = Assessment.objects.lock(assessment.pk)
        if current.status != shown_status:
            raise ValidationError(
                f"This round has already moved on: it is now "
                f"{current.get_status_display().lower()}. Nothing was changed."
            )
        following = current.next_status
        if following is None:
            raise ValidationError("This round is closed; it cannot move on.")
        current.status = following
        current.save(update_fields=["status", "updated_at"])  # a save, so history records it
        if following == RoundStatus.CLOSED:
            # Inside the transaction: what listeners keep about the round commits with the close.
            round_closed.send(sender=Assessment, assessment=current)
    assessment.status, assessment.updated_at = current.status, current.updated_at
    return assessment


def assessment_share(*, assessment: Assessment, sharing: str) -> Assessment:
    if sharing not in Sharing.values:
        raise ValidationError(f"Unknown sharing choice {sharing!r}.")
    with transaction.atomic():
        current = Assessment.objects.lock(assessment.pk)
        current.require_status(
            RoundStatus.CLOSED, refusal="Only a closed round can be shared for comparison."
        )
        current.sharing = sharing
        current.save(update_fields=["sharing", "updated_at"])
    assessment.sharing, assessment.updated_at = current.sharing, current.updated_at
    return assessment
