"""The second half of a town's move from Base IMIS (issue 35): its service providers and
treatment plants, its drains, sewers and water supply lines, and its public and community
toilets, each matched by the key Base IMIS gives it (a code, or a provider's or plant's
name) so that a run again updates. Called by onboarding.base_imis.Move."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from containment.models import DrainSegment, PublicToilet, ServiceProvider, TreatmentPlant
from core.local import bangladesh_mobile
from spatial.models import Ward, WaterSupplyLine

from . import base_imis_source as src


def _active(status: Any) -> bool:
    """Base IMIS keeps a status as a boolean or as words ("Operational", "Not Operating")."""
    if isinstance(status, bool) or status is None:
        return status is not False
    words = str(status).lower()
    return not any(w in words for w in ("not", "inactive", "closed", "false", "0"))


def providers(move: Any) -> None:
    for row in move.data["providers"]:
        move.counts["providers"]["read"] += 1
        name = (row["company_name"] or "").strip()
        if not name:
            move.hold("providers", row["id"], row, _("no name"))
            continue
        phone = ""
        if row["contact_number"]:
            try:
                phone = bangladesh_mobile(row["contact_number"])
            except ValueError:
                phone = str(row["contact_number"])[:30]
        provider, created = ServiceProvider.objects.update_or_create(
            municipality=move.m,
            name=name[:120],
            defaults={"phone": phone, "is_active": _active(row["status"])},
        )
        move.ids["providers"][row["id"]] = provider
        ward = Ward.objects.filter(municipality=move.m, number=row["ward"]).first()
        if ward is not None:
            provider.wards.add(ward)
        move.count("providers", created)


def plants(move: Any) -> None:
    for row in move.data["plants"]:
        move.counts["plants"]["read"] += 1
        geom, why = move.shape("plants", row, ("Point",))
        kind = src.code_of(src.PLANTS, row["type"])
        capacity = row["capacity_per_day"]
        if geom is None or kind is None or not (row["name"] or "").strip() or not capacity:
            reason = why or (
                _("unknown plant type %(type)s") % {"type": row["type"]}
                if kind is None
                else _("no name or capacity")
            )
            move.hold("plants", row["id"], row, reason)
            continue
        plant, created = TreatmentPlant.objects.update_or_create(
            municipality=move.m,
            name=row["name"].strip()[:120],
            defaults={
                "plant_type": kind,
                "capacity_m3_per_day": capacity,
                "is_active": _active(row["status"]),
                "geom": move.geos(geom),
            },
        )
        move.ids["plants"][row["id"]] = plant
        move.count("plants", created)


def _network(move: Any, table: str, kind_of, values_of) -> None:
    for row in move.data[table]:
        move.counts[table]["read"] += 1
        geom, why = move.shape(table, row, ("LineString",))
        kind = kind_of(row)
        if geom is None or kind is None or not row["code"]:
            move.hold(table, row["code"], row, why or _("no code or kind"))
            continue
        model, field = (WaterSupplyLine, "pipe_role") if table == "water_lines" else (
            DrainSegment, "network_type"
        )  # fmt: skip
        _line, created = model.objects.update_or_create(
            municipality=move.m,
            code=str(row["code"])[:40],
            defaults={field: kind, "geom": move.geos(geom), **values_of(row)},
        )
        move.count(table, created)


def _whole(value: Any) -> int | None:
    try:
        number = int(Decimal(str(value)))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return number if number > 0 else None


def networks(move: Any) -> None:
    """Drains (open or covered, by Base IMIS's cover type), sewers and water pipes."""
    _network(
        move, "drains",
        lambda r: "covered_drain" if "cover" in str(r["cover_type"] or "").lower()
        and "un" not in str(r["cover_type"]).lower() else "open_drain",
        lambda r: {"size_mm": _whole(r["size"])},
    )  # fmt: skip
    _network(move, "sewers", lambda r: "sewer", lambda r: {"size_mm": _whole(r["diameter"])})
    _network(
        move, "water_lines",
        lambda r: src.code_of(src.PIPES, r["type"]) or "distribution",
        lambda r: {"diameter_mm": _whole(r["diameter"]),
                   "material": src.code_of(src.MATERIALS, r["material_type"]) or ""},
    )  # fmt: skip


def _seats(row: dict) -> int | None:
    seats = [_whole(row[k]) or 0 for k in ("male_seats", "female_seats", "pwd_seats")]
    return sum(seats) or None


def toilets(move: Any) -> None:
    for row in move.data["toilets"]:
        move.counts["toilets"]["read"] += 1
        geom, why = move.shape("toilets", row, ("Point",))
        kind = src.code_of(src.TOILETS, row["type"])
        if geom is None or kind is None:
            reason = why or _("unknown toilet kind %(type)s") % {"type": row["type"]}
            move.hold("toilets", row["id"], row, reason)
            continue
        separate = str(row["male_or_female_facility"] or "").lower()
        _toilet, created = PublicToilet.objects.update_or_create(
            municipality=move.m,
            code=f"T-{row['id']}"[:40],
            defaults={
                "name": (row["name"] or "")[:120],
                "toilet_kind": kind,
                "operator": (row["operator_or_maintainer"] or "")[:120],
                "separate_for_women": ("separate" in separate or "both" in separate) or None,
                "accessible": row["handicap_facility"],
                "seats": _seats(row),
                "geom": move.geos(geom),
            },
        )
        move.count("toilets", created)
