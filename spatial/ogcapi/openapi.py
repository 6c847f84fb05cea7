"""The OpenAPI 3.0 description of /ogc/ (OGC API - Features, Part 1 requirement class
"oas30"), built from the registers offered as collections."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.features import (
    SUPPORTED_CRS,
)


def openapi_document(base: str) -> dict[str, Any]:
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
            # QGIS reads `default` and `maximum` of components/parameters/limit (and only
            # there) to size its pages: min(max(1000, default), maximum); without them it
            # asks for 100 features a page.
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
        {
            "name": "after",
            "in": "query",
            "description": "Only features whose id is greater: the cursor a next link "
            "carries (keyset paging; not with offset).",
            "schema": {"type": "integer", "minimum": 0},
        },
        {"name": "crs", "in": "query", "schema": {"type": "string", "enum": list(SUPPORTED_CRS)}},
        {
            "name": "bbox-crs",
            "in": "query",
            "schema": {"type": "string", "enum": list(SUPPORTED_CRS)},
        },
    ]
    ok = {"200": {"description": "OK"}}
    # The items' parameters are declared once under components and referred to by name.
    components = {parameter["name"]: parameter for parameter in parameters}
    references = [{"$ref": f"#/components/parameters/{name}"} for name in components]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Sanitation IMIS – OGC API Features", "version": "1.0.0"},
        "servers": [{"url": base}],
        "components": {"parameters": components},
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
                        *references,
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
