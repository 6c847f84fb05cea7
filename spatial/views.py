"""Web pages of the spatial app. Page data goes to the browser through json_script."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy

from core import imports, jobs, reads, registry
from core.attributes import MAX_IDS, property_kinds
from core.registry import collections

from . import selectors
from .api.bulk_views import MAX_BULK
from .bulk import bulk_fields
from .models import Ward


def choice_labels(choices) -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in choices}


def _page(register: registry.Register) -> dict | None:
    """Where a feature's popup links: its record's page (core.pages), if it has one."""
    if not (register.page_key and register.get):
        return None
    return {"url": reverse(f"record-{register.name}", args=["__key__"]), "key": register.page_key}


def _map_layers(user) -> list[dict]:
    """The registers on the map that `user` reads, as the map script draws them
    (core.registry.MapLayer)."""
    layers = []
    for register in sorted(
        (r for r in registry.registers() if r.map is not None and reads.readable(r.name, user)),
        key=lambda r: r.map.order,
    ):
        drawn = register.map
        namespace = f"{register.app_label}-api:{register.url_name}"
        layers.append(
            {
                "name": register.name,
                "title": str(register.title),
                "cssClass": register.url_name,
                # A register without a REST list is drawn from its OGC API items.
                "url": reverse(f"{namespace}-list")
                if register.api
                else reverse("ogc:items", kwargs={"name": register.name}),
                "detailUrl": reverse(f"{namespace}-detail", args=[0])
                if register.get and register.api
                else "",
                "shape": drawn.shape,
                "style": drawn.style.as_json(),
                "classify": drawn.classify,
                "classes": {value: style.as_json() for value, style in drawn.classes.items()},
                "classLabels": register.choice_labels(drawn.classify) if drawn.classify else {},
                "popup": [
                    {
                        "property": p,
                        "label": register.label(p),
                        "choices": register.choice_labels(p),
                    }
                    for p in drawn.popup
                ],
                "nameProperty": drawn.name_property,
                "tooltip": drawn.tooltip,
                "minZoom": drawn.min_zoom,
                "limit": drawn.limit,
                "extra": drawn.extra,
                "extraLabels": drawn.extra_labels,
                "page": _page(register),
                "tile": _tile(register),
            }
        )
    return layers


def _basemaps(request: HttpRequest) -> list:
    """The basemaps the map offers; their image hosts join the page's CSP (core/middleware)."""
    choices, hosts = selectors.basemaps(user=request.user)
    request.csp_image_hosts = hosts
    return choices


def _tile(register) -> dict | None:
    """The register's vector tiles for the overview zooms (the GeoJSON takes over from the
    map layer's own minimum zoom): their URL template, first zoom, and which tile attribute
    holds each layer property the map's style reads."""
    if register.tile is None:
        return None
    template = reverse("tile", kwargs={"name": register.name, "z": 0, "x": 0, "y": 0})
    return {
        "url": template.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt"),
        "minZoom": register.tile.min_zoom,
        "properties": {prop: attr for attr, prop in register.tile.properties.items()},
    }


@login_required
def municipality_map(request: HttpRequest) -> HttpResponse:
    municipalities = list(selectors.municipality_list(user=request.user))
    config = {
        "extent": selectors.municipality_extent(user=request.user),
        "basemaps": _basemaps(request),
        "language": get_language(),
        "layers": _map_layers(request.user),
    }
    return render(
        request, "spatial/map.html", {"map_config": config, "municipalities": municipalities}
    )


# Columns the attribute table leaves out: the same for every row, or for the machine.
HIDDEN_COLUMNS = ("municipality", "version")


def _columns(register) -> list[dict]:
    kinds = property_kinds(register.features())
    return [
        {
            "name": name,
            "label": register.label(name),
            "kind": kind,
            "choices": register.choice_labels(name),
        }
        for name, kind in kinds.items()
        # A ward shown by its number, not its id.
        if name not in HIDDEN_COLUMNS and not (name == "ward" and "ward_number" in kinds)
    ]


def _editor_registers() -> list[dict]:
    """The registers the map editor edits: those with a map layer, a detail and writes,
    the registers kept day to day first and the wards last."""
    out = []
    for register in sorted(
        (r for r in registry.registers() if r.map and r.editable and r.get),
        key=lambda r: (r.model is Ward, r.map.order),
    ):
        namespace = f"{register.app_label}-api:{register.url_name}"
        layer = register.features()
        tools = {}
        if register.name == "buildings":
            tools = {
                "split": reverse("spatial-api:building-split", args=[0]),
                "merge": reverse("spatial-api:building-merge", args=[0]),
            }
        out.append(
            {
                "name": register.name,
                "title": str(register.title),
                "shape": register.geometry_types()[0],
                "url": reverse(f"{namespace}-list"),
                "detailUrl": reverse(f"{namespace}-detail", args=[0]),
                "style": register.map.style.as_json(),
                "minZoom": register.map.min_zoom,
                "limit": register.map.limit,
                "fields": register.form_fields(),
                # The attribute table under the map: every column the list holds, and
                # what a bulk edit may set.
                "columns": _columns(register),
                "bulk": bulk_fields(register),
                "bulkUrl": reverse(f"{namespace}-bulk-edit"),
                "page": _page(register),
                # What decides whether a ward-limited editor may edit a feature: its ward,
                # or for a ward itself its id; nothing for features placed by their shape.
                "scopeBy": "id"
                if register.model is Ward
                else ("ward" if "ward" in layer.properties else ""),
                # Retired (kept, restorable) or deleted for good.
                "retires": register.restore is not None,
                "tools": tools,
            }
        )
    return out


@login_required
def map_editor(request: HttpRequest) -> HttpResponse:
    """The GIS officer's map editor (issue 21): draw, reshape, move, split, merge and retire
    register features, with snapping, an attribute form, undo, and no silent overwrite
    (every save sends the ETag it read). The API it calls checks every edit again."""
    scope = selectors.editing_scope(user=request.user)
    if not scope:
        raise PermissionDenied
    config = {
        "extent": selectors.municipality_extent(user=request.user),
        "basemaps": _basemaps(request),
        "language": get_language(),
        "registers": _editor_registers(),
        "municipalities": scope,
        "snapDistance": settings.IMIS["EDITOR_SNAP_PIXELS"],
        "exportUrl": reverse("spatial-api:layer-job-export"),
        "maxSelection": MAX_IDS,
        "maxBulk": MAX_BULK,
    }
    formats = [(key, EXPORT_FORMAT_LABELS[key]) for key in jobs.EXPORT_FORMATS]
    return render(request, "spatial/editor.html", {"config": config, "export_formats": formats})


EXPORT_FORMAT_LABELS = {
    "gpkg": gettext_lazy("GeoPackage (QGIS, ArcGIS)"),
    "shp": gettext_lazy("Shapefile (zip)"),
    "geojson": gettext_lazy("GeoJSON"),
    "csv": gettext_lazy("CSV with WKT"),
    "xlsx": gettext_lazy("Excel (XLSX)"),
}


@login_required
def data_transfers(request: HttpRequest) -> HttpResponse:
    """Exports and imports of layers, run by the background worker; the page follows them."""
    layers = {n: la for n, la in collections().items() if reads.readable(n, request.user)}
    municipalities = list(selectors.municipality_list(user=request.user))
    editable = [
        m for m in municipalities if selectors.can_edit_registers(user=request.user, municipality=m)
    ]
    config = {
        "extent": selectors.municipality_extent(user=request.user),
        "tiles": settings.LEAFLET_CONFIG["TILES"],
        "urls": {
            "wards": reverse("spatial-api:ward-list") + "?limit=1000",
            "jobs": reverse("spatial-api:layer-jobs"),
            "exports": reverse("spatial-api:layer-job-export"),
            "imports": reverse("spatial-api:layer-job-import"),
        },
    }
    context = {
        "config": config,
        "export_layers": [(name, layer.title or name) for name, layer in layers.items()],
        "import_layers": [
            (name, layers[name].title if name in layers else name)
            for name in imports.importable_layers()
        ],
        "formats": [(code, EXPORT_FORMAT_LABELS[code]) for code in jobs.EXPORT_FORMATS],
        "wards": selectors.ward_choices(user=request.user),
        "municipalities": municipalities,
        "editable_municipalities": editable,
    }
    context["keep_hours"] = settings.IMIS["JOB_KEEP_HOURS"]
    return render(request, "spatial/data.html", context)


@login_required
def connect(request: HttpRequest) -> HttpResponse:
    """How to reach the registers from QGIS, GDAL and other programs: the OGC API, vector
    tiles, the REST API and its token, each with this server's own address."""
    layers = [(r.name, r.features().title) for r in registry.registers() if r.tile and r.ogc]
    return render(
        request,
        "spatial/connect.html",
        {
            "ogc_url": request.build_absolute_uri(reverse("ogc:landing")),
            "api_url": request.build_absolute_uri("/api/v1/"),
            "token_url": request.build_absolute_uri(reverse("api-token")),
            "docs_url": reverse("api-docs"),
            "schema_url": reverse("api-schema"),
            "tile_url": request.build_absolute_uri("/tiles/"),
            "tile_layers": layers,
        },
    )
