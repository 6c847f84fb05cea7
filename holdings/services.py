"""Writes to the holding register (issue 31): holdings on buildings, their owners, and
the transfers, splits and merges that change them. Each service checks the
municipality's rules, writes in one transaction and raises ValidationError per field.
The revenue feeds write through holdings.importing; the reconciliation queue through
holdings.reconciliation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.local import bangladesh_mobile
from core.uploads import check_document

from . import numbers
from .choices import ChangeKind
from .models import (
    Holding,
    HoldingBuilding,
    HoldingChange,
    HoldingSettings,
    Owner,
    Ownership,
)

HOLDING_FIELDS = ("address", "land_use", "annual_valuation", "valuation_year", "floor_area_m2")


def holding_settings(municipality: Any) -> HoldingSettings:
    """The municipality's holding settings (the defaults until it sets its own)."""
    found = HoldingSettings.objects.filter(municipality=municipality).first()
    return found or HoldingSettings(municipality=municipality)


def checked_number(municipality: Any, number: str) -> str:
    """The key of `number`, checked against the municipality's format."""
    key = numbers.key(number)
    rules = holding_settings(municipality)
    if not key or not rules.number_matches(key):
        raise ValidationError(
            {
                "number": [
                    _("Not a holding number of this municipality (for example %(example)s).")
                    % {"example": rules.number_example}
                ]
            }
        )
    return key


def _check_unique(holding: Holding) -> None:
    taken = Holding.objects.filter(
        municipality_id=holding.municipality_id,
        ward_id=holding.ward_id,
        number_key=holding.number_key,
    ).exclude(pk=holding.pk)
    if taken.exists():
        raise ValidationError({"number": [_("This ward already has a holding with this number.")]})


def _place(holding: Holding, buildings: Iterable[Any], units: dict[int, str]) -> None:
    buildings = list(buildings)
    strangers = [b.bin for b in buildings if b.municipality_id != holding.municipality_id]
    if strangers:
        raise ValidationError(
            {"buildings": [_("Not buildings of this municipality: %(b)s") % {"b": strangers}]}
        )
    HoldingBuilding.objects.filter(holding=holding).exclude(
        building__in=[b.pk for b in buildings]
    ).delete()
    for building in buildings:
        HoldingBuilding.objects.update_or_create(
            holding=holding, building=building, defaults={"unit": units.get(building.pk, "")}
        )


@transaction.atomic
def holding_create(
    *,
    municipality: Any,
    ward: Any,
    number: str,
    buildings: Iterable[Any] = (),
    units: dict[int, str] | None = None,
    **attributes: Any,
) -> Holding:
    if ward.municipality_id != municipality.pk:
        raise ValidationError({"ward": [_("Not a ward of this municipality.")]})
    holding = Holding(
        municipality=municipality,
        ward=ward,
        number=number.strip(),
        number_key=checked_number(municipality, number),
    )
    for name in HOLDING_FIELDS:
        if name in attributes:
            setattr(holding, name, attributes[name])
    holding.full_clean(exclude=["municipality", "ward", "number_key"])
    _check_unique(holding)
    holding.save()
    _place(holding, buildings, units or {})
    return holding


@transaction.atomic
def holding_update(
    *, holding: Holding, buildings: Iterable[Any] | None = None, **changes: Any
) -> Holding:
    if "number" in changes:
        holding.number = changes.pop("number").strip()
        holding.number_key = checked_number(holding.municipality, holding.number)
    if "ward" in changes:
        if changes["ward"].municipality_id != holding.municipality_id:
            raise ValidationError({"ward": [_("Not a ward of this municipality.")]})
        holding.ward = changes.pop("ward")
    for name in HOLDING_FIELDS:
        if name in changes:
            setattr(holding, name, changes[name])
    holding.full_clean(exclude=["municipality", "ward", "number_key"])
    _check_unique(holding)
    holding.save()
    if buildings is not None:
        _place(holding, buildings, changes.get("units") or {})
    return holding


def _owner(municipality: Any, given: dict) -> Owner:
    """An owner as given: an existing one by id, else a new one (ID and phone checked)."""
    if given.get("id"):
        try:
            return Owner.objects.get(pk=given["id"], municipality=municipality)
        except Owner.DoesNotExist:
            raise ValidationError({"owners": [_("Unknown owner.")]}) from None
    owner = Owner(
        municipality=municipality,
        name=str(given.get("name", "")).strip(),
        name_bn=str(given.get("name_bn", "")).strip(),
        address=str(given.get("address", "")).strip(),
    )
    try:
        if given.get("national_id"):
            owner.national_id = numbers.national_id(given["national_id"])
        if given.get("phone"):
            owner.phone = bangladesh_mobile(given["phone"])
    except ValueError as exc:
        raise ValidationError({"owners": [str(exc)]}) from None
    owner.full_clean(exclude=["municipality"])
    owner.save()
    return owner


def _shares(owners: list[dict]) -> None:
    given = [Decimal(str(o["share_percent"])) for o in owners if o.get("share_percent")]
    if given and sum(given) > 100:
        raise ValidationError({"owners": [_("The shares add up to more than 100%.")]})


@transaction.atomic
def owners_set(
    *, holding: Holding, owners: list[dict], since: dt.date | None = None
) -> list[Ownership]:
    """The holding's first owners, as the register is filled (no transfer recorded)."""
    if not owners:
        raise ValidationError({"owners": [_("Name at least one owner.")]})
    _shares(owners)
    made = []
    for given in owners:
        owner = _owner(holding.municipality, given)
        made.append(
            Ownership.objects.create(
                holding=holding, owner=owner, share_percent=given.get("share_percent"), since=since
            )
        )
    return made


def _change(municipality: Any, kind: str, user: Any, happened_on: dt.date, **evidence) -> Any:
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": [_("The date lies in the future.")]})
    return HoldingChange.objects.create(
        municipality=municipality,
        kind=kind,
        happened_on=happened_on,
        recorded_by=user,
        evidence_reference=evidence.get("evidence_reference", ""),
        evidence=evidence.get("evidence") or "",
        note=evidence.get("note", ""),
    )


@transaction.atomic
def change_attach_evidence(*, change: HoldingChange, upload: Any) -> HoldingChange:
    """Keep the scanned deed or order behind a recorded change (a PDF, JPEG or PNG)."""
    check_document(upload)
    kind = {b"%PDF-": "pdf", b"\x89PNG": "png"}
    head = upload.read(5)
    upload.seek(0)
    suffix = next((ext for sig, ext in kind.items() if head.startswith(sig)), "jpg")
    change.evidence.save(f"change-{change.pk}.{suffix}", upload, save=False)
    change.save(update_fields=["evidence"])
    return change


@transaction.atomic
def ownership_transfer(
    *, user: Any, holding: Holding, owners: list[dict], happened_on: dt.date, **evidence: Any
) -> HoldingChange:
    """The holding passes to `owners` on `happened_on`: the current ownerships end, new
    ones begin, both naming the change (who recorded it, when, on what evidence)."""
    if not owners:
        raise ValidationError({"owners": [_("Name at least one owner.")]})
    _shares(owners)
    change = _change(holding.municipality, ChangeKind.TRANSFER, user, happened_on, **evidence)
    change.before.add(holding)
    change.after.add(holding)
    for ownership in _current(holding):
        ownership.until = happened_on
        ownership.ended_by = change
        ownership.save(update_fields=["until", "ended_by"])
    for given in owners:
        Ownership.objects.create(
            holding=holding,
            owner=_owner(holding.municipality, given),
            share_percent=given.get("share_percent"),
            since=happened_on,
            started_by=change,
        )
    return change


def _current(holding: Holding) -> list[Ownership]:
    return list(Ownership.objects.filter(holding=holding, until__isnull=True))


def _carry_owners(
    owned: list[Ownership], target: Holding, change: HoldingChange, on: dt.date
) -> None:
    """The owners of `owned` (ownerships read before their holding ended) own `target`."""
    for ownership in owned:
        Ownership.objects.get_or_create(
            holding=target,
            owner=ownership.owner,
            until=None,
            defaults={"share_percent": ownership.share_percent, "since": on, "started_by": change},
        )


def _end(holding: Holding, change: HoldingChange, on: dt.date, reason: str) -> None:
    Ownership.objects.filter(holding=holding, until__isnull=True).update(until=on, ended_by=change)
    holding.retired_at = timezone.now()
    holding.retired_reason = reason[:200]
    holding.save(update_fields=["retired_at", "retired_reason"])


@transaction.atomic
def holding_split(
    *, user: Any, holding: Holding, parts: list[dict], happened_on: dt.date, **evidence: Any
) -> HoldingChange:
    """The holding becomes `parts` (each: number, ward, buildings, and owners, or the
    holding's owners when none are named); the holding is retired with its history."""
    if len(parts) < 2:
        raise ValidationError({"parts": [_("A split makes at least two holdings.")]})
    change = _change(holding.municipality, ChangeKind.SPLIT, user, happened_on, **evidence)
    change.before.add(holding)
    owned = _current(holding)
    _end(holding, change, happened_on, _("Split into new holdings"))
    for part in parts:
        new = holding_create(
            municipality=holding.municipality,
            ward=part.get("ward") or holding.ward,
            number=part["number"],
            buildings=part.get("buildings", ()),
            **{k: part[k] for k in HOLDING_FIELDS if k in part},
        )
        change.after.add(new)
        if part.get("owners"):
            owners_set(holding=new, owners=part["owners"], since=happened_on)
        else:
            _carry_owners(owned, new, change, happened_on)
    return change


@transaction.atomic
def holding_merge(
    *,
    user: Any,
    holdings: list[Holding],
    number: str,
    happened_on: dt.date,
    ward: Any = None,
    **evidence: Any,
) -> HoldingChange:
    """`holdings` become one, numbered `number`, on all their buildings, owned by all
    their owners; the merged holdings are retired with their history."""
    if len({h.pk for h in holdings}) < 2:
        raise ValidationError({"holdings": [_("A merge needs at least two holdings.")]})
    municipality = holdings[0].municipality
    if any(h.municipality_id != municipality.pk for h in holdings):
        raise ValidationError({"holdings": [_("The holdings lie in different municipalities.")]})
    change = _change(municipality, ChangeKind.MERGE, user, happened_on, **evidence)
    buildings = {b.pk: b for h in holdings for b in h.buildings.all()}
    owned = [o for h in holdings for o in _current(h)]
    for holding in holdings:
        change.before.add(holding)
        _end(holding, change, happened_on, _("Merged into another holding"))
    merged = holding_create(
        municipality=municipality,
        ward=ward or holdings[0].ward,
        number=number,
        buildings=buildings.values(),
    )
    change.after.add(merged)
    _carry_owners(owned, merged, change, happened_on)
    return change
