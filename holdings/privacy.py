"""Owners' personal data (issue 31): national ID numbers and phones are kept only where
given, shown masked (the last digits) to everyone who reads holdings, shown whole only to
the roles of core.roles.UNMASKED_PERSONAL_DATA_ROLES and only on asking, each time logged
(who, when, whose, from where), and erased the municipality's retention period after the
owner stopped owning any holding. Exports leave them out unless the exporting role may see
them, and then log the export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.roles import UNMASKED_PERSONAL_DATA_ROLES
from core.scope import holds_role_anywhere, user_scope

from .models import Owner, PersonalDataAccess
from .models.register import HoldingSettings

FIELDS = ("national_id", "phone")
MASK = "•"
SHOWN_DIGITS = {"national_id": 4, "phone": 3}
DEFAULT_RETENTION_YEARS = HoldingSettings._meta.get_field("retention_years").default


def masked(value: str, field: str) -> str:
    """`value` with all but its last digits hidden ("" stays "")."""
    if not value:
        return ""
    shown = SHOWN_DIGITS[field]
    return MASK * max(len(value) - shown, 0) + value[-shown:]


def may_unmask(user: Any, *, municipality_id: int, ward_id: int | None) -> bool:
    """Whether `user` may see a holding's owners' ID numbers and phones whole."""
    scope = user_scope(user, UNMASKED_PERSONAL_DATA_ROLES)
    return scope.covers(municipality_id=municipality_id, ward_id=ward_id)


def may_read_log(user: Any) -> bool:
    return holds_role_anywhere(user=user, roles=UNMASKED_PERSONAL_DATA_ROLES)


def owner_masked(owner: Owner) -> dict[str, str]:
    return {name: masked(getattr(owner, name), name) for name in FIELDS}


@transaction.atomic
def owner_unmasked(*, user: Any, owner: Owner, client_address: str | None) -> dict[str, str]:
    """The owner's ID number and phone whole, logged. The caller has checked may_unmask
    for a holding of the owner's that the user reads."""
    shown = [name for name in FIELDS if getattr(owner, name)]
    PersonalDataAccess.objects.create(
        user=user,
        municipality_id=owner.municipality_id,
        owner=owner,
        kind=PersonalDataAccess.Kind.VIEW,
        fields=",".join(shown),
        client_address=client_address,
    )
    return {name: getattr(owner, name) for name in FIELDS}


def log_export(*, user: Any, municipality_id: int, records: int, client_address: str | None):
    PersonalDataAccess.objects.create(
        user=user,
        municipality_id=municipality_id,
        kind=PersonalDataAccess.Kind.EXPORT,
        fields=",".join(FIELDS),
        records=records,
        client_address=client_address,
    )


ERASE = """
UPDATE holdings_owner o
   SET national_id = '', phone = '', personal_data_erased_at = %(now)s, updated_at = %(now)s
  FROM spatial_municipality m
  LEFT JOIN holdings_holdingsettings s ON s.municipality_id = m.id
 WHERE o.municipality_id = m.id
   AND (o.national_id <> '' OR o.phone <> '')
   AND EXISTS (SELECT 1 FROM holdings_ownership e WHERE e.owner_id = o.id)
   AND NOT EXISTS (
        SELECT 1 FROM holdings_ownership e
         WHERE e.owner_id = o.id
           AND (e.until IS NULL
                OR e.until > %(today)s
                   - make_interval(years => coalesce(s.retention_years, %(default)s))))
"""


def erase_expired(*, today: dt.date | None = None) -> int:
    """Erase the ID numbers and phones of owners who have owned nothing for longer than
    their municipality's retention period; the number of owners erased."""
    with connection.cursor() as cursor:
        cursor.execute(
            ERASE,
            {
                "now": timezone.now(),
                "today": today or timezone.localdate(),
                "default": DEFAULT_RETENTION_YEARS,
            },
        )
        return cursor.rowcount
