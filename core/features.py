"""Features rendered by PostGIS: each feature is turned into GeoJSON text in SQL and the
FeatureCollection is streamed, so no model instance is created on the hot read path. Every
surface (REST lists, OGC API items, file exports) renders a register's features here.

A `Layer` names its table, its filter columns and its properties as SQL expressions over the
alias `t`. Identifiers come from this module only; values always travel as parameters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction

from .attributes import Condition, condition_sql, order_sql, property_types
from .copying import FEATURE_START, copies, iter_copied_features

# RFC 7946 recommends about 6 decimals; 7 keeps ~1 cm at Bangladesh's latitudes.
COORDINATE_DECIMALS = 7
FETCH_CHUNK = 2000


@dataclass(frozen=True)
class OutputCrs:
    """A CRS a layer can be read in (OGC API Features Part 2). EPSG:4326 as a URI means
    latitude, longitude axis order; CRS84 (the default, as in RFC 7946) longitude, latitude."""

    uri: str
    srid: int
    lat_lon: bool
    decimals: int


CRS84 = OutputCrs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326, False, COORDINATE_DECIMALS)
EPSG_4326 = OutputCrs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, True, COORDINATE_DECIMALS)
# Gulshan 303 / Bangladesh Transverse Mercator, in metres: centimetres are enough.
EPSG_3106 = OutputCrs("http://www.opengis.net/def/crs/EPSG/0/3106", 3106, False, 2)
SUPPORTED_CRS = {crs.uri: crs for crs in (CRS84, EPSG_4326, EPSG_3106)}


def geometry_in(expression: str, crs: OutputCrs) -> str:
    if crs.srid != 4326:
        expression = f"ST_Transform({expression}, {crs.srid})"
    if crs.lat_lon:
        expression = f"ST_FlipCoordinates({expression})"
    return expression


# For records without a ward of their own: they are in the wards they touch. The union is
# computed once (an InitPlan), so the GiST index on t.geom still serves the test.
WARD_BY_PLACE = (
    "ST_Intersects(t.geom, (SELECT ST_Union(w.geom) FROM spatial_ward w WHERE w.id = ANY(%s)))"
)


# A register's municipality is written as its code, as clients send it, through this join. A
# LEFT JOIN on the key: PostgreSQL drops it from the reads that do not show the code (counts,
# tiles).
MUNICIPALITY_JOIN = "LEFT JOIN spatial_municipality mu ON mu.id = t.municipality_id "
MUNICIPALITY_CODE = "mu.code"


@dataclass(frozen=True)
class Layer:
    name: str
    table: str
    properties: dict[str, str]
    joins: str = ""
    # SQL testing "feature in one of the wards %s" (an array of ward ids) for this layer.
    ward_condition: str = "t.ward_id = ANY(%s)"
    order_by: str = "t.id"
    geometry: str = "t.geom"
    # Named filters beyond bbox/ward: name -> SQL condition with one %s (aliases of `joins`
    # may be used; counts include the joins).
    extra_filters: dict[str, str] = field(default_factory=dict)
    # What users call it (translated); OGC API collection title, export and import pages.
    title: str = ""
    # A condition every read of the layer applies (e.g. leaving retired buildings out).
    condition: str = ""
    # The values a named filter accepts (a code list); anything else is a 400.
    filter_choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The record's time for OGC API's `datetime` (its last change); "" for layers without
    # one, which `datetime` leaves unfiltered, as the standard allows.
    temporal: str = ""
    # Columns the register derives or keeps itself (areas, counts, classes, the version):
    # a file export describes them as read-only, and an import reports edits to them as
    # ignored (core.imports). The other columns round-trip.
    read_only: tuple[str, ...] = ()

    def feature_sql(self, crs: OutputCrs = CRS84) -> str:
        geometry = geometry_in(self.geometry, crs)
        return (
            f"'{FEATURE_START.decode()}' || t.id"
            f" || ',\"geometry\":' || ST_AsGeoJSON({geometry}, {crs.decimals})"
            f" || ',\"properties\":' || {self.properties_sql()} || '}}'"
        )

    def properties_sql(self) -> str:
        """The properties as one JSON object's text. Whole numbers and yes/no are written
        by their own text output and only the other values go through to_json:
        json_build_object works out each argument's type again on every row, which made it
        three quarters of a page's time (docs/performance.md)."""
        types = property_types(self)
        pieces = []
        for position, (key, expr) in enumerate(self.properties.items()):
            name = json.dumps(key).replace("'", "''")
            pieces.append("'" + ("," if position else "{") + name + ":'")
            if types[key] in _TEXT_IS_JSON:
                pieces.append(f"coalesce(({expr})::text, 'null')")
            else:
                pieces.append(f"coalesce(to_json({expr})::text, 'null')")
        pieces.append("'}'" if pieces else "'{}'")
        return _concat(pieces)


# smallint, integer, bigint and boolean: their text is their JSON.
_TEXT_IS_JSON = frozenset((16, 20, 21, 23))
# PostgreSQL functions take at most 100 arguments.
_CONCAT_ARGUMENTS = 90


def _concat(pieces: list[str]) -> str:
    """concat() of text pieces (none of them NULL), nested when there are many."""
    while len(pieces) > _CONCAT_ARGUMENTS:
        pieces = [
            "concat(" + ", ".join(pieces[i : i + _CONCAT_ARGUMENTS]) + ")"
            for i in range(0, len(pieces), _CONCAT_ARGUMENTS)
        ]
    return "concat(" + ", ".join(pieces) + ")"


# A record's version, for a file round trip: milliseconds of its last change. An import of a
# row whose version is older than the register's is a conflict, not an overwrite.
VERSION = "(extract(epoch FROM t.updated_at) * 1000)::bigint"


@dataclass(frozen=True)
class LayerQuery:
    """Filters of one layer read. `municipality_ids=None` means no tenancy restriction;
    `scope_ward_ids` are wards visible in municipalities not wholly visible (a ward-limited
    membership, spatial/scope.py)."""

    municipality_ids: Sequence[int] | None
    bbox: tuple[float, float, float, float] | None = None
    ward_id: int | None = None
    limit: int = 1000
    offset: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    feature_id: int | None = None
    crs: OutputCrs = CRS84
    bbox_crs: OutputCrs = CRS84
    # A drawn area (Polygon or MultiPolygon, EPSG:4326) as WKB; features touching it match.
    area_wkb: bytes | None = None
    scope_ward_ids: Sequence[int] = ()
    # OGC API `datetime`: (from, until), either open (None); until is exclusive unless
    # both are the same instant.
    datetime: tuple | None = None
    # An attribute table's read (core.attributes): a sorted column (name, descending),
    # conditions on columns, and chosen record ids.
    sort: tuple[str, bool] | None = None
    conditions: tuple[Condition, ...] = ()
    ids: tuple[int, ...] | None = None
    # Keyset paging: the features after this id (a `next` link's cursor), in id order.
    after: int | None = None

    def keyset(self, layer: Layer) -> bool:
        """Whether the read pages by id: the layer's own order is its id and the client
        asked for no other. A `next` link then names the last id sent, and the following page
        starts from the primary key's index instead of skipping every earlier row."""
        return layer.order_by == "t.id" and self.sort is None

    def where(self, layer: Layer) -> tuple[str, list]:
        clauses: list[str] = [layer.condition] if layer.condition else []
        params: list = []
        if self.municipality_ids is not None:
            if self.scope_ward_ids:
                clauses.append(f"(t.municipality_id = ANY(%s) OR {layer.ward_condition})")
                params.extend((list(self.municipality_ids), list(self.scope_ward_ids)))
            else:
                clauses.append("t.municipality_id = ANY(%s)")
                params.append(list(self.municipality_ids))
        if self.bbox is not None:
            envelope = f"ST_MakeEnvelope(%s, %s, %s, %s, {self.bbox_crs.srid})"
            if self.bbox_crs.srid != 4326:
                envelope = f"ST_Transform({envelope}, 4326)"
            x0, y0, x1, y1 = self.bbox
            if self.bbox_crs.lat_lon:
                x0, y0, x1, y1 = y0, x0, y1, x1
            if self.bbox_crs.srid == 4326 and x0 > x1:
                # Across the antimeridian: east of x0 or west of x1.
                clauses.append(
                    f"(ST_Intersects({layer.geometry}, {envelope})"
                    f" OR ST_Intersects({layer.geometry}, {envelope}))"
                )
                params.extend((x0, y0, 180, y1, -180, y0, x1, y1))
            else:
                clauses.append(f"ST_Intersects({layer.geometry}, {envelope})")
                params.extend((x0, y0, x1, y1))
        if self.area_wkb is not None:
            clauses.append(f"ST_Intersects({layer.geometry}, ST_GeomFromWKB(%s, 4326))")
            params.append(self.area_wkb)
        if self.ward_id is not None:
            clauses.append(layer.ward_condition)
            params.append([self.ward_id])
        if self.feature_id is not None:
            clauses.append("t.id = %s")
            params.append(self.feature_id)
        for name, value in self.extra.items():
            clauses.append(layer.extra_filters[name])
            params.append(value)
        if self.after is not None:
            clauses.append("t.id > %s")
            params.append(self.after)
        if self.ids is not None:
            clauses.append("t.id = ANY(%s)")
            params.append(list(self.ids))
        for condition in self.conditions:
            sql, values = condition_sql(layer, condition)
            clauses.append(sql)
            params.extend(values)
        if self.datetime is not None and layer.temporal:
            start, end = self.datetime
            if start is not None and start == end:
                clauses.append(f"{layer.temporal} = %s")
                params.append(start)
            else:
                if start is not None:
                    clauses.append(f"{layer.temporal} >= %s")
                    params.append(start)
                if end is not None:
                    clauses.append(f"{layer.temporal} < %s")
                    params.append(end)
        return (" AND ".join(clauses) or "TRUE"), params


def count_features(layer: Layer, query: LayerQuery) -> int:
    where, params = query.where(layer)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {layer.table} t {layer.joins} WHERE {where}",  # noqa: S608
            params,
        )
        return cursor.fetchone()[0]


def iter_feature_texts(layer: Layer, query: LayerQuery) -> Iterator[list[str]]:
    """Yield lists of GeoJSON Feature texts, FETCH_CHUNK at a time, from a server-side
    cursor, so memory stays flat however many features match."""
    for chunk in _iter_feature_rows(layer, query, query.limit):
        yield [text for _, text in chunk]


def _iter_feature_rows(layer: Layer, query: LayerQuery, limit: int) -> Iterator[list[tuple]]:
    """(id, Feature text) rows of `query`, at most `limit`, in chunks."""
    where, params = query.where(layer)
    sql = (
        f"SELECT t.id, {layer.feature_sql(query.crs)} FROM {layer.table} t {layer.joins}"  # noqa: S608
        f" WHERE {where} ORDER BY {order_sql(layer, query.sort)} LIMIT %s OFFSET %s"
    )
    # Inside a transaction the server-side cursor streams as rows are fetched; outside one it
    # would be WITH HOLD and materialise the whole result before the first row.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, [*params, limit, query.offset])
        while rows := cursor.fetchmany(FETCH_CHUNK):
            yield rows


def _copied_sql(layer: Layer, query: LayerQuery) -> str:
    """The query of a copied read, values bound (COPY takes no parameters), in the read's
    order and without LIMIT (core.copying stops at the page's limit itself)."""
    where, params = query.where(layer)
    return connection.ops.compose_sql(
        f"SELECT {layer.feature_sql(query.crs)} FROM {layer.table} t {layer.joins}"  # noqa: S608
        f" WHERE {where} ORDER BY {order_sql(layer, query.sort)}",
        params,
    )


@dataclass
class PageEnd:
    """What a page's links need once its features are sent: the last id sent and whether
    more features follow (a keyset page reads one row beyond itself to know)."""

    last_id: int | None = None
    more: bool = False


def feature_text(layer: Layer, feature_id: int) -> str | None:
    """One record of the layer as GeoJSON text, as its lists show it (None when there is no
    such record). The caller has found the record through its scoped selector."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {layer.feature_sql()} FROM {layer.table} t {layer.joins}"  # noqa: S608
            " WHERE t.id = %s",
            [feature_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def stream_feature_collection(
    layer: Layer,
    query: LayerQuery,
    *,
    number_matched: int | None,
    links: list[dict] | Callable[[PageEnd], list[dict]],
    progress: Callable[[int], None] | None = None,
    crs_member: bool = False,
    copy: bool = False,
) -> Iterator[bytes]:
    """RFC 7946 FeatureCollection as bytes, with OGC API paging members
    (`numberMatched`, `numberReturned`, `links`). `numberReturned` and `links` are written
    last, so they say what was actually sent: `links` may be a function of the page's end
    (`PageEnd`), for a `next` link that names the last id sent. `number_matched=None` leaves
    `numberMatched` out (a continuation page: the first page counted). `progress` hears the
    running feature count per chunk. `copy`: a whole collection for a file (an export, no
    `next` link to work out): read by COPY on a connection of its own where it can be
    (core.copying).

    Pages come from a server-side cursor (a page of features is one index scan). A COPY on
    the thread's own connection was tried for exports and withdrawn: psycopg holds the
    connection's lock for a whole COPY, so a progress update between chunks, or an HTTP
    response not read to its end, blocked the thread for good (docs/performance.md); hence
    the connection of its own."""
    head: dict = {"type": "FeatureCollection"}
    if number_matched is not None:
        head["numberMatched"] = number_matched
    if crs_member and query.crs.srid != 4326:
        # A file in another CRS says so as GeoJSON 2008 did (GDAL and QGIS read it); the
        # OGC API says it in the Content-Crs header instead.
        head["crs"] = {
            "type": "name",
            "properties": {"name": f"urn:ogc:def:crs:EPSG::{query.crs.srid}"},
        }
    yield (json.dumps(head)[:-1] + ',"features":[').encode()
    returned = 0
    end = PageEnd()
    # A whole collection (an export), or a first page holding all that match and enough of
    # them to be worth a connection of its own (a ward's buildings), comes by COPY.
    if copies(copy=copy, number_matched=number_matched, query=query):
        for data, count in iter_copied_features(_copied_sql(layer, query), query.limit, end):
            if returned:
                yield b","  # apart: joining it would copy the megabyte
            yield data
            returned += count
            if progress is not None:
                progress(returned)
        written = links(end) if callable(links) else links
        yield f'],"numberReturned":{returned},"links":{json.dumps(written)}}}'.encode()
        return
    # One row beyond the page tells whether another page follows.
    for chunk in _iter_feature_rows(layer, query, query.limit + 1):
        if returned + len(chunk) > query.limit:
            chunk = chunk[: query.limit - returned]
            end.more = True
        if not chunk:
            break
        prefix = "," if returned else ""
        returned += len(chunk)
        end.last_id = chunk[-1][0]
        yield (prefix + ",".join(text for _, text in chunk)).encode()
        if progress is not None:
            progress(returned)
    written = links(end) if callable(links) else links
    yield f'],"numberReturned":{returned},"links":{json.dumps(written)}}}'.encode()
