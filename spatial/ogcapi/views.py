"""OGC API - Features, Part 1 (core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS), over the same
PostGIS-rendered layers as /api/v1/ (spatial.layers). QGIS, GDAL's OAPIF driver and
OWSLib connect to /ogc/ without configuration.

Collections are the registers each app declares (core.registry), so this module imports no
app. Public collections (ward boundaries) are open to everyone; the others need a login (session,
token or HTTP Basic for desktop GIS) and show only the user's municipalities.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from core import reads, registry
from core.authentication import ExpiringTokenAuthentication, RememberedBasicAuthentication
from core.features import (
    CRS84,
    SUPPORTED_CRS,
    Layer,
    count_features,
    iter_feature_texts,
    stream_feature_collection,
)
from core.reads import OGC_ITEM, OGC_ITEMS, layer_query, page_links, parse_read

from .. import selectors
from .openapi import openapi_document

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
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(exc.message_dict)
        if isinstance(exc, exceptions.APIException):
            return self.json(
                {"code": "InvalidParameterValue", "description": _words(exc.detail)},
                exc.status_code,
            )
        raise exc


def _words(detail) -> str:
    """An error's messages as one sentence (they name their parameter)."""
    if isinstance(detail, dict):
        return " ".join(_words(value) for value in detail.values())
    if isinstance(detail, list):
        return " ".join(_words(item) for item in detail)
    return str(detail)


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
    if registry.is_public(name):
        return True
    return request.user.is_authenticated and reads.readable(name, request.user)


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


def _layer_or_404(request: Request, name: str) -> Layer:
    layer = registry.collections().get(name)
    if layer is None or (request.user.is_authenticated and not reads.readable(name, request.user)):
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


@extend_schema(exclude=True)
class ItemsView(OgcView):
    def get(self, request: Request, name: str):
        layer = _layer_or_404(request, name)
        read = parse_read(request.query_params, layer, OGC_ITEMS)
        query = layer_query(
            user=request.user,
            read=read,
            public=registry.is_public(name),
            roles=registry.readers(name),
        )
        # A continuation page (`after`) leaves numberMatched out: the first page counted.
        matched = count_features(layer, query) if read.after is None else None
        base = f"{self.base(request)}/collections/{name}/items"
        links = page_links(request, read, query, layer, base=base)
        response = StreamingHttpResponse(
            stream_feature_collection(layer, query, number_matched=matched, links=links),
            content_type=GEOJSON,
        )
        response["Content-Crs"] = f"<{query.crs.uri}>"
        return response


@extend_schema(exclude=True)
class ItemView(OgcView):
    def get(self, request: Request, name: str, fid: str):
        layer = _layer_or_404(request, name)
        if not fid.isdigit():
            raise Http404(_("Unknown feature."))
        read = parse_read(request.query_params, layer, OGC_ITEM)
        query = layer_query(
            user=request.user,
            read=read,
            public=registry.is_public(name),
            roles=registry.readers(name),
            feature_id=int(fid),
            limit=1,
        )
        crs = query.crs
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


@extend_schema(exclude=True)
class OpenApiView(OgcView):
    def get(self, request: Request):
        return self.json(openapi_document(self.base(request)), content_type=OPENAPI)
