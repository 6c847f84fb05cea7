"""The municipal admin's people (issue 26): who works in the municipality, with which roles
and wards; inviting someone (an account with a temporary password, shown once), changing
roles and ward limits, resetting a password, and taking someone off. An admin manages only
the municipality he administers as a whole, never locks the municipality out of its last
admin, and resets passwords or deactivates only accounts that work nowhere else."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .models import Membership
from .roles import MembershipRole
from .scope import municipality_model

ADMIN = MembershipRole.MUNICIPAL_ADMIN
User = get_user_model()


# ---------------------------------------------------------------- reads
def administered(*, user: Any) -> QuerySet:
    """The municipalities `user` administers as a whole (every one for a superuser)."""
    municipalities = municipality_model().objects.order_by("name")
    if user.is_superuser:
        return municipalities
    whole = Membership.objects.filter(user=user, role=ADMIN, wards__isnull=True)
    return municipalities.filter(pk__in=whole.values("municipality_id"))


def people_of(*, municipality: Any) -> list[dict[str, Any]]:
    """Everyone with a role in `municipality`, by name: their roles (with ward limits) and
    whether they also work elsewhere."""
    memberships = (
        Membership.objects.filter(municipality=municipality)
        .select_related("user")
        .prefetch_related("wards")
        .order_by("user__username", "role")
    )
    elsewhere = set(
        Membership.objects.filter(user__memberships__municipality=municipality)
        .exclude(municipality=municipality)
        .values_list("user_id", flat=True)
    )
    people: dict[int, dict[str, Any]] = {}
    for membership in memberships:
        person = people.setdefault(
            membership.user_id,
            {"user": membership.user, "roles": [], "elsewhere": membership.user_id in elsewhere},
        )
        person["roles"].append(
            {
                "role": membership.role,
                "label": membership.get_role_display(),
                "wards": sorted(ward.number for ward in membership.wards.all()),
            }
        )
    return list(people.values())


def person_get(*, municipality: Any, user_id: int) -> Any:
    """A user with a role in `municipality`; User.DoesNotExist otherwise."""
    return User.objects.filter(memberships__municipality=municipality).distinct().get(pk=user_id)


def works_only_here(user: Any, municipality: Any) -> bool:
    return not user.is_superuser and not (
        Membership.objects.filter(user=user).exclude(municipality=municipality).exists()
    )


# ---------------------------------------------------------------- writes
def _temporary_password() -> str:
    return secrets.token_urlsafe(9)


def _check(municipality: Any, roles: list[str], wards: list[Any]) -> None:
    if not roles:
        raise ValidationError({"roles": [_("Give at least one role.")]})
    unknown = set(roles) - set(MembershipRole.values)
    if unknown:
        raise ValidationError({"roles": [_("Unknown role.")]})
    if any(ward.municipality_id != municipality.pk for ward in wards):
        raise ValidationError({"wards": [_("A ward of another municipality.")]})


def _write_roles(user: Any, municipality: Any, roles: list[str], wards: list[Any]) -> None:
    Membership.objects.filter(user=user, municipality=municipality).exclude(role__in=roles).delete()
    for role in roles:
        membership, _created = Membership.objects.get_or_create(
            user=user, municipality=municipality, role=role
        )
        membership.wards.set(wards)


def _keeps_an_admin(municipality: Any, *, without: Any) -> bool:
    return (
        Membership.objects.filter(municipality=municipality, role=ADMIN, wards__isnull=True)
        .exclude(user=without)
        .filter(user__is_active=True)
        .exists()
    )


@transaction.atomic
def person_invite(
    *,
    municipality: Any,
    username: str,
    roles: list[str],
    wards: list[Any] | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> tuple[Any, str]:
    """A new account with `roles` in `municipality` (limited to `wards` when given), and
    the temporary password to hand over (shown once, never stored in clear)."""
    wards = list(wards or [])
    _check(municipality, roles, wards)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This user name is taken.")]})
    password = _temporary_password()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    _write_roles(user, municipality, roles, wards)
    return user, password


@transaction.atomic
def person_set_roles(
    *, municipality: Any, user: Any, roles: list[str], wards: list[Any], by: Any
) -> None:
    """Replace `user`'s roles in `municipality` (the same ward limits for each)."""
    wards = list(wards)
    _check(municipality, roles, wards)
    keeps_admin = ADMIN in roles and not wards
    if not keeps_admin and user == by:
        raise ValidationError({"roles": [_("You cannot take away your own admin role.")]})
    if not keeps_admin and not _keeps_an_admin(municipality, without=user):
        raise ValidationError({"roles": [_("The municipality would have no admin left.")]})
    _write_roles(user, municipality, roles, wards)


@transaction.atomic
def person_remove(*, municipality: Any, user: Any, by: Any) -> bool:
    """Take `user` off `municipality`; an account that then works nowhere is deactivated
    and its API tokens revoked (True)."""
    if user == by:
        raise ValidationError({"__all__": [_("You cannot take yourself off.")]})
    if not _keeps_an_admin(municipality, without=user):
        raise ValidationError({"__all__": [_("The municipality would have no admin left.")]})
    Membership.objects.filter(user=user, municipality=municipality).delete()
    if user.is_superuser or Membership.objects.filter(user=user).exists():
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    Token.objects.filter(user=user).delete()
    return True


@transaction.atomic
def person_reset_password(*, municipality: Any, user: Any) -> str:
    """A new temporary password (shown once); the old one and the API tokens stop working.
    Only for an account that works in this municipality alone."""
    if not works_only_here(user, municipality):
        raise ValidationError(
            {"__all__": [_("This person also works elsewhere: ask the system administrator.")]}
        )
    password = _temporary_password()
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    Token.objects.filter(user=user).delete()
    return password
