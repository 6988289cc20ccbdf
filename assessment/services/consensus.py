"""Writes of the team's agreed positions."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessment import states
from assessment.models import Assessment, Consensus
from frameworks.models import Item


class ConsensusConflict(Exception):
    """Someone else saved this item since the form was drawn; carries their record."""

    def __init__(self, current: Consensus):
        self.current = current
        super().__init__(f"{current.item} was saved by someone else")


def consensus_record(
    *,
    assessment: Assessment,
    item: Item,
    current: int,
    target: int | None,
    rationale: str,
    user,
    revision: int,
    minority_view: str = "",
) -> Consensus:
    """Record the agreed position on an item, with its reasons and any minority view (whose it
    was is not recorded).

    A context factor (Place) takes no target: ``target`` must be None for it, and is required
    for every other item. ``revision`` is the revision the facilitator's form was drawn from (0
    when there was none). If someone saved in between, ConsensusConflict carries their values
    and nothing is written.
    """
    if item.is_context and target is not None:
        raise ValidationError(
            f"{item.title} is a context factor: it describes the place's circumstances, so the "
            "agreed position takes no target. Record the current level only."
        )
    if not item.is_context and target is None:
        raise ValidationError(f"Choose the agreed target level for {item.title}.")
    values = {
        "current": current,
        "target": target,
        "rationale": rationale,
        "minority_view": minority_view,
        "recorded_by": user,
    }
    try:
        with transaction.atomic():
            states.lock_for(states.RECORD_CONSENSUS, assessment.pk)
            record = (
                Consensus.objects.select_for_update()
                .filter(assessment=assessment, item=item)
                .first()
            )
            if record is None:
                if revision != 0:
                    raise ValidationError("This item's consensus has gone; reload the page.")
                return Consensus.objects.create(assessment=assessment, item=item, **values)
            if record.revision != revision:
                raise ConsensusConflict(record)
            for field, value in values.items():
                setattr(record, field, value)
            record.revision += 1
            record.save()
            return record
    except IntegrityError:
        # Two first saves at once: the other one won.
        raise ConsensusConflict(Consensus.objects.get(assessment=assessment, item=item)) from None
