"""A page for every record of a register (issue 21): `/<register>/<natural key>/`, such as
`/buildings/B000123/` or `/containments/C000045/`, from the register's declaration
(`Register.page_key`). The page shows the record as its REST detail gives it (one
rendering): a small map, every attribute with its label, the records it links to, and its
history. Records the reader's memberships do not reach are a 404, as unknown ones are."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import registry
from .history import record_history
from .roles import REGISTER_EDITOR_ROLES
from .scope import municipalities_visible, user_scope

# Members of a detail that are not attributes: shown in sections of their own.
SECTIONS = ("history",)
# For programs, not people: the round-trip version, and the ward's id beside its number.
HIDDEN = ("version",)
BOOLEAN = {True: gettext_lazy("Yes"), False: gettext_lazy("No")}
LINKED_LABELS = {
    "households": gettext_lazy("Households living here"),
    "buildings": gettext_lazy("Buildings it serves"),
    "compliance": gettext_lazy("Compliance with the rules"),
}
TIMESTAMPS = ("created_at", "updated_at")


def record_urls() -> list[URLPattern]:
    """One route per register that has record pages, and one restoring a retired record
    for registers that retire."""
    urls = []
    for register in registry.registers():
        if not (register.page_key and register.get is not None):
            continue
        name = register.name
        urls.append(path(f"{name}/<str:key>/", record_page, {"name": name}, name=f"record-{name}"))
        if register.restore is not None:
            urls.append(
                path(
                    f"{name}/<str:key>/restore/",
                    record_restore,
                    {"name": name},
                    name=f"record-{name}-restore",
                )
            )
    return urls


def record_url(register: registry.Register, key: Any) -> str:
    return reverse(f"record-{register.name}", args=[key])


# The largest id PostgreSQL's bigint holds: a larger one names no record.
MAX_ID = 2**63 - 1


def _record_id(register: registry.Register, user: Any, key: str) -> int:
    if "\x00" in key or len(key) > 100:
        raise Http404
    if register.page_key == "id":
        if not key.isascii() or not key.isdigit() or int(key) > MAX_ID:
            raise Http404
        return int(key)
    records = getattr(register.model, "all_objects", register.model.objects)
    found = (
        records.filter(municipality__in=municipalities_visible(user), **{register.page_key: key})
        .order_by("municipality__name")
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _shown(register: registry.Register, prop: str, value: Any) -> Any:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return BOOLEAN[value]
    coded = register.choice_labels(prop)
    if isinstance(value, str) and coded:
        # A list of codes (a sample's failing parameters) is shown as their names.
        return ", ".join(coded.get(part, part) for part in value.split(", "))
    return value


def _history(register: registry.Register, events: list[dict]) -> list[dict]:
    return [
        {
            **event,
            "changes": [
                {
                    "label": register.label(field),
                    "old": _shown(register, field, change[0]),
                    "new": _shown(register, field, change[1]),
                }
                for field, change in (event.get("changes") or {}).items()
                if field != "geom"
            ],
            "reshaped": "geom" in (event.get("changes") or {}),
        }
        for event in events
    ]


def _link(row: dict) -> str:
    """The page of a linked record, when the row names one (a building by its BIN)."""
    if row.get("bin"):
        try:
            return record_url(registry.get("buildings"), row["bin"])
        except KeyError:
            return ""
    return ""


def _flat(value: Any) -> Any:
    return ", ".join(map(str, value)) if isinstance(value, list) else value


def _linked(register: registry.Register, prop: str, value: list | dict) -> dict:
    """A list of linked records (a building's households, a containment's buildings) as a
    table, or a linked summary (a containment's compliance) as label and value pairs."""
    rows = value if isinstance(value, list) else [value]
    columns = [key for key in (rows[0] if rows else {}) if key != "id"]
    return {
        "label": LINKED_LABELS.get(prop) or register.label(prop),
        "columns": [register.label(column) for column in columns],
        "rows": [
            {
                "url": _link(row),
                "cells": [_shown(register, column, _flat(row.get(column))) for column in columns],
            }
            for row in rows
        ],
    }


def _cell(value: Any) -> Any:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return BOOLEAN[value]
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return value


def _linked_elsewhere(linked: registry.Linked, record: Any, user: Any) -> dict:
    """Records another app links to this one (registry.link), as a table."""
    rows = linked.rows(record)
    return {
        "label": linked.label,
        "add_url": linked.add(record, user) if linked.add else "",
        "add_label": linked.add_label,
        "columns": [str(label) for label in linked.columns.values()],
        "rows": [
            {"url": row.get("url", ""), "cells": [_cell(row.get(key)) for key in linked.columns]}
            for row in rows
        ],
    }


def _retired(register: registry.Register, user: Any, record_id: int, roles=None) -> Any:
    """The record, retired or not, if it is in the user's scope (for `roles`); None if the
    register does not retire; DoesNotExist otherwise."""
    if register.restore is None:
        raise register.model.DoesNotExist
    records = register.model.all_objects.select_related("municipality", "ward")
    return user_scope(user, roles).filter(records).get(pk=record_id)


def _successor(register: registry.Register, record: Any) -> dict | None:
    """The record a retired one was merged into (a building's survivor): its key and page."""
    successor = getattr(record, "merged_into", None)
    if successor is None:
        return None
    key = successor.pk if register.page_key == "id" else getattr(successor, register.page_key)
    return {"key": key, "url": record_url(register, key)}


def _retired_page(request: HttpRequest, register: registry.Register, key: str, record_id: int):
    try:
        record = _retired(register, request.user, record_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        _retired(register, request.user, record_id, roles=REGISTER_EDITOR_ROLES)
        can_restore = True
    except ObjectDoesNotExist:
        can_restore = False
    context = {
        "register": register,
        "title": f"{register.title} {key}",
        "key": key,
        "retired": record,
        "can_restore": can_restore,
        "restore_url": reverse(f"record-{register.name}-restore", args=[key]),
        "successor": _successor(register, record),
        "history": _history(register, record_history(record)),
    }
    return render(request, "core/record.html", context)


@require_POST
def record_restore(request: HttpRequest, name: str, key: str) -> HttpResponse:
    """Bring a retired record back into service (an editor of its ward or municipality);
    back to its page either way."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    register = registry.get(name)
    record_id = _record_id(register, request.user, key)
    try:
        record = _retired(register, request.user, record_id, roles=REGISTER_EDITOR_ROLES)
    except ObjectDoesNotExist:
        raise Http404 from None
    if record.retired_at is not None:
        with pghistory.context(user=request.user.pk):
            register.restore(record=record)
    return redirect(reverse(f"record-{name}", args=[key]))


@login_required
def record_page(request: HttpRequest, name: str, key: str) -> HttpResponse:
    register = registry.get(name)
    record_id = _record_id(register, request.user, key)
    try:
        record = register.get(user=request.user, **{f"{register.id_kwarg}_id": record_id})
    except ObjectDoesNotExist:
        return _retired_page(request, register, key, record_id)
    feature = register.output_serializer(record).data
    properties = dict(feature["properties"])
    sections = {member: properties.pop(member, None) for member in SECTIONS}
    attributes, linked = [], []
    hidden = set(HIDDEN) | ({"ward"} if "ward_number" in properties else set())
    for prop, value in properties.items():
        if prop in hidden:
            continue
        if prop in TIMESTAMPS and value:
            value = date_format(parse_datetime(value), "DATETIME_FORMAT")
        if isinstance(value, dict) or (
            isinstance(value, list) and all(isinstance(row, dict) for row in value)
        ):
            linked.append(_linked(register, prop, value))
        elif isinstance(value, list):  # a list of codes (the rules a containment fails)
            shown = ", ".join(str(_shown(register, prop, item)) for item in value)
            attributes.append({"label": register.label(prop), "value": shown or "–"})
        else:
            attributes.append(
                {"label": register.label(prop), "value": _shown(register, prop, value)}
            )
    for one in registry.links(register.name):
        linked.append(_linked_elsewhere(one, record, request.user))
    geometry = feature.get("geometry")
    centre = GEOSGeometry(json.dumps(geometry)).point_on_surface if geometry else None
    context = {
        "register": register,
        "title": f"{register.title} {key}",
        "key": key,
        "attributes": attributes,
        "linked": linked,
        "history": _history(register, sections["history"] or []),
        "map_url": (
            f"{reverse('spatial:map')}#map=18/{centre.y:.5f}/{centre.x:.5f}" if centre else ""
        ),
        "page_config": {
            "tiles": settings.LEAFLET_CONFIG["TILES"],
            "feature": {"type": "Feature", "geometry": geometry, "properties": {}},
        },
    }
    return render(request, "core/record.html", context)
