"""Writes of the improvement plan: actions, and starting the next round from a closed one.

Actions can be written at every stage of a round, closed included (the plan is made after the
workshop); they never touch the round's scores. Each write takes the round's lock, so an action
saved while the next round is being started is either carried over or stays behind, never half.
History keeps every change to an action, its items included; the request's user is recorded by
simple-history's middleware.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from assessment import states
from assessment.models import (
    Action,
    ActionStatus,
    Assessment,
    Membership,
)
from assessment.services.rounds import PERIOD_TAKEN, assessment_open
from frameworks.models import FrameworkVersion, Item, ScaleLevel
from frameworks.selectors import latest_published_versions


class ActionConflict(Exception):
    """Someone saved the action since the form was drawn; carries the action as it now is."""

    def __init__(self, current: Action):
        self.current = current
        super().__init__(f"{current} was changed by someone else")


def _check(
    *,
    assessment: Assessment,
    items: list[Item],
    owner_member: Membership | None,
    status: str,
    expected_levels: dict[str, int],
) -> None:
    """What an action must be, whatever form or command wrote it."""
    if not items:
        raise ValidationError("Link the action to at least one factor or lesson.")
    pinned = set(assessment.framework_versions.values_list("pk", flat=True))
    if any(item.version_id not in pinned for item in items):
        raise ValidationError("An action can only be linked to the items of its own round.")
    if owner_member is not None and owner_member.place_id != assessment.place_id:
        raise ValidationError("The owner must be a member of this place.")
    if status not in ActionStatus.values:
        raise ValidationError(f"Unknown status {status!r}.")
    by_key = {item.key: item for item in items}
    if unlinked := [key for key in expected_levels if key not in by_key]:
        raise ValidationError(
            f"A level is expected for {', '.join(unlinked)}, which the action is not for."
        )
    scales: dict[int, set[int]] = {}
    for version_id, value in ScaleLevel.objects.filter(
        version__in={item.version_id for item in items}
    ).values_list("version_id", "value"):
        scales.setdefault(version_id, set()).add(value)
    for key, level in expected_levels.items():
        item = by_key[key]
        if item.is_context:
            raise ValidationError(
                f"{item.title} describes circumstances: an action expects no level of it."
            )
        if level not in scales.get(item.version_id, set()):
            raise ValidationError(f"Level {level} is not on the scale of {item.title}.")


def _expected(
    items: list[Item], expected_levels: dict[str, int] | None, expected_level: int | None
) -> dict[str, int]:
    """Per-item expected levels; ``expected_level``, one level for every item the action is for
    (context factors aside), is the shorthand callers written before per-item levels use."""
    levels = {key: int(value) for key, value in (expected_levels or {}).items()}
    if expected_level is not None:
        levels |= {item.key: expected_level for item in items if not item.is_context}
    return levels


def action_create(
    *,
    assessment: Assessment,
    user,
    title: str,
    items: list[Item],
    description: str = "",
    owner: str = "",
    owner_member: Membership | None = None,
    due: date | None = None,
    status: str = ActionStatus.PLANNED,
    expected_levels: dict[str, int] | None = None,
    expected_level: int | None = None,
) -> Action:
    """Add an action to a round's plan, at any stage of the round."""
    expected_levels = _expected(items, expected_levels, expected_level)
    _check(
        assessment=assessment,
        items=items,
        owner_member=owner_member,
        status=status,
        expected_levels=expected_levels,
    )
    with transaction.atomic():
        Assessment.objects.lock(assessment.pk)
        action = Action.objects.create(
            assessment=assessment,
            title=title,
            description=description,
            owner=owner,
            owner_member=owner_member,
            due=due,
            status=status,
            expected_levels=expected_levels,
            created_by=user,
        )
        action.items.set(items)
    return action


def action_update(
    *,
    action: Action,
    title: str,
    items: list[Item],
    description: str = "",
    owner: str = "",
    owner_member: Membership | None = None,
    due: date | None = None,
    status: str = ActionStatus.PLANNED,
    expected_levels: dict[str, int] | None = None,
    expected_level: int | None = None,
    shown_updated_at: datetime | None = None,
) -> Action:
    """Change an action. ``shown_updated_at`` is when the action had last changed as the form
    showed it: if someone saved it in between, ActionConflict carries their version and
    nothing is written."""
    assessment = action.assessment
    expected_levels = _expected(items, expected_levels, expected_level)
    _check(
        assessment=assessment,
        items=items,
        owner_member=owner_member,
        status=status,
        expected_levels=expected_levels,
    )
    with transaction.atomic():
        Assessment.objects.lock(assessment.pk)
        current = Action.objects.select_for_update().filter(pk=action.pk).first()
        if current is None:
            raise ValidationError("This action no longer exists.")
        if shown_updated_at is not None and current.updated_at != shown_updated_at:
            raise ActionConflict(current)
        values = {
            "title": title,
            "description": description,
            "owner": owner,
            "owner_member": owner_member,
            "due": due,
            "status": status,
            "expected_levels": expected_levels,
        }
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        if {i.pk for i in current.items.all()} != {i.pk for i in items}:
            current.items.set(items)
    return current


@dataclass(frozen=True)
class CarriedAction:
    action: Action  # the new round's copy
    missing: list[Item] = field(default_factory=list)  # its old items the new versions lack


@dataclass(frozen=True)
class NextRound:
    assessment: Assessment
    carried: list[CarriedAction]

    @property
    def with_missing_items(self) -> list[CarriedAction]:
        return [c for c in self.carried if c.missing]


def actions_carry(*, source: Assessment, target: Assessment, user=None) -> list[CarriedAction]:
    """Copy every action of ``source`` still planned or in progress into ``target``, linked to
    the items of the same keys in ``target``'s versions. An item whose key is gone is left off
    (and reported); the action is kept with the items that remain."""
    items = {
        i.key: i
        for i in Item.objects.filter(version__assessments=target).prefetch_related(
            "version__levels"
        )
    }
    carried = []
    open_actions = Action.objects.filter(
        assessment=source, status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]
    ).prefetch_related("items")
    for old in sorted(open_actions, key=lambda a: (a.due is None, a.due, a.pk)):
        kept = [items[i.key] for i in old.items.all() if i.key in items]
        # A level is kept where the item still has it on its (perhaps new) scale.
        scales = {
            i.key: {lv.value for lv in i.version.levels.all()} for i in kept if not i.is_context
        }
        copy = Action.objects.create(
            assessment=target,
            title=old.title,
            description=old.description,
            owner=old.owner,
            owner_member=old.owner_member,
            due=old.due,
            status=old.status,
            expected_levels={
                key: level
                for key, level in old.expected_levels.items()
                if level in scales.get(key, set())
            },
            carried_from=old,
            created_by=user,
        )
        if kept:
            copy.items.set(kept)
        missing = [i for i in old.items.all() if i.key not in items]
        carried.append(CarriedAction(action=copy, missing=missing))
    return carried


def assessment_next(
    *,
    assessment: Assessment,
    period: str,
    participants: list,
    user,
    deadline: date | None = None,
    show_names: bool = False,
    versions: list[FrameworkVersion] | None = None,
) -> NextRound:
    """Start the next round from a closed one: the same place, the framework versions chosen
    (by default the latest published of each framework), the chosen participants, and every
    open action carried over.

    A round starts one next round: a second click, or a second lead, is told which round was
    started. A period the place has already used is refused (as a ValidationError on `period`).
    """
    period = " ".join(period.split())
    with transaction.atomic():
        source = states.lock_for(states.START_NEXT, assessment.pk)
        started = source.next_rounds.first()
        if started is not None:
            raise ValidationError(
                f"The next round, {started.period}, has already been started from this one."
            )
        try:
            new = assessment_open(
                place=source.place,
                period=period,
                versions=latest_published_versions() if versions is None else versions,
                participants=participants,
                deadline=deadline,
                show_names=show_names,
                user=user,
            )
        except ValidationError as refusal:
            if refusal.code == PERIOD_TAKEN:
                raise ValidationError({"period": refusal.messages}) from None
            raise
        new.previous = source
        new.save(update_fields=["previous", "updated_at"])
        carried = actions_carry(source=source, target=new, user=user)
    return NextRound(assessment=new, carried=carried)
