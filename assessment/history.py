"""A round's history as people read it: who changed what, from what to what.

Reads the rows django-simple-history keeps for the round, its participants, their answers and
the agreed positions, and turns consecutive rows of one record into field-by-field changes.

An answer's values are its author's: a change to one names who made it only to that person.
Anyone else (the lead included) reads "An answer on Impact changed", and in a round without
names not even the values, which could otherwise be matched to the answers on the consensus
pages.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Model
from django.utils import timezone

from assessment.models import Assessment, Consensus, Respondent, Response

ACTIONS = {"+": "added", "~": "changed", "-": "removed"}


@dataclass
class Change:
    when: datetime
    who: str
    subject: str
    action: str  # added, changed or removed
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    note: str = ""  # said in place of the fields when they are not shown


NOT_SHOWN = "Not shown"
SYSTEM = "Import or system"
VALUES_NOT_SHOWN = "What changed is not shown: this round does not show answers by name."


def round_history(assessment: Assessment, *, reader=None, limit: int = 300) -> list[Change]:
    """The round's latest changes, newest first, as `reader` may read them: changes to their own
    answers by name, anyone else's without (6 queries however long the history)."""
    participants = Respondent.history.filter(assessment_id=assessment.pk).select_related(
        "history_user"
    )
    users = dict(Respondent.objects.filter(assessment=assessment).values_list("id", "user_id"))
    participant_rows = list(participants.order_by("id", "history_date", "history_id"))
    for row in participant_rows:
        users.setdefault(row.id, row.user_id)  # people since removed from the round
    own = {pk for pk, user_id in users.items() if reader is not None and user_id == reader.pk}

    def answer(row, change: Change) -> Change:
        if row.respondent_id in own:
            change.subject = f"Your answer on {row.item.title}"
            return change
        if change.who != SYSTEM:
            change.who = NOT_SHOWN
        if not assessment.show_names:
            change.fields, change.note = [], VALUES_NOT_SHOWN
        return change

    changes = [
        *_changes(
            Assessment.history.filter(id=assessment.pk).select_related("history_user"),
            ["status", "sharing", "deadline", "period", "status_reason"],
            lambda row: "The round",
        ),
        *_changes(participant_rows, ["name", "submitted_at"], lambda row: f"{row.name} takes part"),
        *_changes(
            Response.history.filter(respondent_id__in=list(users)).select_related(
                "history_user", "item"
            ),
            ["current", "target", "evidence", "confidence"],
            lambda row: f"An answer on {row.item.title}",
            shown=answer,
        ),
        *_changes(
            Consensus.history.filter(assessment_id=assessment.pk).select_related(
                "history_user", "item"
            ),
            ["current", "target", "rationale", "minority_view"],
            lambda row: f"Agreed position on {row.item.title}",
        ),
    ]
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def _changes(
    rows: Iterable, names: list[str], subject: Callable, *, shown: Callable | None = None
) -> list[Change]:
    """Consecutive rows of each record as changes; `shown(row, change)` may redact one."""
    rows = rows.order_by("id", "history_date", "history_id") if hasattr(rows, "order_by") else rows
    found, previous = [], {}
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        action = ACTIONS[row.history_type]
        fields = []
        for name in names:
            old = _shown(before, name) if before is not None and action != "added" else ""
            new = "" if action == "removed" else _shown(row, name)
            if action == "removed":
                new, old = "", _shown(row, name)
            if old != new:
                fields.append((_label(row, name), old, new))
        if fields or action != "changed":
            change = Change(row.history_date, _who(row), subject(row), action, fields)
            found.append(shown(row, change) if shown else change)
    return found


def _label(row: Model, name: str) -> str:
    return str(row._meta.get_field(name).verbose_name).capitalize()


def _shown(row: Model, name: str) -> str:
    value = getattr(row, name)
    if value is None or value == "":
        return ""
    display = getattr(row, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%-d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return str(value)


def _who(row) -> str:
    user = row.history_user
    if user is None:
        return SYSTEM
    return user.get_full_name() or user.email
