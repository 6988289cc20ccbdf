"""Writes for places, rounds, responses and consensus."""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessment.imports import LineError, ScoresFileError
from assessment.models import (
    Assessment,
    Consensus,
    Membership,
    Place,
    Respondent,
    Response,
    Role,
    RoundStatus,
    Sharing,
)
from assessment.signals import round_closed
from frameworks.models import FrameworkVersion, Item

User = get_user_model()
logger = logging.getLogger(__name__)

SCORING_ENDED = "Scoring has ended for this round; your answers were not saved."


@dataclass(frozen=True)
class Answer:
    current: int | None
    target: int | None
    evidence: str = ""
    confidence: str = ""


class ConsensusConflict(Exception):
    """Someone else saved this item since the form was drawn; carries their record."""

    def __init__(self, current: Consensus):
        self.current = current
        super().__init__(f"{current.item} was saved by someone else")


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    # True: e-mailed a link to set a password; False: that e-mail could not be sent (the lead
    # can resend it); None: they already had an account, so no link was needed.
    invited: bool | None


def member_add(*, place: Place, email: str, name: str, role: str, base_url: str) -> MemberAdded:
    """Add a person to a place; someone new is e-mailed a link to set a password.

    The membership is saved first; a failure to send the e-mail loses nothing and is reported.
    """
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if created:
            first, _, last = name.strip().partition(" ")
            user = User(username=email, email=email, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
        if Membership.objects.filter(user=user, place=place).exists():
            raise ValidationError(
                f"{email} is already a member of {place}. If they did not get their e-mail, "
                f"use “Resend invitation” in the list of people."
            )
        membership = Membership.objects.create(user=user, place=place, role=role)
    if not created:
        return MemberAdded(membership=membership, invited=None)
    try:
        member_invite(membership=membership, base_url=base_url)
    except InvitationNotSent:
        return MemberAdded(membership=membership, invited=False)
    return MemberAdded(membership=membership, invited=True)


class InvitationNotSent(Exception):
    """The mail server did not take the invitation; the details are in the log."""


def member_invite(*, membership: Membership, base_url: str) -> None:
    """E-mail a member a link to set their password and sign in."""
    user, place = membership.user, membership.place
    link = base_url + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    try:
        send_mail(
            subject=f"You have been added to {place} — set your password",
            message=(
                f"Hello {_display_name(user)},\n\nYou have been added to {place} as "
                f"{membership.get_role_display().lower()} in the integration maturity "
                f"self-assessment.\n\nSet your password here:\n{link}\n\nThen sign in with "
                f"this e-mail address ({user.email}).\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    except OSError as exc:  # smtplib's errors, refused connections and time-outs alike
        logger.exception("Invitation to %s for %s was not sent", user.email, place.code)
        raise InvitationNotSent(str(exc)) from exc


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
        Respondent.objects.bulk_create(
            Respondent(assessment=assessment, user=person, name=_display_name(person))
            for person in participants
        )
    return assessment


def _display_name(user) -> str:
    return user.get_full_name() or user.email or user.username


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


def respondent_for_user(*, assessment: Assessment, user) -> Respondent:
    """The user's respondent record in a round; a member who was not listed joins on first visit.

    Safe to call from two requests at once: the round's lock makes the second find the first's.
    """
    respondent = Respondent.objects.filter(assessment=assessment, user=user).first()
    if respondent:
        return respondent
    with transaction.atomic():
        Assessment.objects.lock(assessment.pk).require_status(
            RoundStatus.OPEN,
            refusal="Scoring has ended for this round; your answers were not saved.",
        )
        respondent = Respondent.objects.filter(assessment=assessment, user=user).first()
        if respondent:
            return respondent
        name = _display_name(user)
        if Respondent.objects.filter(assessment=assessment, name=name).exists():
            name = f"{name} ({user.email or user.pk})"
        return Respondent.objects.create(assessment=assessment, user=user, name=name)


class ResponsesConflict(Exception):
    """The respondent's answers were saved from elsewhere since the form was drawn.

    ``saved`` holds the stored answers of the items where the form differs from them.
    """

    def __init__(self, respondent: Respondent, saved: dict[Item, "Response | None"]):
        self.respondent = respondent
        self.saved = saved
        super().__init__(f"{len(saved)} answers were changed elsewhere")


def _as_answer(response: Response | None) -> Answer:
    if response is None:
        return Answer(current=None, target=None)
    return Answer(response.current, response.target, response.evidence, response.confidence)


def responses_save(
    *,
    respondent: Respondent,
    answers: dict[Item, Answer],
    submit: bool = False,
    revision: int | None = None,
) -> int:
    """Save a respondent's draft, and submit it when asked and complete.

    ``answers`` holds only the items the form carried: any other saved answer is kept as it is.
    ``revision`` is the respondent's revision the form was drawn from; if the answers were saved
    from elsewhere since, and this form would change any of them, ResponsesConflict carries the
    stored answers and nothing is written. Returns how many items changed. An incomplete
    submission is still saved as a draft, then refused with a ValidationError naming what is
    left to do.
    """
    with transaction.atomic():
        Assessment.objects.lock(respondent.assessment_id).require_status(
            RoundStatus.OPEN,
            refusal="Scoring has ended for this round; your answers were not saved.",
        )
        respondent.refresh_from_db(fields=["submitted_at", "revision"])
        existing = {r.item_id: r for r in Response.objects.filter(respondent=respondent)}
        differing = {
            item: existing.get(item.pk)
            for item, answer in answers.items()
            if answer != _as_answer(existing.get(item.pk))
        }
        if revision is not None and revision != respondent.revision and differing:
            raise ResponsesConflict(respondent, differing)
        if respondent.is_submitted:
            if not differing:
                return 0  # the same answers again: a double click on "submit"
            raise ValidationError("You have submitted your answers; reopen them to make changes.")
        for item, answer in answers.items():
            if item not in differing:
                continue
            response = existing.get(item.pk) or Response(respondent=respondent, item=item)
            response.current, response.target = answer.current, answer.target
            response.evidence, response.confidence = answer.evidence, answer.confidence
            response.save()
            existing[item.pk] = response
        missing = []
        if submit:
            items = Item.objects.filter(version__assessments=respondent.assessment_id).order_by(
                "-version__framework__kind", "position"
            )
            missing = [
                i.title for i in items if getattr(existing.get(i.pk), "current", None) is None
            ]
            if not missing:
                respondent.submitted_at = timezone.now()
        if differing or respondent.submitted_at:
            respondent.revision += 1
            respondent.save(update_fields=["submitted_at", "revision"])
    if missing:
        raise ValidationError(
            f"Your answers are saved as a draft, but not submitted: choose a current level for "
            f"every item first. {len(missing)} still to do, starting with {missing[0]}."
        )
    return len(differing)


def response_reopen(*, respondent: Respondent) -> Respondent:
    with transaction.atomic():
        Assessment.objects.lock(respondent.assessment_id).require_status(
            RoundStatus.OPEN,
            refusal="Scoring has ended for this round; answers can no longer change.",
        )
        respondent.refresh_from_db(fields=["submitted_at", "revision"])
        respondent.submitted_at = None
        respondent.revision += 1
        respondent.save(update_fields=["submitted_at", "revision"])
    return respondent


def consensus_record(
    *,
    assessment: Assessment,
    item: Item,
    current: int,
    target: int,
    rationale: str,
    user,
    revision: int,
) -> Consensus:
    """Record the agreed position on an item.

    ``revision`` is the revision the facilitator's form was drawn from (0 when there was none).
    If someone saved in between, ConsensusConflict carries their values and nothing is written.
    """
    values = {"current": current, "target": target, "rationale": rationale, "recorded_by": user}
    try:
        with transaction.atomic():
            Assessment.objects.lock(assessment.pk).require_status(
                RoundStatus.CONSENSUS,
                refusal="Consensus can be recorded only while the round is at consensus.",
            )
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


def participants_default(place: Place) -> list:
    """Members who score: respondents and leads."""
    return [
        m.user
        for m in Membership.objects.filter(place=place, role__in=[Role.LEAD, Role.RESPONDENT])
        .select_related("user")
        .order_by("user__first_name", "user__email")
    ]


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
