"""An approved building is not built yet: it stays out of the registers and so out of
coverage, figures, OGC collections, tiles and exports, until an inspector confirms it
was built; then it and its tank enter the registers, assessed like any other, and the
holding is placed on it."""

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from approvals import services
from approvals.choices import Stage
from containment.models import Containment
from holdings import services as holding_services
from spatial.models import Building
from tests.factories import tile_of

from .conftest import submitted, with_documents

pytestmark = pytest.mark.django_db


def _approved(town, officer, inspector, mayor, **changes):
    application = with_documents(submitted(town, officer, **changes), officer)
    for user in (officer, officer, officer, inspector, mayor):
        application = services.application_advance(user=user, application=application)
    assert application.stage == Stage.APPROVED
    return application


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _figures(value):
    """The figures, without when each was computed."""
    if isinstance(value, dict):
        return {k: _figures(v) for k, v in value.items() if k != "computed_at"}
    return value


def _seen(client, town, application) -> dict:
    """What the surfaces users read show of the town."""
    code = town.municipality.code
    ogc = client.get("/ogc/collections/buildings/items", {"f": "json", "limit": 1000})
    tanks = client.get("/ogc/collections/containments/items", {"f": "json", "limit": 1000})
    export = b"".join(client.get("/api/v1/exports/buildings/", {"export": "csv"}).streaming_content)
    centre = application.footprint.point_on_surface
    x, y = tile_of(centre.x, centre.y, 17)
    tile = client.get(f"/tiles/buildings/17/{x}/{y}.mvt")
    assert tile.status_code == 200
    overview = client.get("/api/v1/dashboards/overview/", {"municipality": code})
    assert overview.status_code == 200, overview.content
    return {
        "buildings": json.loads(_body(ogc))["numberMatched"],
        "containments": json.loads(_body(tanks))["numberMatched"],
        "exported": len(list(csv.DictReader(io.StringIO(export.decode("utf-8-sig"))))),
        "tile": len(_body(tile)),
        "figures": _figures(overview.json()),
    }


def test_approved_but_unbuilt_is_nowhere_until_built(town, officer, inspector, mayor, gis_officer):
    client = Client()
    client.force_login(gis_officer)
    holding = holding_services.holding_create(
        municipality=town.municipality, ward=town.west, number="77"
    )
    application = submitted(town, officer, holding=holding)
    before = _seen(client, town, application)
    assert (before["buildings"], before["containments"], before["exported"]) == (0, 0, 0)

    application = _approved(town, officer, inspector, mayor, holding=holding)
    assert _seen(client, town, application) == before
    assert not Building.objects.exists()
    assert not Containment.objects.exists()

    built = services.construction_confirm(user=inspector, application=application, as_approved=True)
    assert built.stage == Stage.BUILT
    after = _seen(client, town, built)
    assert (after["buildings"], after["containments"], after["exported"]) == (1, 1, 1)
    assert after["tile"] > before["tile"]  # the footprint is drawn now
    assert after["figures"] != before["figures"]
    building = Building.objects.get()
    assert (building.floor_count, building.functional_use) == (3, "residential")
    assert building.holding_number == "77"
    assert building.ward == town.west
    assert list(holding.buildings.all()) == [building]
    tank = Containment.objects.get()
    assert (tank.containment_type, tank.outlet, tank.users) == ("septic_tank", "soak_pit", 12)
    assert list(tank.buildings.all()) == [building]
    assert tank.assessments.exists()  # assessed by the rules like any tank
    assert (built.building, built.containment) == (building, tank)


def test_what_was_built_differently_is_recorded(town, officer, inspector, mayor):
    application = _approved(town, officer, inspector, mayor)
    with pytest.raises(PermissionDenied):
        services.construction_confirm(user=officer, application=application, as_approved=True)
    with pytest.raises(ValidationError, match="differently"):
        services.construction_confirm(user=inspector, application=application, as_approved=False)
    built = services.construction_confirm(
        user=inspector,
        application=application,
        as_approved=False,
        differences="The soak pit was replaced by a pipe to the road drain.",
        outlet="open_drain",
    )
    assert built.built_as_approved is False
    tank = Containment.objects.get()
    assert tank.outlet == "open_drain"
    assert tank.assessments.get().status == "non_compliant"
    assert built.stages.last().note.startswith("The soak pit")


def test_only_an_approved_application_is_built(town, officer, inspector):
    application = submitted(town, officer)
    with pytest.raises(ValidationError):
        services.construction_confirm(user=inspector, application=application, as_approved=True)
    assert not Building.objects.exists()
