"""Writes about a round's life: opening it, moving it on, sharing it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.mail import Letter, MailOutcome, send_each
from assessment import states
from assessment.disclosure import refuse_late_scorers
from assessment.models import (
    Assessment,
    Place,
    Reminder,
    Respondent,
    Sharing,
)
from assessment.services.places import participants_default, respondent_names
from assessment.tasks import mail_round_invitations, mail_round_reminders
from frameworks.models import FrameworkVersion, Item


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
    """Open a round pinned to the given framework versions (published, at least one, one of
    each framework at most), with a respondent per participant.

    A period the place has already used is refused with PERIOD_TAKEN, also when another lead
    takes it at the same moment.
    """
    if problem := pinned_versions_problem(versions):
        raise ValidationError(problem)
    with transaction.atomic():
        # The place's row, locked: of two leads opening the same period at once, the second
        # waits here and is then told that the place has that round.
        Place.objects.select_for_update().get(pk=place.pk)
        if Assessment.objects.filter(place=place, period=period).exists():
            raise ValidationError(period_taken(place, period), code=PERIOD_TAKEN)
        assessment = Assessment.objects.create(
            place=place, period=period, deadline=deadline, show_names=show_names, created_by=user
        )
        assessment.framework_versions.set(versions)
        names = respondent_names(participants)
        bulk_create_with_history(
            [
                Respondent(assessment=assessment, user=person, name=names[person.pk])
                for person in participants
            ],
            Respondent,
        )
    return assessment


def pinned_versions_problem(versions: list[FrameworkVersion]) -> str:
    """Why a round may not pin these versions ("" when it may): it needs at least one, all
    published, one version of each framework at most, and no item key in two of them (answers,
    actions and imports name a round's items by key)."""
    if not versions:
        return "A round needs at least one framework version to score against."
    if any(not v.is_published for v in versions):
        return "A round can only be scored against published framework versions."
    seen = set()
    for version in versions:
        if version.framework_id in seen:
            return (
                f"Choose one version of “{version.framework.title}”: a round scores each "
                "framework once."
            )
        seen.add(version.framework_id)
    shared = (
        Item.objects.filter(version__in=versions)
        .values("key")
        .annotate(frameworks=Count("version", distinct=True))
        .filter(frameworks__gt=1)
        .order_by("key")
        .values_list("key", flat=True)
    )
    if keys := list(shared[:3]):
        return (
            f"These frameworks both have an item called {', '.join(keys)}: a round's items are "
            "told apart by their keys, so pin one of the two."
        )
    return ""


# The code of a refusal to open a round under a period its place has used.
PERIOD_TAKEN = "period-taken"


def period_taken(place: Place, period: str) -> str:
    return f"{place} already has a round called {period!r}."


def assessment_advance(*, assessment: Assessment, shown_status: str | None = None) -> Assessment:
    """Move a round one step on (open → consensus → closed) from the status the lead was shown.

    ``shown_status`` is the status on the page the lead clicked (by default, the status the
    caller loaded). If the round has moved since — a second tab, a double click, another lead —
    nothing changes and the ValidationError says where the round now stands.
    """
    shown_status = shown_status or assessment.status
    move = states.forward_from(shown_status)
    states.move_round(move, assessment=assessment, shown_status=shown_status)
    return assessment


def assessment_share(*, assessment: Assessment, sharing: str) -> Assessment:
    if sharing not in Sharing.values:
        raise ValidationError(f"Unknown sharing choice {sharing!r}.")
    with transaction.atomic():
        current = states.lock_for(states.SHARE, assessment.pk)
        current.sharing = sharing
        current.save(update_fields=["sharing", "updated_at"])
    assessment.sharing, assessment.updated_at = current.sharing, current.updated_at
    return assessment


def assessment_step_back(
    *, assessment: Assessment, shown_status: str, reason: str, user
) -> Assessment:
    """Take a round one step back: consensus → open, or closed → consensus.

    Reopening a closed round needs staff, or a lead who gives a reason (kept in the history);
    it withdraws the round's sharing, and listeners withdraw its results and PDFs.
    """
    move = states.back_from(shown_status)
    states.move_round(
        move, assessment=assessment, shown_status=shown_status, reason=reason, user=user
    )
    return assessment


@dataclass(frozen=True)
class ParticipantsChanged:
    added: list[Respondent]
    removed: list[str]  # names


# How "Deadline and people" names a respondent from a workshop sheet among its choices (members
# are named by their user's pk, so the two never collide).
IMPORTED_KEY = "imported-{pk}"


@dataclass(frozen=True)
class RoundPeople:
    """Who "Deadline and people" offers: the place's members who may score (and anyone already
    taking part), the names imported from workshop sheets, and the choices ticked now."""

    members: list
    imported: list[Respondent]
    taking_part: list[str]  # choice keys: a user's pk, or IMPORTED_KEY for an imported name

    @property
    def imported_choices(self) -> list[tuple[str, str]]:
        return [
            (IMPORTED_KEY.format(pk=r.pk), f"{r.name} (from a workshop sheet)")
            for r in self.imported
        ]


def round_people(assessment: Assessment) -> RoundPeople:
    """The people of an open round as "Deadline and people" lists them (3 queries)."""
    members = participants_default(assessment.place)
    respondents = list(assessment.respondents.select_related("user").order_by("name"))
    offered = {user.pk for user in members}
    # Someone taking part who no longer scores in the place (say, now a board viewer) is listed
    # too, so that saving the page does not remove them unseen.
    members += [r.user for r in respondents if r.user_id and r.user_id not in offered]
    imported = [r for r in respondents if r.user_id is None]
    taking_part = [str(r.user_id) for r in respondents if r.user_id] + [
        IMPORTED_KEY.format(pk=r.pk) for r in imported
    ]
    return RoundPeople(members=members, imported=imported, taking_part=taking_part)


def assessment_edit(
    *,
    assessment: Assessment,
    deadline: date | None,
    participants: list,
    imported: list[Respondent] | None = None,
) -> ParticipantsChanged:
    """Change an open round's deadline and who takes part.

    ``participants`` are the members (users) who take part; ``imported``, the names from
    workshop sheets kept (None keeps them all). Someone removed loses their respondent record
    and answers from the round's counts; the history keeps both.
    """
    with transaction.atomic():
        current = states.lock_for(states.CHANGE_PEOPLE, assessment.pk)
        if deadline != current.deadline:
            current.deadline = deadline
            current.save(update_fields=["deadline", "updated_at"])
        wanted = {person.pk: person for person in participants}
        listed = {r.user_id: r for r in current.respondents.filter(user__isnull=False)}
        refuse_late_scorers(current, [p for pk, p in wanted.items() if pk not in listed])
        gone = [r for user_id, r in listed.items() if user_id not in wanted]
        if imported is not None:
            kept = {r.pk for r in imported}
            gone += list(current.respondents.filter(user__isnull=True).exclude(pk__in=kept))
        for respondent in gone:
            respondent.delete()  # its answers go too; the history records both
        joining = [person for pk, person in wanted.items() if pk not in listed]
        names = respondent_names(joining, taken=current.respondents.values_list("name", flat=True))
        added = bulk_create_with_history(
            [
                Respondent(assessment=current, user=person, name=names[person.pk])
                for person in joining
            ],
            Respondent,
        )
    assessment.deadline = current.deadline
    return ParticipantsChanged(added=list(added), removed=[r.name for r in gone])


def round_invite(
    *, assessment: Assessment, base_url: str, respondents: list[Respondent] | None = None
) -> MailOutcome:
    """Queue an e-mail to each participant (or those given) with the link to score the round
    and its deadline; a worker sends it (mail_round_invitations)."""
    chosen = respondents if respondents is not None else assessment.respondents.all()
    people = _reachable(chosen)
    if not people:
        return MailOutcome(sent=[], failed=[])
    result = mail_round_invitations.enqueue(
        assessment_id=assessment.pk, respondent_ids=[r.pk for r in people], base_url=base_url
    )
    return MailOutcome.of(result, [r.name for r in people])


def round_invite_send(
    *, assessment_id: int, respondent_ids: list[int], base_url: str
) -> MailOutcome:
    """Send the invitations round_invite queued, to those still taking part while the round is
    open, and record when each one the mail server took was invited."""
    assessment = Assessment.objects.select_related("place").filter(pk=assessment_id).first()
    if assessment is None or not states.stage_allows(states.JOIN, assessment):
        return MailOutcome(sent=[], failed=[])  # gone, or scoring ended before the mail went
    respondents = assessment.respondents.filter(pk__in=respondent_ids).select_related("user")
    sent, failed = _mail_people(
        assessment,
        _reachable(respondents),
        base_url,
        subject=f"Score {assessment.place}: {assessment.period}",
        opening=f"you are invited to score {assessment.place} in the round {assessment.period}",
    )
    Respondent.objects.filter(pk__in=[r.pk for r in sent]).update(invited_at=timezone.now())
    return MailOutcome(sent=[r.name for r in sent], failed=[r.name for r in failed])


REMINDER_INTERVAL = timedelta(days=1)


@dataclass(frozen=True)
class Reminded:
    reminder: Reminder | None  # None when the mail server took none of it
    failed: list[str]  # names whose e-mail the mail server did not take

    @property
    def sent(self) -> list[str]:
        return self.reminder.names if self.reminder else []


def round_remind(*, assessment: Assessment, base_url: str, user=None) -> MailOutcome:
    """Queue a reminder to everyone who has not submitted, at most once a day per round; a
    worker sends it (mail_round_reminders)."""
    with transaction.atomic():
        current = states.lock_for(states.REMIND, assessment.pk)
        last = current.reminders.first()
        if last and timezone.now() - last.sent_at < REMINDER_INTERVAL:
            local = timezone.localtime(last.sent_at)
            raise ValidationError(
                f"Everyone was reminded on {local:%-d %B at %H:%M}; "
                f"you can remind them again a day later."
            )
        not_submitted = list(
            current.respondents.filter(submitted_at__isnull=True).select_related("user")
        )
        waiting = _reachable(not_submitted)
        if not waiting:
            raise ValidationError(_nobody_to_remind(current, not_submitted))
    result = mail_round_reminders.enqueue(
        assessment_id=current.pk, base_url=base_url, user_id=user.pk if user else None
    )
    return MailOutcome.of(result, [r.name for r in waiting])


def round_remind_send(*, assessment_id: int, base_url: str, user_id: int | None = None) -> Reminded:
    """Send the reminder round_remind queued, unless the round has moved on or was reminded in
    the meantime (a lead and the daily command asked at once).

    The reminder is recorded for those the mail server took; one that reached nobody is not
    kept, so the next `send_reminders` (or the lead) tries again the same day.
    """
    with transaction.atomic():
        try:
            current = Assessment.objects.lock(assessment_id)
        except Assessment.DoesNotExist:
            return Reminded(reminder=None, failed=[])  # deleted since the reminder was asked for
        last = current.reminders.first()
        recently = last and timezone.now() - last.sent_at < REMINDER_INTERVAL
        if recently or not states.stage_allows(states.REMIND, current):
            return Reminded(reminder=None, failed=[])
        waiting = _reachable(
            current.respondents.filter(submitted_at__isnull=True).select_related("user")
        )
        if not waiting:
            return Reminded(reminder=None, failed=[])
        # Today's reminder, taken before the mail goes (and no lock held while it goes): a
        # reminder asked for meanwhile finds it and sends nothing.
        reminder = Reminder.objects.create(
            assessment=current,
            sent_by=get_user_model().objects.filter(pk=user_id).first() if user_id else None,
            recipients="\n".join(r.name for r in waiting),
        )
    sent, failed = _mail_people(
        current,
        waiting,
        base_url,
        subject=f"Reminder: score {current.place}, {current.period}",
        opening=f"you have not yet submitted your answers for {current.place}, "
        f"round {current.period}",
    )
    failed_names = [r.name for r in failed]
    if not sent:
        reminder.delete()
        return Reminded(reminder=None, failed=failed_names)
    now = timezone.now()
    with transaction.atomic():
        reminder.recipients, reminder.sent_at = "\n".join(r.name for r in sent), now
        reminder.save(update_fields=["recipients", "sent_at"])
        Respondent.objects.filter(pk__in=[r.pk for r in sent]).update(reminded_at=now)
    return Reminded(reminder=reminder, failed=failed_names)


def _reachable(respondents) -> list[Respondent]:
    """Those who can be e-mailed: people with an address, not names from a workshop sheet."""
    return [r for r in respondents if r.user_id and r.user.email]


def _nobody_to_remind(assessment: Assessment, not_submitted: list[Respondent]) -> str:
    if not_submitted:
        names = ", ".join(r.name for r in not_submitted)
        return (
            f"Nobody can be reminded: {names} came from a workshop sheet and "
            f"{'has' if len(not_submitted) == 1 else 'have'} no e-mail address here."
        )
    if not assessment.respondents.exists():
        return "Nobody is taking part in this round: nobody needs reminding."
    return "Everyone taking part has submitted: nobody needs reminding."


def _mail_people(
    assessment, respondents, base_url, *, subject, opening
) -> tuple[list[Respondent], list[Respondent]]:
    """E-mail each respondent; returns those the mail server took and those it did not."""
    # The first item still to answer, one at a time: most open it on a phone.
    link = base_url + reverse("assessment-respond", args=[assessment.pk]) + "?item=next"
    due = (
        f"Please submit by {assessment.deadline:%-d %B %Y}."
        if assessment.deadline
        else "There is no deadline, but the sooner the better."
    )
    letters = [
        Letter(
            to=respondent.user.email,
            subject=subject,
            body=(
                f"Hello {respondent.name},\n\n{_sentence(opening)}.\n\n"
                f"Score it here:\n{link}\n\n{due}\n"
            ),
        )
        for respondent in respondents
    ]
    took = send_each(letters)
    sent = [r for r, ok in zip(respondents, took, strict=True) if ok]
    failed = [r for r, ok in zip(respondents, took, strict=True) if not ok]
    return sent, failed


def _sentence(text: str) -> str:
    """The text with its first letter a capital and every name as written (str.capitalize()
    would lower-case "Riverside Borough" and "2027 Q1")."""
    return text[:1].upper() + text[1:]
