"""Reading a Base IMIS database (issue 35): the tables a town's move needs, in Base IMIS's
own schemas and column names (GWSC-AIT's base-imis web_app), geometries as WKB in
EPSG:4326, and the translation of its code lists into this system's codes. Columns a
deployment lacks (Base IMIS versions differ) read as empty; retired rows (deleted_at) are
left behind."""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg import sql

# (schema.table, key column, wanted columns); the geometry column is always `geom`.
TABLES = {
    "wards": ("layer_info.wards", "ward", ("ward",)),
    "lics": ("layer_info.low_income_communities", "id", ("id", "community_name")),
    "roads": (
        "utility_info.roads",
        "code",
        ("code", "name", "hierarchy", "surface_type", "right_of_way", "carrying_width"),
    ),
    "buildings": (
        "building_info.buildings",
        "bin",
        (
            "bin", "building_associated_to", "house_number", "tax_code", "structure_type_id",
            "floor_count", "construction_year", "functional_use_id", "household_served",
            "male_population", "female_population", "other_population",
            "diff_abled_male_pop", "diff_abled_female_pop", "diff_abled_others_pop",
            "water_source_id", "toilet_status", "toilet_count",
            "desludging_vehicle_accessible",
        ),
    ),
    "containments": (
        "fsm.containments",
        "id",
        ("id", "type_id", "size", "construction_date", "emptied_status",
         "last_emptied_date", "no_of_times_emptied"),
    ),
    "providers": (
        "fsm.service_providers",
        "id",
        ("id", "company_name", "contact_number", "ward", "status"),
    ),
    "plants": (
        "fsm.treatment_plants",
        "id",
        ("id", "name", "type", "status", "capacity_per_day"),
    ),
    "drains": ("utility_info.drains", "code", ("code", "cover_type", "size", "surface_type")),
    "sewers": ("utility_info.sewers", "code", ("code", "diameter")),
    "water_lines": (
        "utility_info.water_supplys",
        "code",
        ("code", "type", "diameter", "material_type"),
    ),
    "toilets": (
        "fsm.toilets",
        "id",
        ("id", "name", "type", "operator_or_maintainer", "male_or_female_facility",
         "handicap_facility", "male_seats", "female_seats", "pwd_seats", "fee_collected",
         "status"),
    ),
    "vehicles": (
        "fsm.desludging_vehicles",
        "id",
        ("id", "service_provider_id", "license_plate_number", "capacity", "width"),
    ),
    "applications": (
        "fsm.applications",
        "id",
        ("id", "containment_id", "applicant_name", "applicant_contact", "customer_name",
         "customer_contact", "application_date", "proposed_emptying_date",
         "service_provider_id", "emergency_desludging_status", "emptying_status",
         "sludge_collection_status", "feedback_status"),
    ),
    "emptyings": (
        "fsm.emptyings",
        "id",
        ("id", "application_id", "emptied_date", "desludging_vehicle_id", "no_of_trips",
         "receipt_number", "total_cost", "volume_of_sludge"),
    ),
    "collections": (
        "fsm.sludge_collections",
        "id",
        ("id", "application_id", "treatment_plant_id", "volume_of_sludge", "date"),
    ),
}  # fmt: skip
LOOKUPS = {
    "structure_types": ("building_info.structure_types", "type"),
    "functional_uses": ("building_info.functional_uses", "name"),
    "water_sources": ("building_info.water_sources", "source"),
    "containment_types": ("fsm.containment_types", "type"),
}
# Without geometry: owners by BIN, and which buildings a containment serves.
OWNERS = ("building_info.owners", ("bin", "owner_name", "owner_contact", "nid"))
SERVES = ("building_info.build_contains", ("bin", "containment_id"))


def _columns(conn: psycopg.Connection, table: str) -> set[str]:
    schema, name = table.split(".")
    found = conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s",
        [schema, name],
    ).fetchall()
    return {row[0] for row in found}


def _select(conn, table: str, wanted, *, geometry: bool) -> list[dict[str, Any]]:
    have = _columns(conn, table)
    if not have:
        return []
    chosen = [c for c in wanted if c in have]
    parts = [sql.Identifier(c) for c in chosen]
    if geometry and "geom" in have:
        parts.append(sql.SQL(
            "ST_AsBinary(CASE WHEN ST_SRID(geom) = 0 THEN ST_SetSRID(geom, 4326) "
            "ELSE ST_Transform(geom, 4326) END) AS geom"
        ))  # fmt: skip
    schema, name = table.split(".")
    where = sql.SQL(" WHERE deleted_at IS NULL") if "deleted_at" in have else sql.SQL("")
    query = sql.SQL("SELECT {} FROM {}.{}{}").format(
        sql.SQL(", ").join(parts), sql.Identifier(schema), sql.Identifier(name), where
    )
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        rows = cursor.execute(query).fetchall()
    return [{**{c: None for c in wanted}, **row} for row in rows]


def _top(conn: psycopg.Connection, table: str, column: str) -> int:
    """The largest number in a key like B000123 over the whole table, retired rows too:
    keys this system gives later must not take one that may still come over."""
    if column not in _columns(conn, table):
        return 0
    schema, name = table.split(".")
    query = sql.SQL(
        "SELECT coalesce(max(substring({c}::text from '^[A-Za-z]*([0-9]+)$')::bigint), 0) "
        "FROM {s}.{t}"
    ).format(c=sql.Identifier(column), s=sql.Identifier(schema), t=sql.Identifier(name))
    return int(conn.execute(query).fetchone()[0])


def read(source: str) -> dict[str, Any]:
    """Everything the move reads from the Base IMIS database at `source` (a PostgreSQL
    connection string), read in one snapshot."""
    with psycopg.connect(source) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        out: dict[str, Any] = {
            name: _select(conn, table, wanted, geometry=True)
            for name, (table, _key, wanted) in TABLES.items()
        }
        for name, (table, label) in LOOKUPS.items():
            rows = _select(conn, table, ("id", label), geometry=False)
            out[name] = {row["id"]: str(row[label] or "") for row in rows}
        out["top"] = {
            "bin": _top(conn, "building_info.buildings", "bin"),
            "code": _top(conn, "fsm.containments", "id"),
        }
        out["owners"] = _select(conn, OWNERS[0], OWNERS[1], geometry=False)
        out["serves"] = _select(conn, SERVES[0], SERVES[1], geometry=False)
    return out


def _words(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", (text or "").lower()).strip()


# Base IMIS's words -> this system's codes, by the words they contain (first match wins).
STRUCTURES = (
    ("rcc", "rcc_framed"),
    ("load bearing", "load_bearing"),
    ("cgi", "cgi_sheet"),
    ("wood", "wooden_mud"),
    ("mud", "wooden_mud"),
)
USES = (
    ("mixed", "mixed"),
    ("residential", "residential"),
    ("educat", "educational"),
    ("health", "health"),
    ("commercial", "commercial"),
    ("industr", "industrial"),
    ("agricult", "agriculture"),
    ("institution", "public_institution"),
    ("government", "government"),
    ("recreation", "recreational"),
    ("religio", "religious"),
    ("cultur", "religious"),
    ("social", "social"),
    ("financ", "financial"),
    ("vacant", "vacant"),
    ("construction", "vacant"),
)
WATER = (
    ("municipal", "municipal_supply"),
    ("public water", "municipal_supply"),
    ("deep", "deep_boring"),
    ("tube", "tube_well"),
    ("dug", "dug_well"),
    ("tanker", "tanker"),
    ("jar", "jar"),
    ("river", "river_canal"),
    ("canal", "river_canal"),
    ("pond", "pond"),
    ("rain", "rainwater"),
)
HIERARCHY = (("strategic", "strategic_urban"), ("feeder", "feeder"), ("other", "other"))
SURFACE = (
    ("earth", "earthen"),
    ("gravel", "gravelled"),
    ("bitumin", "metalled"),
    ("metal", "metalled"),
    ("concrete", "metalled"),
    ("brick", "brick_paved"),
)
OUTLETS = (
    ("sewer", "sewer"),
    ("drain", "open_drain"),
    ("soak", "soak_pit"),
    ("water body", "water_body"),
    ("open ground", "open_ground"),
    ("without", "no_outlet"),
    ("unknown", "dont_know"),
)
# Base IMIS's containment types name the containment and its outlet together.
CONTAINERS = (("septic", "septic_tank"), ("double pit", "twin_pit"),
              ("twin pit", "twin_pit"), ("unlined", "unlined_pit"),
              ("permeable", "unlined_pit"), ("lined pit", "lined_pit_open_bottom"),
              ("holding tank", "holding_tank"))  # fmt: skip


def code_of(table: tuple, text: str | None) -> str | None:
    words = _words(text or "")
    if not words:
        return None
    return next((code for word, code in table if word in words), None)


def containment_of(type_name: str) -> tuple[str, str] | None:
    """(containment type, outlet) of a Base IMIS containment type, or None."""
    container = code_of(CONTAINERS, type_name)
    if container is None:
        return None
    return container, code_of(OUTLETS, type_name) or ""


PLANTS = (
    ("co", "co_treatment"),
    ("dewats", "dewats"),
    ("decentral", "dewats"),
    ("landfill", "landfill"),
    ("fstp", "fstp"),
    ("faecal", "fstp"),
    ("fecal", "fstp"),
    ("sludge", "fstp"),
    ("treatment", "fstp"),
)
PIPES = (
    ("transmission", "transmission"),
    ("main", "transmission"),
    ("distribution", "distribution"),
    ("service", "service"),
)
MATERIALS = (
    ("upvc", "upvc"),
    ("pvc", "upvc"),
    ("hdpe", "hdpe"),
    ("galvan", "gi"),
    ("gi", "gi"),
    ("ductile", "di"),
    ("cast", "ci"),
    ("asbestos", "ac"),
)
TOILETS = (("community", "community"), ("school", "school"),
           ("institution", "institutional"), ("public", "public"))  # fmt: skip
