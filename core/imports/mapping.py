"""A town's own names for a register's columns and codes (issue 35): saved once per
municipality and layer (core.models.ImportMapping), applied to the rows of every import of
that layer before the register's importer reads them, so a town's Shapefile with Bangla
column names and its own words for the code lists imports as it is."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import registry
from ..models import ImportMapping
from .spec import ImportRequest


def attributes(layer: str) -> dict[str, Any]:
    """The attributes a layer's import reads, with their converters."""
    importer = registry.get(layer).importer
    spec = getattr(importer, "spec", importer)
    return dict(getattr(spec, "fields", {}))


def attribute_labels(layer: str) -> dict[str, str]:
    """Each attribute the layer's import reads, named as its register field is (in the
    reader's language), else by its own name."""
    importer = registry.get(layer).importer
    spec = getattr(importer, "spec", importer)
    labels = {}
    for name in attributes(layer):
        field = spec.links[name].field if name in getattr(spec, "links", {}) else name
        try:
            labels[name] = str(spec.model._meta.get_field(field).verbose_name)
        except Exception:  # a column the import reads that is not a field (a BIN to link)
            labels[name] = name
    return labels


def mapping_get(*, municipality: Any, layer: str) -> ImportMapping | None:
    return ImportMapping.objects.filter(municipality=municipality, layer=layer).first()


def _checked(layer: str, columns: dict, values: dict) -> tuple[dict, dict]:
    known = attributes(layer)
    errors: dict[str, list[str]] = {}
    columns = {str(k).strip(): str(v).strip() for k, v in (columns or {}).items() if str(k).strip()}
    for column, attribute in columns.items():
        if attribute not in known:
            errors.setdefault("columns", []).append(
                _("%(column)s: the register has no attribute %(attribute)s.")
                % {"column": column, "attribute": attribute}
            )
    cleaned: dict[str, dict[str, str]] = {}
    for attribute, words in (values or {}).items():
        if attribute not in known or not isinstance(words, dict):
            errors.setdefault("values", []).append(
                _("The register has no attribute %(attribute)s.") % {"attribute": attribute}
            )
            continue
        cleaned[attribute] = {}
        for word, code in words.items():
            try:
                known[attribute](code)
            except (ValueError, TypeError) as error:
                errors.setdefault("values", []).append(f"{attribute} {word} → {code}: {error}")
            cleaned[attribute][str(word).strip()] = code
    if errors:
        raise ValidationError(errors)
    return columns, cleaned


@transaction.atomic
def mapping_set(
    *, municipality: Any, layer: str, columns: dict, values: dict, user: Any = None
) -> ImportMapping:
    """Save the town's names for `layer`; every column must name an attribute the import
    reads, and every code must be one the attribute accepts."""
    columns, values = _checked(layer, columns, values)
    mapping, _created = ImportMapping.objects.update_or_create(
        municipality=municipality,
        layer=layer,
        defaults={"columns": columns, "values": values, "updated_by": user},
    )
    return mapping


def apply(request: ImportRequest) -> ImportRequest:
    """The request with the town's names turned into the register's (unchanged when the
    town has saved none for the layer). A word the mapping does not name passes as it is,
    for the register's own check to judge."""
    mapping = mapping_get(municipality=request.municipality, layer=request.layer)
    if mapping is None or not (mapping.columns or mapping.values):
        return request
    columns, values = mapping.columns, mapping.values

    def row(record: dict) -> dict:
        out = {}
        for column, value in record.items():
            name = columns.get(str(column).strip(), column)
            words = values.get(name)
            if words and value is not None and str(value).strip() in words:
                value = words[str(value).strip()]
            out[name] = value
        return out

    renamed = (
        [columns.get(str(c).strip(), c) for c in request.columns]
        if request.columns is not None
        else None
    )
    return replace(request, records=[row(r) for r in request.records], columns=renamed)
