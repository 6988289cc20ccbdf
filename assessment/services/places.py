"""Writes about places and their people."""

import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import record
from accounts.invitations import new_person, ways_to_sign_in
from accounts.mail import MailOutcome, send_to_person
from accounts.models import AuditKind
from assessment.models import (
    Membership,
    Place,
    Role,
)
from assessment.tasks import mail_member_invitation

User = get_user_model()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    # The e-mail with their link: sent, not sent (the lead can resend it), or queued.
    invited: MailOutcome


def member_add(
    *,
    place: Place,
    email: str,
    name: str,
    role: str,
    base_url: str,
    sector: str = "",
    by=None,
    request=None,
) -> MemberAdded:
    """Add a person to a place and e-mail them a link: to set a password if they are new, to
    sign in if they already have an account (the lead is told the same either way, so adding
    someone reveals nothing about accounts in other places).

    The membership is saved first, then the e-mail is queued; a failure to send it loses
    nothing and is reported.
    Of two leads adding the same person at once, the second is told they are already a member.
    ``by`` (who added them) and ``request`` go to the audit log.
    """
    email = email.strip().lower()
    with transaction.atomic():
        # The place's row, locked: a second add of the same person waits, then finds them.
        Place.objects.select_for_update().get(pk=place.pk)
        user = User.objects.filter(email__iexact=email).first() or new_person(
            email=email, name=name
        )
        if Membership.objects.filter(user=user, place=place).exists():
            raise ValidationError(
                f"{email} is already a member of {place}. If they did not get their e-mail, "
                f"use “Resend invitation” in the list of people."
            )
        membership = Membership.objects.create(
            user=user, place=place, role=role, sector=sector, name=name.strip()
        )
        role_change_record(membership, old_role=None, by=by, request=request)
    return MemberAdded(
        membership=membership, invited=member_invite(membership=membership, base_url=base_url)
    )


def role_change_record(membership: Membership, *, old_role, by=None, request=None, new_role=None):
    """Keep in the audit log that a person gained, changed or lost a role in a place: "riverside:
    added as lead", "riverside: respondent → lead", "riverside: viewer removed". Codes, never
    names: the log outlives an erasure. ``new_role`` None with an ``old_role`` is a removal.
    Roles go by their short names (lead, respondent, viewer), the same in every event."""
    code = membership.place.code
    if old_role is None:
        detail = f"{code}: added as {membership.role}"
    elif new_role is None:
        detail = f"{code}: {old_role} removed"
    else:
        detail = f"{code}: {old_role} → {new_role}"
    record(AuditKind.ROLE_CHANGED, person=membership.user, by=by, request=request, detail=detail)


def memberships_saved_record(formset, *, by, request) -> None:
    """The audit log's record of the people a staff member added to a place, moved to another
    role or removed, on the admin's place page (PlaceAdmin.save_formset calls this once the
    formset is saved). A row changed to another person counts as one removed and one added."""
    if formset.model is not Membership:
        return
    deleted = formset.deleted_forms
    for form in formset.initial_forms:
        old = form.initial
        instance = form.instance
        if form in deleted:
            _record_removed(instance, old, by=by, request=request)
        elif "user" in form.changed_data:
            _record_removed(instance, old, by=by, request=request)
            role_change_record(instance, old_role=None, by=by, request=request)
        elif "role" in form.changed_data and old.get("role") != instance.role:
            role_change_record(
                instance, old_role=old.get("role"), new_role=instance.role, by=by, request=request
            )
    for membership in formset.new_objects:
        role_change_record(membership, old_role=None, by=by, request=request)


def _record_removed(instance: Membership, old: dict, *, by, request) -> None:
    """The removal of the person the row held before the change (its initial user and role)."""
    person = User.objects.filter(pk=old.get("user")).first() or instance.user
    gone = Membership(user=person, place=instance.place, role=old.get("role") or instance.role)
    role_change_record(gone, old_role=gone.role, by=by, request=request)


def member_invite(*, membership: Membership, base_url: str) -> MailOutcome:
    """Queue the e-mail telling a member that they were added (mail_member_invitation); the
    outcome names them by their address."""
    result = mail_member_invitation.enqueue(membership_id=membership.pk, base_url=base_url)
    return MailOutcome.of(result, [membership.user.email])


def member_invite_send(*, membership_id: int, base_url: str) -> MailOutcome:
    """E-mail a member that they were added: with a link to set their password, or to sign
    in where they already have one. The link's token is made now, as the e-mail goes."""
    membership = Membership.objects.select_related("user", "place").filter(pk=membership_id).first()
    if membership is None:
        return MailOutcome(sent=[], failed=[])  # removed before the e-mail went
    user, place = membership.user, membership.place
    body = (
        f"Hello {display_name(user)},\n\nYou have been added to {place} as "
        f"{membership.get_role_display().lower()} in the integration maturity "
        f"self-assessment.\n\n" + ways_to_sign_in(user, base_url)
    )
    subject = f"You have been added to {place}"
    if not user.has_usable_password():
        subject += " — set your password"
    sent = send_to_person(subject=subject, body=body, to=user.email)
    return MailOutcome(sent=[user.email] if sent else [], failed=[] if sent else [user.email])


def participants_default(place: Place) -> list:
    """Members who score: respondents and leads, each carrying the name the place knows them by
    (see display_name)."""
    people = []
    for m in (
        Membership.objects.filter(place=place, role__in=[Role.LEAD, Role.RESPONDENT])
        .select_related("user")
        .order_by("user__first_name", "user__email")
    ):
        m.user.member_name = m.name
        people.append(m.user)
    return people


def display_name(user) -> str:
    """A person's name: as their place's lead gave it where the user came from a membership,
    else their account's."""
    return getattr(user, "member_name", "") or user.get_full_name() or user.email or user.username


def respondent_names(people: list, taken: Collection[str] = ()) -> dict[int, str]:
    """What a round calls each of these people (by user pk): their name, with their e-mail
    address beside it where someone else in the round (among ``taken`` or these people) has
    the same name, so that the lead can tell them apart. Whatever the order, the same names."""
    shared = Counter(display_name(person).lower() for person in people)
    shared.update({name.lower() for name in taken})
    names = {}
    for person in people:
        name = display_name(person)
        names[person.pk] = (
            f"{name} ({person.email or person.pk})" if shared[name.lower()] > 1 else name
        )
    return names
