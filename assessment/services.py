"""Writes for places, rounds, responses and consensus."""

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
from frameworks.models import FrameworkVersion, Item
from reports.services import round_results_store

User = get_user_model()

NEXT_STATUS = {RoundStatus.OPEN: RoundStatus.CONSENSUS, RoundStatus.CONSENSUS: RoundStatus.CLOSED}


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


def member_add(*, place: Place, email: str, name: str, role: str, base_url: str) -> Membership:
    """Add a person to a place; someone new gets an e-mail with a link to set a password."""
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
            raise ValidationError(f"{email} is already a member of {place}.")
        membership = Membership.objects.create(user=user, place=place, role=role)
    if created:
        link = base_url + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        send_mail(
            subject=f"You have been added to {place} — set your password",
            message=(
                f"Hello {name or email},\n\nYou have been added to {place} as "
                f"{membership.get_role_display().lower()} in the integration maturity "
                f"self-assessment.\n\nSet your password here:\n{link}\n\nThen sign in with "
                f"this e-mail address ({email}).\n"
            ),
            from_email=None,
            recipient_list=[email],
        )
    return membership


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


def assessment_advance(*, assessment: Assessment) -> Assessment:
    """Move a round on: open → consensus → closed. A closed round stays closed."""
    following = NEXT_STATUS.get(assessment.status)
    if following is None:
        raise ValidationError("This round is closed; it cannot move on.")
    with transaction.atomic():
        updated = Assessment.objects.filter(pk=assessment.pk, status=assessment.status).update(
            status=following, updated_at=timezone.now()
        )
        if not updated:
            raise ValidationError("Someone else has changed this round's status; reload the page.")
        assessment.refresh_from_db()
        if following == RoundStatus.CLOSED:
            # A closed round never changes again: keep its results for comparisons.
            round_results_store(assessment=assessment)
    return assessment


def assessment_share(*, assessment: Assessment, sharing: str) -> Assessment:
    if not assessment.is_closed:
        raise ValidationError("Only a closed round can be shared for comparison.")
    if sharing not in Sharing.values:
        raise ValidationError(f"Unknown sharing choice {sharing!r}.")
    assessment.sharing = sharing
    assessment.save(update_fields=["sharing", "updated_at"])
    return assessment


def respondent_for_user(*, assessment: Assessment, user) -> Respondent:
    """The user's respondent record in a round; a member who was not listed joins on first visit."""
    respondent = Respondent.objects.filter(assessment=assessment, user=user).first()
    if respondent:
        return respondent
    name = _display_name(user)
    if Respondent.objects.filter(assessment=assessment, name=name).exists():
        name = f"{name} ({user.email or user.pk})"
    return Respondent.objects.create(assessment=assessment, user=user, name=name)


def responses_save(
    *, respondent: Respondent, answers: dict[Item, Answer], submit: bool = False
) -> int:
    """Save a respondent's draft, and submit it when asked and complete.

    Returns how many items changed. An incomplete submission is still saved as a draft, then
    refused with a ValidationError naming what is left to do.
    """
    assessment = respondent.assessment
    if not assessment.is_open:
        raise ValidationError("Scoring has ended for this round.")
    if respondent.is_submitted:
        raise ValidationError("You have submitted your answers; reopen them to make changes.")
    with transaction.atomic():
        existing = {r.item_id: r for r in Response.objects.filter(respondent=respondent)}
        changed = 0
        for item, answer in answers.items():
            response = existing.get(item.pk) or Response(respondent=respondent, item=item)
            values = (answer.current, answer.target, answer.evidence, answer.confidence)
            if response.pk is None and values == (None, None, "", ""):
                continue  # nothing said about this item yet
            if response.pk and values == (
                response.current,
                response.target,
                response.evidence,
                response.confidence,
            ):
                continue
            response.current, response.target, response.evidence, response.confidence = values
            response.save()
            existing[item.pk] = response
            changed += 1
        missing = []
        if submit:
            items = Item.objects.filter(version__assessments=assessment).order_by(
                "-version__framework__kind", "position"
            )
            missing = [
                i.title for i in items if getattr(existing.get(i.pk), "current", None) is None
            ]
            if not missing:
                respondent.submitted_at = timezone.now()
                respondent.save(update_fields=["submitted_at"])
    if missing:
        raise ValidationError(
            f"Your answers are saved as a draft, but not submitted: choose a current level for "
            f"every item first. {len(missing)} still to do, starting with {missing[0]}."
        )
    return changed


def response_reopen(*, respondent: Respondent) -> Respondent:
    if not respondent.assessment.is_open:
        raise ValidationError("Scoring has ended for this round; answers can no longer change.")
    respondent.submitted_at = None
    respondent.save(update_fields=["submitted_at"])
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
    if assessment.status != RoundStatus.CONSENSUS:
        raise ValidationError("Consensus can be recorded only while the round is at consensus.")
    values = {"current": current, "target": target, "rationale": rationale, "recorded_by": user}
    try:
        with transaction.atomic():
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

    Rows come from assessment.imports.check_rows, so every line is already valid.
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    if assessment.is_closed:
        raise ValidationError("This round is closed; scores can no longer be imported.")
    items = {
        (i.version.framework.slug, i.key): i
        for i in Item.objects.filter(version__assessments=assessment).select_related(
            "version__framework"
        )
    }
    with transaction.atomic():
        respondents = {r.name.lower(): r for r in Respondent.objects.filter(assessment=assessment)}
        by_email = {
            (r.user.email or "").lower(): r
            for r in Respondent.objects.filter(
                assessment=assessment, user__isnull=False
            ).select_related("user")
        }
        created, now = 0, timezone.now()
        for name in dict.fromkeys(row.respondent for row in rows):
            key = name.lower()
            if key not in respondents and key in by_email:
                respondents[key] = by_email[key]
            if key not in respondents:
                respondents[key] = Respondent.objects.create(
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
