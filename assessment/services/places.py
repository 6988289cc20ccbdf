"""Writes about places and their people."""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from assessment.mail import send_to_person
from assessment.models import (
    Membership,
    Place,
    Role,
)

User = get_user_model()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    # True: e-mailed a link to set a password; False: that e-mail could not be sent (the lead
    # can resend it); None: they already had an account, so no link was needed.
    invited: bool | None


def member_add(
    *, place: Place, email: str, name: str, role: str, base_url: str, sector: str = ""
) -> MemberAdded:
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
        membership = Membership.objects.create(user=user, place=place, role=role, sector=sector)
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
    body = (
        f"Hello {display_name(user)},\n\nYou have been added to {place} as "
        f"{membership.get_role_display().lower()} in the integration maturity "
        f"self-assessment.\n\nSet your password here:\n{link}\n\nYou are then signed in. "
        f"Later, sign in with this e-mail address ({user.email}).\n"
    )
    subject = f"You have been added to {place} — set your password"
    if not send_to_person(subject=subject, body=body, to=user.email):
        raise InvitationNotSent(user.email)


def participants_default(place: Place) -> list:
    """Members who score: respondents and leads."""
    return [
        m.user
        for m in Membership.objects.filter(place=place, role__in=[Role.LEAD, Role.RESPONDENT])
        .select_related("user")
        .order_by("user__first_name", "user__email")
    ]


def display_name(user) -> str:
    return user.get_full_name() or user.email or user.username
