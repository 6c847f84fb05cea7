"""A town's move from Base IMIS (issue 35): its wards, low-income communities, roads,
buildings (their BINs kept, auxiliary buildings linked to their main one, the holding from
Base IMIS's tax code, with its owners) and containments (the buildings they serve) written
into this system's registers in one transaction, each table reported (read, created,
updated, held), with a checksum of the geometries written. Run again while the town keeps
using Base IMIS, it updates what changed and creates nothing twice. A row that cannot be
mapped is held with its reason (HeldRow) and mapped by the next run once fixed."""

from __future__ import annotations

import contextlib
import hashlib
from collections import defaultdict
from typing import Any

import pghistory
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from containment.models import Containment, ContainmentBuilding
from core.local import bangladesh_mobile
from holdings import services as holding_services
from holdings.models import Holding, HoldingBuilding
from holdings.numbers import key as number_key
from spatial.models import Building, LowIncomeCommunity, Road, Ward

from . import base_imis_history as history
from . import base_imis_services as more
from . import base_imis_source as src
from .models import HeldRow, MigrationRun


class _DryRun(Exception):
    pass


class Move:
    """One run's writes and its report."""

    def __init__(self, municipality: Any, data: dict) -> None:
        self.m = municipality
        self.data = data
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.held: list[dict] = []
        self.shapes: dict[str, list[bytes]] = defaultdict(list)
        self.buildings: dict[str, Building] = {}
        # Base IMIS's ids of providers, plants and vehicles -> the records they became.
        self.ids: dict[str, dict] = defaultdict(dict)

    def hold(self, table: str, key: Any, row: dict, reason: str) -> None:
        self.counts[table]["held"] += 1
        kept = _plain({k: v for k, v in row.items() if k != "geom"})
        self.held.append({"table": table, "key": str(key), "reason": reason, "data": kept})

    def shape(self, table: str, row: dict, kinds: tuple[str, ...]):
        """The row's geometry as one shape of `kinds`, or None (the row then held)."""
        geom = shapely.from_wkb(bytes(row["geom"])) if row.get("geom") else None
        if geom is None or geom.is_empty:
            return None, _("no geometry")
        if geom.geom_type.startswith("Multi") and len(geom.geoms) == 1:
            geom = geom.geoms[0]
        if geom.geom_type == "MultiLineString":
            geom = shapely.line_merge(geom)
        if geom.geom_type not in kinds:
            return None, _("a %(found)s, not a %(kind)s") % {
                "found": geom.geom_type,
                "kind": kinds[0],
            }
        if not shapely.is_valid(geom):
            return None, _("invalid geometry: %(reason)s") % {
                "reason": shapely.is_valid_reason(geom)
            }
        self.shapes[table].append(shapely.normalize(shapely.set_precision(geom, 1e-9)).wkb)
        return geom, ""

    @staticmethod
    def geos(geom, multi: bool = False) -> GEOSGeometry:
        return _geos(geom, multi)

    def count(self, table: str, created: bool) -> None:
        self.counts[table]["created" if created else "updated"] += 1

    # ------------------------------------------------------------ the registers, in order
    def wards(self) -> None:
        for row in self.data["wards"]:
            self.counts["wards"]["read"] += 1
            geom, why = self.shape("wards", row, ("Polygon", "MultiPolygon"))
            if geom is None or not row["ward"]:
                self.hold("wards", row["ward"], row, why or _("no ward number"))
                continue
            _ward, created = Ward.objects.update_or_create(
                municipality=self.m, number=int(row["ward"]), defaults={"geom": _geos(geom, True)}
            )
            self.count("wards", created)

    def lics(self) -> None:
        for row in self.data["lics"]:
            self.counts["lics"]["read"] += 1
            geom, why = self.shape("lics", row, ("Polygon", "MultiPolygon"))
            name = (row["community_name"] or "").strip()
            if geom is None or not name:
                self.hold("lics", row["id"], row, why or _("no name"))
                continue
            if geom.geom_type == "Polygon":
                geom = GEOSGeometry(
                    shapely.MultiPolygon([shapely.from_wkt(geom.wkt)]).wkt, srid=4326
                )
            _lic, created = LowIncomeCommunity.objects.update_or_create(
                municipality=self.m, name=name, defaults={"geom": geom}
            )
            self.count("lics", created)

    def roads(self) -> None:
        for row in self.data["roads"]:
            self.counts["roads"]["read"] += 1
            geom, why = self.shape("roads", row, ("LineString",))
            hierarchy = src.code_of(src.HIERARCHY, row["hierarchy"])
            if geom is None or hierarchy is None:
                reason = why or _("unknown road hierarchy %(value)s") % {"value": row["hierarchy"]}
                self.hold("roads", row["code"], row, reason)
                continue
            _road, created = Road.objects.update_or_create(
                municipality=self.m,
                code=row["code"],
                defaults={
                    "geom": _geos(geom),
                    "name": row["name"] or "",
                    "hierarchy": hierarchy,
                    "surface": src.code_of(src.SURFACE, row["surface_type"]) or "",
                    "right_of_way_m": row["right_of_way"],
                    "carriageway_width_m": row["carrying_width"],
                },
            )
            self.count("roads", created)

    def building_values(self, row: dict) -> dict[str, Any]:
        lookup = self.data
        disabled = [row[k] for k in ("diff_abled_male_pop", "diff_abled_female_pop",
                                     "diff_abled_others_pop") if row[k] is not None]  # fmt: skip
        return {
            "holding_number": row["tax_code"] or row["house_number"] or "",
            "structure_type": src.code_of(
                src.STRUCTURES, lookup["structure_types"].get(row["structure_type_id"])
            ) or "",
            "floor_count": row["floor_count"],
            "construction_year": row["construction_year"],
            "functional_use": src.code_of(
                src.USES, lookup["functional_uses"].get(row["functional_use_id"])
            ) or "",
            "household_count": row["household_served"],
            "population_male": row["male_population"],
            "population_female": row["female_population"],
            "population_other": row["other_population"],
            "population_disabled": sum(disabled) if disabled else None,
            "water_source": src.code_of(
                src.WATER, lookup["water_sources"].get(row["water_source_id"])
            ) or "",
            "has_toilet": row["toilet_status"],
            "toilet_count": row["toilet_count"],
            "vacutug_accessible": row["desludging_vehicle_accessible"],
        }  # fmt: skip

    def buildings_(self) -> None:
        for row in self.data["buildings"]:
            self.counts["buildings"]["read"] += 1
            geom, why = self.shape("buildings", row, ("Polygon",))
            if geom is None:
                self.hold("buildings", row["bin"], row, why)
                continue
            values = {**self.building_values(row), "geom": _geos(geom)}
            try:
                with transaction.atomic():
                    found = Building.objects.filter(municipality=self.m, bin=row["bin"]).first()
                    building = found or Building(municipality=self.m, bin=row["bin"])
                    for name, value in values.items():
                        setattr(building, name, value)
                    building.full_clean(exclude=["municipality", "geom", "bin", "ward"])
                    building.save()
            except (ValidationError, DatabaseError) as error:
                self.hold("buildings", row["bin"], row, _reason(error))
                continue
            self.buildings[row["bin"]] = building
            self.count("buildings", found is None)
        for row in self.data["buildings"]:
            main = self.buildings.get(row["building_associated_to"] or "")
            this = self.buildings.get(row["bin"])
            if this is not None and main is not None and this.main_building_id != main.pk:
                Building.objects.filter(pk=this.pk).update(main_building=main)

    def holdings(self) -> None:
        owners = defaultdict(list)
        for owner in self.data["owners"]:
            owners[owner["bin"]].append(owner)
        for row in self.data["buildings"]:
            building = self.buildings.get(row["bin"])
            if building is None or not (row["tax_code"] or "").strip():
                continue
            self.counts["holdings"]["read"] += 1
            number = row["tax_code"].strip()
            try:
                with transaction.atomic():
                    found = Holding.objects.filter(
                        municipality=self.m, number_key=number_key(number)
                    ).first()
                    if found is None:
                        building.refresh_from_db(fields=["ward"])
                        holding = holding_services.holding_create(
                            municipality=self.m, ward=building.ward, number=number,
                            buildings=[building], address=_address(row),
                        )  # fmt: skip
                        given = [_owner(o) for o in owners[row["bin"]] if o["owner_name"]]
                        if given:
                            holding_services.owners_set(holding=holding, owners=given)
                    else:
                        HoldingBuilding.objects.get_or_create(holding=found, building=building)
            except (ValidationError, DatabaseError, AttributeError) as error:
                self.hold("holdings", number, row, _reason(error))
                continue
            self.count("holdings", found is None)

    def containments(self) -> None:
        serves = defaultdict(list)
        for link in self.data["serves"]:
            serves[link["containment_id"]].append(link["bin"])
        for row in self.data["containments"]:
            self.counts["containments"]["read"] += 1
            geom, why = self.shape("containments", row, ("Point",))
            type_name = self.data["containment_types"].get(row["type_id"], "")
            kinds = src.containment_of(type_name)
            if geom is None or kinds is None:
                reason = why or _("unknown containment type %(type)s") % {"type": type_name}
                self.hold("containments", row["id"], row, reason)
                continue
            built = row["construction_date"]
            values = {
                "geom": _geos(geom),
                "containment_type": kinds[0],
                "outlet": kinds[1],
                "volume_m3": row["size"],
                "construction_year": built.year if built else None,
                "ever_emptied": row["emptied_status"],
                "last_emptied_on": row["last_emptied_date"],
                "times_emptied": row["no_of_times_emptied"],
            }
            code = str(row["id"])[:20]
            containment, created = Containment.objects.update_or_create(
                municipality=self.m, code=code, defaults=values
            )
            served = [self.buildings[b] for b in serves[row["id"]] if b in self.buildings]
            for position, building in enumerate(served):
                ContainmentBuilding.objects.get_or_create(
                    containment=containment,
                    building=building,
                    defaults={"is_responsible": position == 0},
                )
            self.count("containments", created)

    def sequences(self) -> None:
        """New BINs and codes continue after the largest ones of Base IMIS (retired and
        held rows too, which may still come over) and of this register."""
        with connection.cursor() as cursor:
            for table, column, name, source_top in (
                ("spatial_building", "bin", "spatial_bin_sequence_name", self.data["top"]["bin"]),
                ("containment_containment", "code", "containment_code_sequence_name",
                 self.data["top"]["code"]),
            ):  # fmt: skip
                cursor.execute(
                    f"SELECT coalesce(max(substring({column} from '^[A-Z]([0-9]+)$')::bigint), 0) "
                    f"FROM {table} WHERE municipality_id = %s",
                    [self.m.pk],
                )
                top = max(cursor.fetchone()[0], source_top)
                if top:
                    cursor.execute(
                        f"SELECT setval({name}(%s)::regclass, greatest(%s, "
                        f"(SELECT coalesce(last_value, 0) FROM pg_sequences "
                        f"WHERE sequencename = {name}(%s))))",
                        [self.m.pk, top, self.m.pk],
                    )

    def report(self) -> dict[str, Any]:
        checksums = {
            table: hashlib.sha256(b"".join(sorted(shapes))).hexdigest()[:16]
            for table, shapes in self.shapes.items()
        }
        return {
            "tables": {t: dict(c) for t, c in self.counts.items()},
            "held": self.held,
            "checksums": checksums,
        }


def _geos(geom, multi: bool = False) -> GEOSGeometry:
    if multi and geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.message_dict.items())[
            :300
        ]
    return str(error).splitlines()[0][:300]


def _address(row: dict) -> str:
    return ", ".join(p for p in (row.get("house_number"), row.get("house_locality")) if p)[:200]


def _owner(row: dict) -> dict[str, str]:
    given = {"name": row["owner_name"].strip()}
    # A number that is not a mobile number stays in Base IMIS.
    with contextlib.suppress(ValueError):
        given["phone"] = bangladesh_mobile(row["owner_contact"] or "")
    return given


def migrate(*, source: str, municipality: Any, commit: bool, user: Any = None) -> MigrationRun:
    """Read the Base IMIS database at `source` and write it into the municipality's
    registers (or, without `commit`, report what would be written and roll it back)."""
    move = Move(municipality, src.read(source))
    try:
        with (
            transaction.atomic(),
            pghistory.context(user=getattr(user, "pk", None), base_imis=True),
        ):
            for step in (move.wards, move.lics, move.roads, move.buildings_, move.holdings,
                         move.containments, move.sequences):  # fmt: skip
                step()
            for step in (more.providers, more.plants, more.networks, more.toilets,
                         history.vehicles, history.requests):  # fmt: skip
                step(move)
            if not commit:
                raise _DryRun
            _keep_held(municipality, move.held)
    except _DryRun:
        pass
    return MigrationRun.objects.create(
        municipality=municipality, committed=commit, report=move.report(), started_by=user
    )


def _keep_held(municipality: Any, held: list[dict]) -> None:
    """The holding area after a written run: rows held now, with their reason; rows mapped
    now leave it."""
    keys = {(h["table"], h["key"]) for h in held}
    for row in HeldRow.objects.filter(municipality=municipality, source="base_imis"):
        if (row.table, row.key) not in keys:
            row.delete()
    for h in held:
        HeldRow.objects.update_or_create(
            municipality=municipality, source="base_imis", table=h["table"], key=h["key"],
            defaults={"data": h["data"], "reason": h["reason"]},
        )  # fmt: skip


def _plain(data: dict) -> dict:
    return {k: (v if isinstance(v, int | float | str | bool | type(None)) else str(v))
            for k, v in data.items()}  # fmt: skip
