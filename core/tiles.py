"""Mapbox vector tiles built by PostGIS (ST_AsMVT), with per-zoom generalisation, ETags and
a TileJSON description, for every register that declares a `Tile` (core.registry). Tiles of
public registers (ward boundaries) are open; the others follow the user's municipalities like
every other read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from django.db import connection

from . import registry, table_versions
from .registry import Register


@dataclass(frozen=True)
class TileLayer:
    name: str
    table: str
    properties: dict[str, str]  # name -> SQL over alias t
    min_zoom: int
    # Below this zoom geometries are simplified (tolerance in Web Mercator metres per pixel).
    simplify_below: int = 0
    public: bool = False
    joins: str = ""
    condition: str = ""  # SQL over alias t that every feature of the tile meets
    # "In one of the wards %s" for scoping to a ward-limited membership (spatial/layers.py).
    ward_condition: str = "t.ward_id = ANY(%s)"
    readers: frozenset[str] | None = None  # core.registry.Register.readers


def tile_layer(register: Register) -> TileLayer | None:
    """The register's tile layer (None if it has none): the attributes its declaration names,
    each with the layer's own SQL, so a tile and a feature never disagree."""
    if register.tile is None:
        return None
    layer = register.features()
    return TileLayer(
        name=register.name,
        table=layer.table,
        properties={
            alias: layer.properties[prop] for alias, prop in register.tile.properties.items()
        },
        min_zoom=register.tile.min_zoom,
        simplify_below=register.tile.simplify_below,
        public=register.public,
        joins=layer.joins,
        condition=layer.condition,
        ward_condition=layer.ward_condition,
        readers=register.readers,
    )


def tile_layers() -> dict[str, TileLayer]:
    return {r.name: tile_layer(r) for r in registry.registers() if r.tile is not None}


MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64


def tile_sql(layer: TileLayer, z: int, scoped: bool, by_ward: bool = False) -> str:
    geometry = "ST_Transform(t.geom, 3857)"
    if z < layer.simplify_below:
        # About half a pixel at this zoom: invisible, but far fewer vertices.
        tolerance = 40_075_016.68 / (256 * 2**z) / 2
        geometry = f"ST_SimplifyPreserveTopology({geometry}, {tolerance:.4f})"
    props = ", ".join(f"{expr} AS {name}" for name, expr in layer.properties.items())
    scope = ""
    if scoped:
        scope = "t.municipality_id = ANY(%(municipalities)s)"
        if by_ward:
            scope = f"({scope} OR {layer.ward_condition % '%(wards)s'})"
        scope = f"AND {scope}"
    if layer.condition:
        scope += f" AND {layer.condition}"
    return f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS tile),
        features AS (
          SELECT t.id,
                 ST_AsMVTGeom({geometry}, bounds.tile, {EXTENT}, {BUFFER}, true) AS geom,
                 {props}
            FROM {layer.table} t {layer.joins}, bounds
           WHERE t.geom && ST_Transform(ST_Expand(bounds.tile, %(margin)s), 4326) {scope}
        )
        SELECT ST_AsMVT(features.*, %(name)s, {EXTENT}, 'geom', 'id') FROM features
         WHERE geom IS NOT NULL
    """  # noqa: S608 (identifiers from this module; values are parameters)


def render_tile(
    layer: TileLayer,
    z: int,
    x: int,
    y: int,
    municipality_ids: list[int] | None,
    scope_ward_ids: list[int] = (),
) -> bytes:
    """The tile as MVT bytes (empty bytes when nothing is there or the zoom is too low).
    `municipality_ids` None: every municipality; `scope_ward_ids`: wards visible besides."""
    if z < layer.min_zoom:
        return b""
    margin = 40_075_016.68 / 2**z * BUFFER / EXTENT
    with connection.cursor() as cursor:
        cursor.execute(
            tile_sql(layer, z, municipality_ids is not None, bool(scope_ward_ids)),
            {
                "z": z,
                "x": x,
                "y": y,
                "name": layer.name,
                "margin": margin,
                "municipalities": municipality_ids or [],
                "wards": list(scope_ward_ids),
            },
        )
        tile = cursor.fetchone()[0]
    return bytes(tile) if tile else b""


def etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"'


@cache
def _reads(name: str) -> tuple[str, str, bool]:
    """The tables the layer's tiles read, a digest of its SQL (the attributes, joins and the
    settings they embed: a new release that changes them changes every tag) and whether
    it depends on the day."""
    layer = tile_layers()[name]
    sql = "\n".join(tile_sql(layer, z, True, True) for z in (layer.min_zoom, MAX_ZOOM))
    tables = table_versions.tables_read(sql, connection.introspection.table_names())
    digest = hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
    return ",".join(tables), digest, table_versions.is_dated(sql)


def layer_tables(name: str) -> list[str]:
    return _reads(name)[0].split(",")


def version_tag(
    layer: TileLayer, municipality_ids: list[int] | None, scope_ward_ids: list[int] = ()
) -> str | None:
    """A weak ETag for the layer's tiles as this scope sees them, known without rendering:
    it changes when a table the layer reads changes (core.table_versions), with the scope,
    with the layer's SQL and, for layers that depend on the day, daily. None when this
    transaction has uncommitted changes to those tables."""
    tables, digest, dated = _reads(layer.name)
    found = table_versions.versions(tables.split(","))
    if found is None:
        return None
    versions, today = found
    scope = (None if municipality_ids is None else sorted(municipality_ids), sorted(scope_ward_ids))
    key = f"{layer.name}|{digest}|{versions}|{scope}|{today if dated else ''}"
    return 'W/"v' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
