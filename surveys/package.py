"""What an enumerator's phone stores to survey one ward offline (issue 23): the ward's
outline, its live buildings with the answers the register holds today (the building's own,
its responsible containment's, its households'), and the roads through it, as one JSON
document built by PostGIS. The field app downloads it once per ward (its size first, from
the answer's Content-Length), pre-fills each questionnaire from it, and draws the map from
it without the network. Read-only: a selector."""

from __future__ import annotations

from django.db import connection, models

from containment.models import Containment
from spatial.models import Building

from .services.review import BUILDING_FIELDS, CONTAINMENT_FIELDS

# Coordinates on the phone: 6 decimals (about 10 cm) are plenty to tap a footprint.
DECIMALS = 6


def _column(model, alias: str, name: str) -> str:
    """A register column as an answer: an empty text (a code not known) is no answer."""
    if isinstance(model._meta.get_field(name), models.CharField):
        return f"NULLIF({alias}.{name}, '')"
    return f"{alias}.{name}"


def _answers_sql() -> str:
    """The building's current answers, keyed as the questionnaire asks them."""
    pairs = [f"'{key}', {_column(Building, 'b', key)}" for key in BUILDING_FIELDS]
    pairs += [
        f"'{key}', {_column(Containment, 'c', column)}"
        for key, column in CONTAINMENT_FIELDS.items()
    ]
    return "json_strip_nulls(json_build_object(" + ", ".join(pairs) + "))"


def _package_sql() -> str:
    return f"""
    WITH ward AS (
      SELECT w.id, w.number, w.name, w.name_bn, w.geom FROM spatial_ward w WHERE w.id = %(ward)s
    ),
    b AS (
      SELECT t.* FROM spatial_building t
       WHERE t.ward_id = %(ward)s AND t.retired_at IS NULL
    ),
    c AS (
      SELECT DISTINCT ON (l.building_id) l.building_id, k.*
        FROM containment_containmentbuilding l
        JOIN containment_containment k ON k.id = l.containment_id AND k.retired_at IS NULL
       WHERE l.is_responsible AND l.building_id IN (SELECT id FROM b)
       ORDER BY l.building_id, k.id
    ),
    h AS (
      SELECT x.building_id,
             json_agg(json_strip_nulls(json_build_object(
               'people_male', x.people_male, 'people_female', x.people_female,
               'people_other', x.people_other,
               'uses_building_toilet', x.facility_id IS NOT NULL AND x.facility_id = c.id,
               'toilet_shared', x.toilet_shared, 'sharing_households', x.sharing_households,
               'members_go', NULLIF(x.members_go, '')
             )) ORDER BY x.number) AS households
        FROM containment_household x
        LEFT JOIN c ON c.building_id = x.building_id
       WHERE x.building_id IN (SELECT id FROM b)
       GROUP BY x.building_id
    ),
    buildings AS (
      SELECT coalesce(json_agg(json_build_object(
               'type', 'Feature', 'id', b.id,
               'geometry', ST_AsGeoJSON(b.geom, {DECIMALS})::json,
               'properties', json_strip_nulls(json_build_object(
                 'bin', b.bin, 'containment', c.code,
                 'answers', {_answers_sql()}, 'households', h.households
               ))
             ) ORDER BY b.id), '[]'::json) AS features,
             count(*) AS n
        FROM b LEFT JOIN c ON c.building_id = b.id LEFT JOIN h ON h.building_id = b.id
    ),
    roads AS (
      SELECT coalesce(json_agg(json_build_object(
               'type', 'Feature', 'id', r.id,
               'geometry', ST_AsGeoJSON(r.geom, {DECIMALS})::json,
               'properties', json_build_object('name', r.name, 'hierarchy', r.hierarchy)
             ) ORDER BY r.id), '[]'::json) AS features,
             count(*) AS n
        FROM spatial_road r, ward
       WHERE r.municipality_id = %(municipality)s AND ST_Intersects(r.geom, ward.geom)
    )
    SELECT json_build_object(
      'ward', json_build_object('type', 'Feature', 'id', ward.id,
                'geometry', ST_AsGeoJSON(ward.geom, {DECIMALS})::json,
                'properties', json_build_object('number', ward.number, 'name', ward.name,
                                                'name_bn', ward.name_bn)),
      'buildings', json_build_object('type', 'FeatureCollection', 'features', buildings.features),
      'roads', json_build_object('type', 'FeatureCollection', 'features', roads.features),
      'counts', json_build_object('buildings', buildings.n, 'roads', roads.n),
      'made_at', now()
    )::text
      FROM ward, buildings, roads
    """  # noqa: S608 (column names from this app's declarations)


def ward_package(*, ward_id: int, municipality_id: int) -> str:
    """The ward's offline package as JSON text (the caller has checked the assignment)."""
    with connection.cursor() as cursor:
        cursor.execute(_package_sql(), {"ward": ward_id, "municipality": municipality_id})
        return cursor.fetchone()[0]
