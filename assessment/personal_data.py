"""The assessment app's part of a person's data (accounts.personal_data): their memberships,
the rounds they took part in, their answers and evidence, the agreed positions they recorded and
the actions they own or wrote.

Erasure removes their name and the words they wrote and keeps their scores, as "a former
participant": a round's medians, counts and report stay as they were. django-simple-history
keeps a full copy of a record on each save, so the words are blanked in every historical copy
too; accounts empties ``history_user`` on every history table.
"""

from django.db.models import Q
from django.dispatch import Signal

from accounts.personal_data import FORMER_PARTICIPANT, Erased
from assessment.models import (
    Action,
    Assessment,
    Consensus,
    Membership,
    Reminder,
    Respondent,
    Response,
    Role,
    RoundStatus,
)

# Sent with ``assessment=`` once remove_old_evidence has blanked a round's evidence, inside its
# transaction: reports forget the documents that showed it.
evidence_removed = Signal()

# An action's title is required: one whose owner is erased keeps its place in the plan.
ERASED_ACTION_TITLE = "An action of a former participant (its words were removed)"


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


class AssessmentHolder:
    label = "Places, rounds and answers"

    def refusal(self, user) -> str | None:
        """A place mid-round needs its lead: hand the role on before erasing them."""
        led = Membership.objects.filter(user=user, role=Role.LEAD).values("place")
        waiting = (
            Assessment.objects.filter(place__in=led)
            .exclude(status=RoundStatus.CLOSED)
            .select_related("place")
            .order_by("place__name", "period")
        )
        if not waiting:
            return None
        rounds = "; ".join(f"{a.place.name}, {a.period}" for a in waiting)
        return (
            f"They lead a place whose round is not closed yet ({rounds}). Make another member "
            "the lead of that place and change this person's role (or close the round) first, "
            "then erase them."
        )

    def leads_a_place(self, user) -> bool:
        return Membership.objects.filter(user=user, role=Role.LEAD).exists()

    def export(self, user) -> dict[str, list[dict]]:
        respondents = Respondent.objects.filter(user=user).select_related("assessment__place")
        return {
            "memberships": [
                {
                    "place": m.place.name,
                    "role": m.get_role_display(),
                    "sector": m.get_sector_display(),
                    "name_given_by_the_lead": m.name,
                    "added_at": m.added_at,
                }
                for m in Membership.objects.filter(user=user).select_related("place")
            ],
            "rounds_taken_part_in": [
                {
                    "place": r.assessment.place.name,
                    "round": r.assessment.period,
                    "round_status": r.assessment.get_status_display(),
                    "name_in_round": r.name,
                    "invited_at": r.invited_at,
                    "reminded_at": r.reminded_at,
                    "submitted_at": r.submitted_at,
                    "imported_from_a_sheet": r.imported,
                }
                for r in respondents
            ],
            "answers": [
                {
                    "place": a.respondent.assessment.place.name,
                    "round": a.respondent.assessment.period,
                    "item": a.item.title,
                    "item_key": a.item.key,
                    "current": a.current,
                    "target": a.target,
                    "evidence": a.evidence,
                    "confidence": a.get_confidence_display(),
                    "updated_at": a.updated_at,
                }
                for a in Response.objects.filter(respondent__user=user).select_related(
                    "respondent__assessment__place", "item"
                )
            ],
            "agreed_positions_recorded": [
                {
                    "place": c.assessment.place.name,
                    "round": c.assessment.period,
                    "item": c.item.title,
                    "current": c.current,
                    "target": c.target,
                    "rationale": c.rationale,
                    "minority_view": c.minority_view,
                    "recorded_at": c.recorded_at,
                }
                for c in Consensus.objects.filter(recorded_by=user).select_related(
                    "assessment__place", "item"
                )
            ],
            "actions": [
                {
                    "place": a.assessment.place.name,
                    "round": a.assessment.period,
                    "title": a.title,
                    "description": a.description,
                    "owner_text": a.owner,
                    "you_own_it": bool(a.owner_member_id and a.owner_member.user_id == user.pk),
                    "you_created_it": a.created_by_id == user.pk,
                    "due": a.due,
                    "status": a.get_status_display(),
                }
                for a in Action.objects.filter(Q(owner_member__user=user) | Q(created_by=user))
                .select_related("assessment__place", "owner_member")
                .distinct()
            ],
            "rounds_opened": [
                {
                    "place": a.place.name,
                    "round": a.period,
                    "created_at": a.created_at,
                    "reason_for_last_step_back": a.status_reason,
                }
                for a in Assessment.objects.filter(created_by=user).select_related("place")
            ],
        }

    def erase(self, user) -> Erased:
        done = Erased()
        respondent_ids = _respondent_ids(user)
        done.removed += _erase_answers(respondent_ids)
        done.removed += _erase_names_in_rounds(user, respondent_ids)
        done.removed += _erase_consensus_words(user)
        done.removed += _erase_actions(user)
        done.removed += _erase_round_words(user)
        done.removed += _erase_memberships(user)
        scored = Response.objects.filter(respondent_id__in=respondent_ids).exclude(
            current=None, target=None
        )
        rounds = Respondent.objects.filter(pk__in=respondent_ids).values("assessment").distinct()
        if respondent_ids:
            done.kept.append(
                f"Their scores ({_plural(scored.count(), 'answer')} in "
                f"{_plural(rounds.count(), 'round')}), as '{FORMER_PARTICIPANT}': the rounds' "
                "medians, counts and reports stay whole"
            )
        done.kept.append(
            "The fact of each change in the rounds' history (what changed and when), without "
            "their name or words"
        )
        return done


def _respondent_ids(user) -> set[int]:
    """Their places in rounds, including any they were since removed from (kept in history)."""
    now = set(Respondent.objects.filter(user=user).values_list("pk", flat=True))
    since = set(Respondent.history.filter(user_id=user.pk).values_list("id", flat=True))
    return now | since


def _erase_answers(respondent_ids: set[int]) -> list[str]:
    answers = Response.objects.filter(respondent_id__in=respondent_ids).exclude(evidence="")
    n = answers.update(evidence="")
    Response.history.filter(respondent_id__in=respondent_ids).update(evidence="")
    return [f"The evidence they wrote on {_plural(n, 'answer')}"] if n else []


def _erase_names_in_rounds(user, respondent_ids: set[int]) -> list[str]:
    """Their name as a participant, in each round, its history and its reminders."""
    names = set(Respondent.history.filter(id__in=respondent_ids).values_list("name", flat=True))
    names |= set(Respondent.objects.filter(pk__in=respondent_ids).values_list("name", flat=True))
    n = Respondent.objects.filter(pk__in=respondent_ids).update(name=FORMER_PARTICIPANT)
    Respondent.history.filter(id__in=respondent_ids).update(name=FORMER_PARTICIPANT)
    rounds = Respondent.history.filter(id__in=respondent_ids).values("assessment_id")
    names.discard(FORMER_PARTICIPANT)
    reminders = 0
    for reminder in Reminder.objects.filter(assessment__in=rounds):
        lines = [FORMER_PARTICIPANT if line in names else line for line in reminder.names]
        if lines != reminder.names:
            Reminder.objects.filter(pk=reminder.pk).update(recipients="\n".join(lines))
            reminders += 1
    removed = [f"Their name in {_plural(n, 'round')} they took part in"] if n else []
    if reminders:
        removed.append(f"Their name from {_plural(reminders, 'reminder')} sent")
    return removed


def _erase_consensus_words(user) -> list[str]:
    """The rationale and minority view of agreed positions they recorded: the agreed levels
    stay, as the team's."""
    by_them = Consensus.history.filter(Q(history_user=user) | Q(recorded_by_id=user.pk))
    written = {(row.id, row.rationale) for row in by_them} | {
        (row.id, row.minority_view) for row in by_them
    }
    written = {(pk, text) for pk, text in written if text}
    n = Consensus.objects.filter(recorded_by=user).update(rationale="", minority_view="")
    by_them.update(rationale="", minority_view="")
    for pk, text in written:  # later copies that still carry their words
        Consensus.objects.filter(pk=pk, rationale=text).update(rationale="")
        Consensus.objects.filter(pk=pk, minority_view=text).update(minority_view="")
        Consensus.history.filter(id=pk, rationale=text).update(rationale="")
        Consensus.history.filter(id=pk, minority_view=text).update(minority_view="")
    if not n and not written:
        return []
    return [
        "The reasons and minority views they wrote on "
        f"{_plural(n or len({pk for pk, _ in written}), 'agreed position')} (the agreed levels "
        "stay, as the team's)"
    ]


def _erase_actions(user) -> list[str]:
    """The words of actions they own; their name where a lead typed it as an owner."""
    owned = set(Action.objects.filter(owner_member__user=user).values_list("pk", flat=True))
    owned |= set(Action.history.filter(owner_member__user=user).values_list("id", flat=True))
    words = {"title": ERASED_ACTION_TITLE, "description": "", "owner": "", "owner_member": None}
    Action.objects.filter(pk__in=owned).update(**words)
    Action.history.filter(id__in=owned).update(
        title=ERASED_ACTION_TITLE, description="", owner="", owner_member_id=None
    )
    named = _actions_naming(user)
    Action.objects.filter(pk__in=named).update(owner="")
    Action.history.filter(id__in=named).update(owner="")
    removed = [f"The words of {_plural(len(owned), 'action')} they own"] if owned else []
    if named - owned:
        removed.append(f"Their name as the owner of {_plural(len(named - owned), 'action')}")
    return removed


def _actions_naming(user) -> set[int]:
    """Actions whose free-text owner is the person's name (a lead typed it)."""
    names = {user.get_full_name().strip()}
    names |= set(Membership.objects.filter(user=user).values_list("name", flat=True))
    names = {name for name in names if name}
    found = set()
    for name in names:
        found |= set(Action.objects.filter(owner__icontains=name).values_list("pk", flat=True))
        found |= set(Action.history.filter(owner__icontains=name).values_list("id", flat=True))
    return found


def _erase_round_words(user) -> list[str]:
    """The reasons they gave for stepping a round back."""
    by_them = Assessment.history.filter(history_user=user).exclude(status_reason="")
    written = set(by_them.values_list("id", "status_reason"))
    for pk, text in written:
        Assessment.objects.filter(pk=pk, status_reason=text).update(status_reason="")
        Assessment.history.filter(id=pk, status_reason=text).update(status_reason="")
    if not written:
        return []
    return [f"The reasons they gave for stepping {_plural(len(written), 'round')} back"]


def _erase_memberships(user) -> list[str]:
    memberships = Membership.objects.filter(user=user).select_related("place")
    places = [f"{m.place.name} ({m.get_role_display().lower()})" for m in memberships]
    memberships.delete()
    if not places:
        return []
    return [
        f"Their membership of {', '.join(places)}, with the name and sector recorded there "
        "(their kept answers count under 'sector not recorded')"
    ]
