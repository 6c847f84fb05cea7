"""OGC API - Features, Part 1 (core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS), over the same
PostGIS-rendered layers as /api/v1/ (spatial.layers). QGIS, GDAL's OAPIF driver and
OWSLib connect to /ogc/ without configuration.

Collections are the registers each app declares (core.registry), so this module imports no
app. Public collections (ward boundaries) are open to everyone; the others need a login (session,
token or HTTP Basic for desktop GIS) and show only the user's municipalities.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from core import registry
from core.features import (
    CRS84,
    SUPPORTED_CRS,
    Layer,
    LayerQuery,
    count_features,
    iter_feature_texts,
    stream_feature_collection,
)

from .. import selectors
from ..authentication import ExpiringTokenAuthentication, RememberedBasicAuthentication

GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]


class OgcView(APIView):
    authentication_classes = [
        SessionAuthentication,
        ExpiringTokenAuthentication,
        RememberedBasicAuthentication,
    ]
    permission_classes = [AllowAny]
    renderer_classes = []  # responses are built here; content negotiation is by path and f=

    def perform_content_negotiation(self, request, force=False):
        return None, None

    def base(self, request: Request) -> str:
        return request.build_absolute_uri("/ogc")

    def json(self, body: dict | list, status: int = 200, content_type: str = "application/json"):
        return JsonResponse(body, status=status, safe=False, content_type=content_type)

    def handle_exception(self, exc):
        """OGC API errors are JSON {code, description} with the HTTP status."""
        if isinstance(exc, Http404):
            return self.json({"code": "NotFound", "description": str(exc) or "Not found"}, 404)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response = self.json({"code": "Unauthorized", "description": str(exc.detail)}, 401)
            response["WWW-Authenticate"] = 'Basic realm="imis"'
            return response
        if isinstance(exc, exceptions.APIException):
            detail = exc.detail
            if isinstance(detail, list):
                detail = " ".join(str(item) for item in detail)
            return self.json(
                {"code": "InvalidParameterValue", "description": str(detail)}, exc.status_code
            )
        raise exc


@extend_schema(exclude=True)
class LandingView(OgcView):
    def get(self, request: Request):
        base = self.base(request)
        return self.json(
            {
                "title": _("Sanitation IMIS – OGC API Features"),
                "description": _(
                    "Wards, buildings, roads, containments, treatment plants and survey"
                    " coverage of the municipality."
                ),
                "links": [
                    {"rel": "self", "type": "application/json", "href": f"{base}/"},
                    {"rel": "service-desc", "type": OPENAPI, "href": f"{base}/api"},
                    {
                        "rel": "conformance",
                        "type": "application/json",
                        "href": f"{base}/conformance",
                    },
                    {"rel": "data", "type": "application/json", "href": f"{base}/collections"},
                ],
            }
        )


@extend_schema(exclude=True)
class ConformanceView(OgcView):
    def get(self, request: Request):
        return self.json({"conformsTo": CONFORMANCE})


def _extent(request: Request, public: bool = False) -> list[float]:
    return selectors.layer_extent(user=request.user, public=public)


def _collection(request: Request, base: str, layer: Layer, extent: list[float]) -> dict:
    href = f"{base}/collections/{layer.name}"
    return {
        "id": layer.name,
        "title": str(layer.title or layer.name),
        "itemType": "feature",
        "extent": {"spatial": {"bbox": [extent], "crs": CRS84.uri}},
        "crs": list(SUPPORTED_CRS),
        "storageCrs": CRS84.uri,
        "links": [
            {"rel": "self", "type": "application/json", "href": href},
            {"rel": "items", "type": GEOJSON, "href": f"{href}/items"},
        ],
    }


def _visible(request: Request, name: str) -> bool:
    return registry.is_public(name) or request.user.is_authenticated


@extend_schema(exclude=True)
class CollectionsView(OgcView):
    def get(self, request: Request):
        base, extent, public = self.base(request), _extent(request), _extent(request, True)
        items = [
            _collection(request, base, layer, public if registry.is_public(name) else extent)
            for name, layer in registry.collections().items()
            if _visible(request, name)
        ]
        return self.json(
            {
                "links": [
                    {"rel": "self", "type": "application/json", "href": f"{base}/collections"}
                ],
                "collections": items,
            }
        )


def _scope(request: Request, name: str) -> dict:
    """Public collections (wards) are read whole; the others in the user's scope."""
    if registry.is_public(name):
        return {"municipality_ids": None}
    return selectors.layer_scope(user=request.user)


def _layer_or_404(request: Request, name: str) -> Layer:
    layer = registry.collections().get(name)
    if layer is None:
        raise Http404(_("Unknown collection %(name)s.") % {"name": name})
    if not _visible(request, name):
        raise exceptions.NotAuthenticated(_("Log in to read this collection."))
    return layer


@extend_schema(exclude=True)
class CollectionView(OgcView):
    def get(self, request: Request, name: str):
        layer = _layer_or_404(request, name)
        extent = _extent(request, public=registry.is_public(name))
        return self.json(_collection(request, self.base(request), layer, extent))


def _crs(value: str | None, parameter: str):
    if value is None:
        return CRS84
    crs = SUPPORTED_CRS.get(value.strip("<>"))
    if crs is None:
        raise exceptions.ValidationError(
            _("%(parameter)s must be one of %(supported)s.")
            % {"parameter": parameter, "supported": ", ".join(SUPPORTED_CRS)}
        )
    return crs


def _bbox(value: str, crs) -> tuple[float, float, float, float]:
    """Four numbers, or six with heights (ignored: the registers are 2D). In CRS84 or
    EPSG:4326 a lower longitude greater than the upper one crosses the antimeridian."""
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise exceptions.ValidationError(_("bbox must be four (or six) finite numbers."))
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    x0, y0, x1, y1 = numbers
    if crs.srid == 4326:
        lon0, lat0, lon1, lat1 = (y0, x0, y1, x1) if crs.lat_lon else (x0, y0, x1, y1)
        if not (
            -180 <= lon0 <= 180 and -180 <= lon1 <= 180 and -90 <= lat0 <= 90 and -90 <= lat1 <= 90
        ):
            raise exceptions.ValidationError(_("bbox lies outside the CRS's range."))
        if lat0 >= lat1 or lon0 == lon1:
            raise exceptions.ValidationError(_("bbox minimum must be less than its maximum."))
    elif x0 >= x1 or y0 >= y1:
        raise exceptions.ValidationError(_("bbox minimum must be less than its maximum."))
    return x0, y0, x1, y1


def _instant(text: str, end: bool) -> dt.datetime | None:
    """One end of a `datetime` value: an RFC 3339 date-time, or a date, month or year (the
    municipality's local calendar), as the start of that period or, for an `end`, the start
    of the next one. ".." or "" is open."""
    if text in ("", ".."):
        return None
    if "T" in text.upper():
        moment = parse_datetime(text.replace("t", "T").replace("z", "Z"))
        if moment is None or moment.tzinfo is None:
            raise ValueError(text)
        return moment
    parts = text.split("-")
    if not all(p.isdigit() for p in parts) or [len(p) for p in parts] not in (
        [4],
        [4, 2],
        [4, 2, 2],
    ):
        raise ValueError(text)
    year, month, day = (int(p) for p in [*parts, "1", "1"][:3])
    start = dt.date(year, month, day)
    if end:
        if len(parts) == 3:
            start += dt.timedelta(days=1)
        elif len(parts) == 2:
            start = dt.date(year + month // 12, month % 12 + 1, 1)
        else:
            start = dt.date(year + 1, 1, 1)
    return timezone.make_aware(dt.datetime.combine(start, dt.time()))


def _datetime(value: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """OGC API's `datetime`: an instant or an interval "start/end" with ".." for an open
    end. A date, month or year stands for the whole period."""
    try:
        if "/" in value:
            first, _slash, last = value.partition("/")
            if "/" in last or (first in ("", "..") and last in ("", "..")):
                raise ValueError(value)
            start, end = _instant(first, end=False), _instant(last, end=True)
            if start is not None and end is not None and start >= end:
                raise ValueError(value)
            return start, end
        start = _instant(value, end=False)
        if "T" in value.upper():
            return start, start
        return start, _instant(value, end=True)
    except (ValueError, OverflowError):
        raise exceptions.ValidationError(
            _(
                "datetime must be an RFC 3339 date-time or date (or a year or month), or an "
                "interval of two such with '/', either end open as '..'."
            )
        ) from None


def _int(value: str | None, parameter: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise exceptions.ValidationError(
            _("%(parameter)s must be a whole number from %(low)s to %(high)s.")
            % {"parameter": parameter, "low": low, "high": high}
        )
    return int(value)


KNOWN_PARAMETERS = {"f", "bbox", "bbox-crs", "crs", "datetime", "limit", "offset", "ward"}


@extend_schema(exclude=True)
class ItemsView(OgcView):
    def get(self, request: Request, name: str):
        layer = _layer_or_404(request, name)
        params = request.query_params
        unknown = sorted(set(params) - KNOWN_PARAMETERS - set(layer.extra_filters))
        if unknown:
            raise exceptions.ValidationError(
                _("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)}
            )
        for key, allowed in layer.filter_choices.items():
            if key in params and params[key] not in allowed:
                raise exceptions.ValidationError(
                    _("%(parameter)s must be one of %(values)s.")
                    % {"parameter": key, "values": ", ".join(allowed)}
                )
        crs = _crs(params.get("crs"), "crs")
        bbox_crs = _crs(params.get("bbox-crs"), "bbox-crs")
        bbox = _bbox(params["bbox"], bbox_crs) if "bbox" in params else None
        # Larger limits are served at the maximum (clients such as QGIS ask for a lot).
        limit = min(
            _int(params.get("limit"), "limit", settings.IMIS["DEFAULT_PAGE_SIZE"], 1, 10**9),
            settings.IMIS["MAX_PAGE_SIZE"],
        )
        offset = _int(params.get("offset"), "offset", 0, 0, 10**9)
        ward_id = _int(params.get("ward"), "ward", 0, 1, 10**12) or None
        when = _datetime(params["datetime"]) if "datetime" in params else None
        query = LayerQuery(
            **_scope(request, name),
            bbox=bbox,
            ward_id=ward_id,
            datetime=when,
            limit=limit,
            offset=offset,
            extra={k: params[k] for k in layer.extra_filters if k in params},
            crs=crs,
            bbox_crs=bbox_crs,
        )
        matched = count_features(layer, query)
        base = f"{self.base(request)}/collections/{name}/items"
        links = [{"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()}]
        if offset + limit < matched:
            following = {**params.dict(), "offset": str(offset + limit), "limit": str(limit)}
            links.append({"rel": "next", "type": GEOJSON, "href": f"{base}?{urlencode(following)}"})
        response = StreamingHttpResponse(
            stream_feature_collection(layer, query, number_matched=matched, links=links),
            content_type=GEOJSON,
        )
        response["Content-Crs"] = f"<{crs.uri}>"
        return response


@extend_schema(exclude=True)
class ItemView(OgcView):
    def get(self, request: Request, name: str, fid: str):
        layer = _layer_or_404(request, name)
        if not fid.isdigit():
            raise Http404(_("Unknown feature."))
        crs = _crs(request.query_params.get("crs"), "crs")
        query = LayerQuery(
            **_scope(request, name),
            feature_id=int(fid),
            limit=1,
            crs=crs,
        )
        texts = [text for chunk in iter_feature_texts(layer, query) for text in chunk]
        if not texts:
            raise Http404(_("Unknown feature."))
        feature = json.loads(texts[0])
        collection = f"{self.base(request)}/collections/{name}"
        feature["links"] = [
            {"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()},
            {"rel": "collection", "type": "application/json", "href": collection},
        ]
        response = self.json(feature, content_type=GEOJSON)
        response["Content-Crs"] = f"<{crs.uri}>"
        return response


def _openapi(base: str) -> dict[str, Any]:
    parameters = [
        {
            "name": "bbox",
            "in": "query",
            "required": False,
            "schema": {
                "type": "array",
                "oneOf": [
                    {"minItems": 4, "maxItems": 4},
                    {"minItems": 6, "maxItems": 6},
                ],
                "items": {"type": "number"},
            },
            "style": "form",
            "explode": False,
        },
        {
            "name": "datetime",
            "in": "query",
            "required": False,
            "description": "An RFC 3339 date-time or date (or year, month), or an interval "
            "'start/end' with '..' for an open end; matched against the record's last change.",
            "schema": {"type": "string"},
            "style": "form",
            "explode": False,
        },
        {
            # QGIS reads default and maximum from here to size its pages.
            "name": "limit",
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": settings.IMIS["MAX_PAGE_SIZE"],
                "default": settings.IMIS["DEFAULT_PAGE_SIZE"],
            },
        },
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        {"name": "crs", "in": "query", "schema": {"type": "string", "enum": list(SUPPORTED_CRS)}},
        {
            "name": "bbox-crs",
            "in": "query",
            "schema": {"type": "string", "enum": list(SUPPORTED_CRS)},
        },
    ]
    ok = {"200": {"description": "OK"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Sanitation IMIS – OGC API Features", "version": "1.0.0"},
        "servers": [{"url": base}],
        "paths": {
            "/": {"get": {"operationId": "landing", "responses": ok}},
            "/conformance": {"get": {"operationId": "conformance", "responses": ok}},
            "/collections": {"get": {"operationId": "collections", "responses": ok}},
            "/collections/{collectionId}": {
                "get": {
                    "operationId": "collection",
                    "responses": ok,
                    "parameters": [
                        {
                            "name": "collectionId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "items",
                    "responses": ok,
                    "parameters": [
                        {
                            "name": "collectionId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        *parameters,
                    ],
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "item",
                    "responses": ok,
                    "parameters": [
                        {
                            "name": "collectionId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "featureId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                }
            },
        },
    }


@extend_schema(exclude=True)
class OpenApiView(OgcView):
    def get(self, request: Request):
        return self.json(_openapi(self.base(request)), content_type=OPENAPI)
