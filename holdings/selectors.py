"""Reads of the holding register and the revenue feeds, scoped to the user (issue 31).

Holdings name their owners, so they are read by the roles that read personal data
(core.roles.PERSONAL_DATA_ROLES), in the wards they read. The feeds and their
reconciliation queue are the revenue work of a whole municipality: its registers' editors
(municipal admin, GIS officer) with the whole municipality in scope."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from core.roles import PERSONAL_DATA_ROLES, REGISTER_EDITOR_ROLES, UNMASKED_PERSONAL_DATA_ROLES
from core.scope import holds_role_anywhere, user_scope

from . import numbers
from .choices import QueueState
from .models import (
    FeedImport,
    Holding,
    HoldingChange,
    Ownership,
    PersonalDataAccess,
    QueuedRow,
    TaxStatus,
)

READER_ROLES = PERSONAL_DATA_ROLES
FEED_ROLES = REGISTER_EDITOR_ROLES


def _latest_tax(field: str) -> Subquery:
    years = TaxStatus.objects.filter(holding=OuterRef("pk")).order_by("-fiscal_year")
    return Subquery(years.values(field)[:1])


def holding_list(
    *,
    user: Any,
    municipality: Any = None,
    ward_id: int | None = None,
    number: str | None = None,
    in_arrears: bool = False,
) -> QuerySet[Holding]:
    """Holdings in service the user reads, with their latest tax year's arrears, their
    buildings and current owners."""
    found = user_scope(user, READER_ROLES).filter(Holding.objects.all())
    if municipality is not None:
        found = found.filter(municipality=municipality)
    if ward_id is not None:
        found = found.filter(ward_id=ward_id)
    if number:
        found = found.filter(number_key=numbers.key(number))
    found = found.annotate(tax_year=_latest_tax("fiscal_year"), arrears=_latest_tax("arrears"))
    if in_arrears:
        found = found.filter(arrears__gt=0)
    current = Ownership.objects.filter(until__isnull=True).select_related("owner")
    return (
        found.select_related("municipality", "ward")
        .prefetch_related("buildings", Prefetch("ownerships", current, to_attr="current"))
        .order_by("ward__number", "number_key", "pk")
    )


def holding_get(*, user: Any, holding_id: int) -> Holding:
    """Raises Holding.DoesNotExist when unknown, retired or out of the user's scope."""
    return holding_list(user=user).get(pk=holding_id)


def holding_changes(*, holding: Holding) -> QuerySet[HoldingChange]:
    return (
        HoldingChange.objects.filter(before=holding) | HoldingChange.objects.filter(after=holding)
    ).distinct()


def change_get(*, user: Any, change_id: int) -> HoldingChange:
    """A recorded change with a holding (before or after it) the user reads, retired ones
    included (HoldingChange.DoesNotExist otherwise)."""
    holdings = user_scope(user, READER_ROLES).filter(Holding.all_objects.all())
    found = HoldingChange.objects.filter(pk=change_id).filter(
        Q(before__in=holdings) | Q(after__in=holdings)
    )
    return found.distinct().get()


def ownership_get(*, user: Any, ownership_id: int) -> Ownership:
    """An ownership of a holding the user reads (Ownership.DoesNotExist otherwise)."""
    holdings = user_scope(user, READER_ROLES).filter(Holding.all_objects.all())
    return Ownership.objects.select_related("owner", "holding").get(
        pk=ownership_id, holding__in=holdings
    )


def may_read_anywhere(*, user: Any) -> bool:
    return holds_role_anywhere(user=user, roles=READER_ROLES)


def may_edit(*, user: Any, municipality_id: int, ward_id: int | None) -> bool:
    """Whether `user` edits holdings of this municipality and ward (the registers' editors
    there)."""
    scope = user_scope(user, REGISTER_EDITOR_ROLES)
    return scope.covers(municipality_id=municipality_id, ward_id=ward_id)


def may_edit_anywhere(*, user: Any) -> bool:
    return holds_role_anywhere(user=user, roles=REGISTER_EDITOR_ROLES)


def may_run_feeds(*, user: Any, municipality: Any) -> bool:
    return user_scope(user, FEED_ROLES).whole(municipality.pk)


def may_run_feeds_anywhere(*, user: Any) -> bool:
    return holds_role_anywhere(user=user, roles=FEED_ROLES)


def feed_municipalities(*, user: Any) -> list[int] | None:
    """Municipalities whose feeds the user runs (None: all)."""
    scope = user_scope(user, FEED_ROLES)
    return None if scope.everything else sorted(scope.municipality_ids)


def _in_feed_scope(queryset: QuerySet, user: Any) -> QuerySet:
    ids = feed_municipalities(user=user)
    return queryset if ids is None else queryset.filter(municipality_id__in=ids)


def queue_list(*, user: Any, municipality: Any = None, state: str = QueueState.OPEN):
    found = _in_feed_scope(QueuedRow.objects.filter(state=state), user)
    if municipality is not None:
        found = found.filter(municipality=municipality)
    return found.select_related("municipality").order_by("feed", "line", "pk")


def queued_row_get(*, user: Any, row_id: int) -> QueuedRow:
    return _in_feed_scope(QueuedRow.objects.all(), user).get(pk=row_id)


def feed_imports(*, user: Any, municipality: Any = None) -> QuerySet[FeedImport]:
    found = _in_feed_scope(FeedImport.objects.all(), user)
    if municipality is not None:
        found = found.filter(municipality=municipality)
    return found.select_related("municipality", "submitted_by")


def personal_data_log(*, user: Any, municipality: Any = None) -> QuerySet[PersonalDataAccess]:
    """Who was shown owners' personal data: read by the municipality's admins."""
    scope = user_scope(user, UNMASKED_PERSONAL_DATA_ROLES)
    found = PersonalDataAccess.objects.all()
    if not scope.everything:
        found = found.filter(municipality_id__in=scope.municipality_ids)
    if municipality is not None:
        found = found.filter(municipality=municipality)
    return found.select_related("user", "owner", "municipality")
