"""Geometry input checks: GeoJSON in, a valid 2D GEOS geometry in EPSG:4326 out, or a
ValidationError whose message a GIS officer can act on.

Checks that need the database (inside the municipality, swapped axes) are here too, as
one query each; they are called by services, never by serializers.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

SRID = 4326
# Metric work (distances, buffers) in Gulshan 303 / Bangladesh Transverse Mercator.
METRIC_SRID = 3106

# How deep the coordinate arrays of each GeoJSON type nest (a position is depth 1).
_POSITION_DEPTH = {
    "Point": 1,
    "LineString": 2,
    "MultiPoint": 2,
    "Polygon": 3,
    "MultiLineString": 3,
    "MultiPolygon": 4,
}
_ACCEPTED_CRS = {
    "EPSG:4326",
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "http://www.opengis.net/def/crs/EPSG/0/4326",
}


def _fail(message: str, field: str) -> ValidationError:
    return ValidationError({field: [message]})


def _iter_positions(coords: Any, depth: int, field: str) -> Iterable[Sequence[Any]]:
    """Yield every position, checking the nesting without recursion (no stack bombs)."""
    stack: list[tuple[Any, int]] = [(coords, depth)]
    while stack:
        node, level = stack.pop()
        if not isinstance(node, list):
            raise _fail(_("Coordinates must be nested arrays of numbers."), field)
        if level == 1:
            yield node
        else:
            stack.extend((child, level - 1) for child in reversed(node))


def _check_position(position: Sequence[Any], field: str) -> None:
    if len(position) == 3 or len(position) == 4:
        raise _fail(
            _("3D or measured coordinates are not accepted: send [longitude, latitude]."), field
        )
    if len(position) != 2:
        raise _fail(_("A position must be [longitude, latitude]."), field)
    for value in position:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(_("Coordinates must be numbers, got %(value)r.") % {"value": value}, field)
        if not math.isfinite(value):
            raise _fail(_("Coordinates must be finite numbers (no NaN or infinity)."), field)
    lon, lat = position
    if abs(lat) > 90 and abs(lon) <= 90 and abs(lat) <= 180:
        raise _fail(
            _(
                "Coordinates look swapped: GeoJSON positions are [longitude, latitude], "
                "got [%(lon)s, %(lat)s]."
            )
            % {"lon": lon, "lat": lat},
            field,
        )
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _fail(
            _(
                "Position (%(lon)s, %(lat)s) is not a longitude/latitude in EPSG:4326; "
                "projected coordinates are not accepted."
            )
            % {"lon": lon, "lat": lat},
            field,
        )


def _check_rings(geom_type: str, coords: list, field: str) -> None:
    polygons = [coords] if geom_type == "Polygon" else coords
    for polygon in polygons:
        if not polygon:
            raise _fail(_("A polygon needs at least one ring."), field)
        for ring in polygon:
            if len(ring) < 4:
                raise _fail(_("A polygon ring needs at least 4 positions."), field)
            if list(ring[0]) != list(ring[-1]):
                raise _fail(
                    _("A polygon ring must end where it starts (%(point)s).") % {"point": ring[0]},
                    field,
                )


_REASON_POINT = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\]")


def describe_invalidity(geom: GEOSGeometry) -> str:
    """Turn GEOS's reason ('Self-intersection[90.8 22.9]') into a sentence with the place."""
    reason = geom.valid_reason
    match = _REASON_POINT.match(reason)
    if not match:
        return reason
    return _("%(reason)s at (%(lon)s, %(lat)s)") % {
        "reason": match["reason"].strip(),
        "lon": match["x"],
        "lat": match["y"],
    }


def parse_geojson_geometry(
    value: Any, *, allowed_types: Sequence[str], field: str = "geometry"
) -> GEOSGeometry:
    """Parse an RFC 7946 geometry object (dict or JSON text) into a valid 2D GEOS geometry.

    Raises ValidationError keyed by `field` for: malformed structure, a type other than
    `allowed_types`, a CRS other than EPSG:4326/CRS84, 3D/M positions, non-numeric, NaN or
    out-of-range coordinates, too many vertices, unclosed rings, empty or invalid geometry
    (with the reason and location GEOS reports).
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise _fail(_("Geometry is not valid JSON."), field) from exc
    if not isinstance(value, dict):
        raise _fail(_("Geometry must be a GeoJSON geometry object."), field)
    geom_type = value.get("type")
    if geom_type not in allowed_types:
        raise _fail(
            _("Expected a geometry of type %(expected)s, got %(got)s.")
            % {"expected": " or ".join(allowed_types), "got": geom_type or _("nothing")},
            field,
        )
    crs = value.get("crs")
    if crs is not None:
        name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
        if name not in _ACCEPTED_CRS:
            raise _fail(
                _("Only EPSG:4326 (longitude, latitude) is accepted, got CRS %(crs)s.")
                % {"crs": name or crs},
                field,
            )
    coords = value.get("coordinates")
    if not isinstance(coords, list) or not coords:
        raise _fail(_("Geometry has no coordinates."), field)

    limit = settings.IMIS["MAX_VERTICES"]
    positions = _iter_positions(coords, _POSITION_DEPTH[geom_type], field)
    for count, position in enumerate(positions, start=1):
        _check_position(position, field)
        if count > limit:
            raise _fail(
                _("Geometry has more than %(limit)s vertices; simplify it first.")
                % {"limit": limit},
                field,
            )
    if geom_type in ("Polygon", "MultiPolygon"):
        _check_rings(geom_type, coords, field)
    if geom_type == "Point":
        # A checked position is a valid point: built directly, not through GDAL's JSON
        # reader (a third of the time a field submission's checks took).
        return Point(float(coords[0]), float(coords[1]), srid=SRID)

    try:
        geom = GEOSGeometry(json.dumps({"type": geom_type, "coordinates": coords}), srid=SRID)
    except (GEOSException, ValueError, TypeError) as exc:
        raise _fail(_("Geometry could not be read: %(error)s") % {"error": exc}, field) from exc
    if geom.empty:
        raise _fail(_("Geometry is empty."), field)
    if not geom.valid:
        raise _fail(
            _("%(type)s is not valid: %(reason)s.")
            % {"type": geom_type, "reason": describe_invalidity(geom)},
            field,
        )
    return geom


def check_within_municipality(
    geom: GEOSGeometry, municipality: Any, *, field: str = "geometry"
) -> None:
    """Refuse a geometry with any vertex farther than the boundary margin outside the
    municipality, and say so explicitly when the axes look swapped (lat, lon)."""
    margin = settings.IMIS["BOUNDARY_MARGIN_M"]
    # A municipality or its id: callers that hold only the id need not load the boundary.
    municipality_id = getattr(municipality, "pk", municipality)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH g AS (SELECT ST_SetSRID(ST_GeomFromWKB(%s), 4326) AS geom),
                 m AS (SELECT boundary FROM spatial_municipality WHERE id = %s)
            SELECT
              -- Inside (the usual case) is a planar test; distances on the spheroid only
              -- for a geometry that leaves the boundary.
              CASE WHEN ST_Covers(m.boundary, g.geom) THEN 0
                   ELSE (SELECT max(ST_Distance(m.boundary::geography, dp.geom::geography))
                           FROM ST_DumpPoints(g.geom) dp) END,
              ST_Intersects(m.boundary, ST_FlipCoordinates(g.geom))
            FROM g, m
            """,
            [bytes(geom.wkb), municipality_id],
        )
        farthest, flipped_inside = cursor.fetchone()
    if farthest is not None and farthest <= margin:
        return
    name = getattr(municipality, "name", None)
    if name is None:  # given an id: the name is needed only for the refusal
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM spatial_municipality WHERE id = %s", [municipality_id])
            found = cursor.fetchone()
            name = found[0] if found else str(municipality_id)
    if flipped_inside:
        raise _fail(
            _(
                "Coordinates look swapped: GeoJSON positions are [longitude, latitude], "
                "and with the axes swapped this geometry falls inside %(municipality)s."
            )
            % {"municipality": name},
            field,
        )
    point = geom.point_on_surface
    raise _fail(
        _(
            "%(type)s at (%(lon).5f, %(lat).5f) lies outside %(municipality)s "
            "(%(distance).0f m beyond its boundary; at most %(margin).0f m allowed)."
        )
        % {
            "type": geom.geom_type,
            "lon": point.x,
            "lat": point.y,
            "municipality": name,
            "distance": farthest or 0,
            "margin": margin,
        },
        field,
    )
