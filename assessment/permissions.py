"""Who may see and do what. Outsiders get 404: they should not learn that a round exists."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessment.models import Assessment, Membership, Place, Role


def role_in_place(user, place: Place) -> str | None:
    """The user's role in a place; staff act as leads everywhere."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return Role.LEAD
    membership = Membership.objects.filter(user=user, place=place).only("role").first()
    return membership.role if membership else None


def _require(role: str | None, roles: tuple[str, ...] | None) -> str:
    if role is None:
        raise Http404("No such page.")
    if roles is not None and role not in roles:
        raise PermissionDenied
    return role


def get_place_for_user(user, code: str, *, roles: tuple[str, ...] | None = None):
    place = get_object_or_404(Place, code=code)
    return place, _require(role_in_place(user, place), roles)


ANALYST = "analyst"


def get_assessment_for_user(user, pk: int, *, roles: tuple[str, ...] | None = None):
    """A round and the user's role in it; analysts may read closed rounds shared by name."""
    assessment = get_object_or_404(Assessment.objects.select_related("place"), pk=pk)
    role = role_in_place(user, assessment.place)
    if role is None and Assessment.objects.visible_to(user).filter(pk=assessment.pk).exists():
        role = ANALYST  # a closed round another place shared by name
    return assessment, _require(role, roles)


def reader_from_outside(user, role: str | None):
    """Whom a round's neighbours are limited for: an analyst from outside the place may open only
    its rounds shared by name (selectors.previous_round_for); its members and staff may open
    every round of it, so nothing is limited for them (None) and nothing need be checked."""
    return user if role == ANALYST else None
