"""What every placed register (spatial.records) declares alike, for core.registry: its layer
frame (live records, municipality and code first, ward and version last) and its records
read by code, written by the generic services, retired and restored, imported keyed by
code. The water registers, the water samples and the public toilets declare only their own
attributes on it."""

from __future__ import annotations

from functools import partial
from typing import Any

from core.features import MUNICIPALITY_CODE, MUNICIPALITY_JOIN, VERSION, Layer
from core.imports import Link, as_text

from . import selectors, services
from .api.serializers import record_feature_serializer, record_properties_serializer
from .imports import RegisterImport


def placed_layer(
    name: str,
    title: Any,
    table: str,
    own: dict[str, str],
    read_only: tuple[str, ...] = (),
    joins: str = "",
) -> Layer:
    """A placed register's features (spatial.records): its live records with their
    municipality and code first, its `own` attributes, then the ward the database gave it
    and the version; `read_only` names own attributes an import must not write, `joins`
    what the attributes read besides the table (module SQL only)."""
    return Layer(
        name=name,
        title=title,
        table=table,
        condition="t.retired_at IS NULL",
        joins=MUNICIPALITY_JOIN + "LEFT JOIN spatial_ward w ON w.id = t.ward_id " + joins,
        properties={
            "municipality": MUNICIPALITY_CODE,
            "code": "t.code",
            **own,
            "ward": "t.ward_id",
            "ward_number": "w.number",
            "version": VERSION,
        },
        temporal="t.updated_at",
        read_only=("municipality", *read_only, "ward", "ward_number", "version"),
    )


def placed_register(
    model: type,
    layer: Layer,
    geometry_types: tuple[str, ...],
    columns: dict[str, Any],
    required: tuple[str, ...],
    api_only: tuple[str, ...] = (),
    links: dict[str, Link] | None = None,
) -> dict:
    """What every placed register (spatial.records) declares alike: records read by its
    code, written by the generic services, retired and restored; `columns` (attribute ->
    import converter) are what a write and an import accept besides the code and geometry,
    `required` what a new record needs, `api_only` attributes a write accepts and an import
    does not (links by id), `links` the import's columns that name another register's
    record by its key (core.imports.Link)."""
    return {
        "model": model,
        "id_kwarg": "record",
        "page_key": "code",
        "get": partial(selectors.record_get, model=model),
        "create": partial(services.record_create, model=model),
        "update": services.record_update,
        "delete": services.record_retire,
        "restore": services.record_restore,
        "properties_serializer": record_properties_serializer(
            model, [*(c for c in columns if c not in (links or {})), *api_only], geometry_types
        ),
        "output_serializer": record_feature_serializer(model, layer),
        # Keyed by code; a row without one is a new record, coded by the database.
        "importer": RegisterImport(
            model,
            geometry_types,
            "code",
            {"code": as_text(40), **columns},
            key_required=False,
            required=required,
            export_layer=layer,
            links=links or {},
        ),
    }
