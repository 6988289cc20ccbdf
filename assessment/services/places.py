"""Writes about places and their people."""

import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessment.mail import MailOutcome, send_to_person
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
    *, place: Place, email: str, name: str, role: str, base_url: str, sector: str = ""
) -> MemberAdded:
    """Add a person to a place and e-mail them a link: to set a password if they are new, to
    sign in if they already have an account (the lead is told the same either way, so adding
    someone reveals nothing about accounts in other places).

    The membership is saved first, then the e-mail is queued; a failure to send it loses
    nothing and is reported.
    Of two leads adding the same person at once, the second is told they are already a member.
    """
    email = email.strip().lower()
    with transaction.atomic():
        # The place's row, locked: a second add of the same person waits, then finds them.
        Place.objects.select_for_update().get(pk=place.pk)
        user = User.objects.filter(email__iexact=email).first() or _new_user(email, name)
        if Membership.objects.filter(user=user, place=place).exists():
            raise ValidationError(
                f"{email} is already a member of {place}. If they did not get their e-mail, "
                f"use “Resend invitation” in the list of people."
            )
        membership = Membership.objects.create(
            user=user, place=place, role=role, sector=sector, name=name.strip()
        )
    return MemberAdded(
        membership=membership, invited=member_invite(membership=membership, base_url=base_url)
    )


def _new_user(email: str, name: str):
    """An account for the address, without a password until its person sets one; if another
    place's lead has just made one for the same address, that one."""
    first, _, last = name.strip().partition(" ")
    user = User(username=email, email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    try:
        with transaction.atomic():  # a savepoint: the add goes on with the other's account
            user.save()
    except IntegrityError:
        return User.objects.get(email__iexact=email)
    return user


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
    added = (
        f"Hello {display_name(user)},\n\nYou have been added to {place} as "
        f"{membership.get_role_display().lower()} in the integration maturity "
        f"self-assessment.\n\n"
    )
    if user.has_usable_password():
        body = added + (
            f"Sign in here with this e-mail address ({user.email}) and your password:\n"
            f"{base_url}{reverse('login')}\n"
        )
        subject = f"You have been added to {place}"
    else:
        link = base_url + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        body = added + (
            f"Set your password here:\n{link}\n\nYou are then signed in. "
            f"Later, sign in with this e-mail address ({user.email}).\n"
        )
        subject = f"You have been added to {place} — set your password"
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
