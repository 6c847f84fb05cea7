"""Web pages of the spatial app. Page data goes to the browser through json_script."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from containment.choices import ComplianceStatus, ContainmentType, JmpRung, Outlet, SfdClass

from . import selectors
from .choices import FunctionalUse, RoadHierarchy


def choice_labels(choices) -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in choices}


@login_required
def municipality_map(request: HttpRequest) -> HttpResponse:
    municipalities = list(selectors.municipality_list(user=request.user))
    config = {
        "extent": selectors.municipality_extent(user=request.user),
        "tiles": settings.LEAFLET_CONFIG["TILES"],
        "language": get_language(),
        "buildingsMinZoom": settings.IMIS["BUILDINGS_MIN_ZOOM"],
        "buildingsLimit": 5000,
        "urls": {
            "wards": reverse("spatial-api:ward-list") + "?limit=1000",
            "roads": reverse("spatial-api:road-list") + "?limit=50000",
            "buildings": reverse("spatial-api:building-list"),
            "lics": reverse("spatial-api:low-income-community-list") + "?limit=1000",
            "containments": reverse("containment-api:containment-list"),
            "containmentDetail": reverse("containment-api:containment-detail", args=[0]),
        },
        "labels": {
            "wards": _("Wards"),
            "roads": _("Roads"),
            "buildings": _("Buildings"),
            "lics": _("Low-income communities"),
            "households": _("Households"),
            "ward": _("Ward"),
            "legend": _("Legend"),
            "zoomForBuildings": _("Zoom in to see building footprints"),
            "loading": _("Loading…"),
            "buildingsShown": _("%(count)s buildings shown"),
            "buildingsTruncated": _("Showing the first %(count)s buildings; zoom in for all"),
            "loadFailed": _("Could not load the layer"),
            "bin": _("BIN"),
            "holding": _("Holding number"),
            "use": _("Functional use"),
            "floors": _("Floors"),
            "population": _("Population"),
            "area": _("Footprint area (m²)"),
            "length": _("Length (m)"),
            "hierarchyLabels": choice_labels(RoadHierarchy),
            "useLabels": choice_labels(FunctionalUse),
            "typeLabels": choice_labels(ContainmentType),
            "outletLabels": choice_labels(Outlet),
            "sfdLabels": choice_labels(SfdClass),
            "rungLabels": choice_labels(JmpRung),
            "statusLabels": choice_labels(ComplianceStatus),
            "containments": _("Containments (compliance)"),
            "containment": _("Containment"),
            "containmentType": _("Type"),
            "outlet": _("Outlet"),
            "sfdClass": _("SFD"),
            "jmpRung": _("JMP ladder"),
            "compliance": _("Compliance"),
        },
    }
    return render(
        request, "spatial/map.html", {"map_config": config, "municipalities": municipalities}
    )


EXPORT_FORMAT_LABELS = {
    "gpkg": _lazy("GeoPackage (QGIS, ArcGIS)"),
    "shp": _lazy("Shapefile (zip)"),
    "geojson": _lazy("GeoJSON"),
    "csv": _lazy("CSV with WKT"),
    "xlsx": _lazy("Excel (XLSX)"),
}


@login_required
def data_transfers(request: HttpRequest) -> HttpResponse:
    """Exports and imports of layers, run by the background worker; the page follows them."""
    from . import imports, jobs
    from .ogcapi.views import collections

    layers = collections()
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
        "labels": {
            "kind": {"export": _("Export"), "import": _("Import")},
            "check": _("Check"),
            "commit": _("Import these rows"),
            "download": _("Download"),
            "problems": _("Problems"),
            "row": _("Row"),
            "field": _("Field"),
            "message": _("Message"),
            "summary": _(
                "%(rows)s rows: %(created)s new, %(updated)s changed, %(unchanged)s unchanged"
            ),
            "committed": _("Imported."),
            "moreProblems": _("Showing the first %(shown)s of %(count)s problems."),
            "notices": _("Left as they are"),
            "moreNotices": _("Showing the first %(shown)s of %(count)s notices."),
            "changes": _("Changes"),
            "changedFields": _("Changed"),
            "key": _("Key"),
            "noJobs": _("No exports or imports yet."),
            "failed": _("The request failed"),
            "features": _("%(count)s features"),
            "area": _("drawn area"),
            "areaDrawn": _("Only features in the drawn area will be exported."),
            "drawPolygon": _("Draw a polygon"),
            "drawRectangle": _("Draw a rectangle"),
            "drawStart": _("Click to start drawing."),
            "drawContinue": _("Click to continue drawing."),
            "drawEnd": _("Click the first point to close the shape."),
            "drawRectangleHint": _("Click and drag to draw a rectangle."),
            "drawRelease": _("Release the mouse to finish."),
            "drawCancel": _("Cancel"),
            "drawFinish": _("Finish"),
            "drawUndo": _("Delete the last point"),
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
