"""The move from Base IMIS (issue 35), on a small database in Base IMIS's own schema
(fixtures/base_imis/small.sql): counts and geometry checksums against the source, BINs
kept, the auxiliary building linked to its main one, the holding from the tax code with
its owner, containments with the buildings they serve and their type and outlet; the rows
that cannot be mapped held with their reason; a second run creates nothing; a dry run
writes nothing."""

import hashlib
import io
from pathlib import Path

import psycopg
import pytest
import shapely
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from containment.models import (
    Containment,
    DrainSegment,
    EmptyingRequest,
    PublicToilet,
    ServiceProvider,
    TreatmentPlant,
)
from holdings.models import Holding
from onboarding import base_imis
from onboarding.models import HeldRow
from spatial.models import Building, LowIncomeCommunity, Road, Ward, WaterSupplyLine
from tests.factories import EAST, NORTH, SOUTH, WEST, MunicipalityFactory, UserFactory, box

pytestmark = pytest.mark.django_db
DUMP = Path(__file__).resolve().parents[2] / "fixtures" / "base_imis" / "small.sql"
SCHEMAS = ("layer_info", "utility_info", "building_info", "fsm")


@pytest.fixture
def source():
    """The Base IMIS database: its schemas loaded beside this one's, committed."""
    settings = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        host=settings["HOST"] or "", port=str(settings["PORT"] or ""),
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"] or "",
    )  # fmt: skip
    drop = "DROP SCHEMA IF EXISTS " + ", ".join(SCHEMAS) + " CASCADE"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(DUMP.read_text())
    yield conninfo
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(drop)


@pytest.fixture
def town():
    return MunicipalityFactory(code="char-alex", boundary=box(WEST, SOUTH, EAST, NORTH))


def _checksum(rows) -> str:
    shapes = []
    for geom in rows:
        shape = shapely.from_wkb(bytes(geom.wkb))
        if shape.geom_type.startswith("Multi") and len(shape.geoms) == 1:
            shape = shape.geoms[0]
        shapes.append(shapely.normalize(shapely.set_precision(shape, 1e-9)).wkb)
    return hashlib.sha256(b"".join(sorted(shapes))).hexdigest()[:16]


def test_a_town_moves_from_base_imis(source, town):
    run = base_imis.migrate(source=source, municipality=town, commit=True)
    tables = run.report["tables"]
    assert tables["wards"] == {"read": 2, "created": 2}
    assert tables["roads"] == {"read": 2, "created": 2}
    assert tables["lics"] == {"read": 1, "created": 1}
    # Five buildings, one retired in Base IMIS (not read), one crossing itself (held).
    assert tables["buildings"] == {"read": 4, "created": 3, "held": 1}
    assert tables["containments"] == {"read": 3, "created": 2, "held": 1}
    assert tables["holdings"] == {"read": 2, "created": 2}

    buildings = {b.bin: b for b in Building.objects.filter(municipality=town)}
    assert set(buildings) == {"B000101", "B000102", "B000103"}
    assert buildings["B000102"].main_building == buildings["B000101"]
    assert buildings["B000101"].structure_type == "rcc_framed"
    assert buildings["B000101"].functional_use == "residential"
    assert buildings["B000103"].water_source == "tube_well"
    assert buildings["B000101"].ward.number == 1
    assert buildings["B000101"].low_income_community.name == "Chor Kalibari"
    holding = Holding.objects.get(municipality=town, number="01-0012")
    assert list(holding.buildings.values_list("bin", flat=True)) == ["B000101"]
    [ownership] = holding.ownerships.select_related("owner")
    assert (ownership.owner.name, ownership.owner.phone) == ("Abdul Karim", "01711000111")
    tank = Containment.objects.get(municipality=town, code="C000201")
    assert (tank.containment_type, tank.outlet) == ("septic_tank", "soak_pit")
    assert sorted(tank.buildings.values_list("bin", flat=True)) == ["B000101", "B000102"]
    assert Containment.objects.get(code="C000202").outlet == "open_drain"
    assert Road.objects.get(municipality=town, code="R0001").hierarchy == "strategic_urban"

    # The geometries written are the source's: the report's checksums, recomputed here.
    sums = run.report["checksums"]
    assert sums["wards"] == _checksum(
        Ward.objects.filter(municipality=town).values_list("geom", flat=True)
    )
    assert sums["buildings"] == _checksum(b.geom for b in buildings.values())
    assert sums["roads"] == _checksum(
        Road.objects.filter(municipality=town).values_list("geom", flat=True)
    )
    assert sums["lics"] == _checksum(
        LowIncomeCommunity.objects.filter(municipality=town).values_list("geom", flat=True)
    )

    # Providers, plants, networks and toilets.
    assert tables["providers"] == {"read": 2, "created": 2}
    assert tables["plants"] == {"read": 1, "created": 1}
    assert ServiceProvider.objects.get(name="Lakshmipur Vacutug Service").phone == "01811222333"
    assert not ServiceProvider.objects.get(name="Old Sweepers Cooperative").is_active
    assert list(
        ServiceProvider.objects.get(name="Lakshmipur Vacutug Service").wards.values_list(
            "number", flat=True
        )
    ) == [1]
    assert TreatmentPlant.objects.get(municipality=town).plant_type == "fstp"
    kinds = dict(DrainSegment.objects.filter(municipality=town).values_list("code", "network_type"))
    assert kinds == {"D0001": "covered_drain", "D0002": "open_drain", "S0001": "sewer"}
    pipe = WaterSupplyLine.objects.get(municipality=town, code="W0001")
    assert (pipe.pipe_role, pipe.material, pipe.diameter_mm) == ("distribution", "upvc", 100)
    toilet = PublicToilet.objects.get(municipality=town)
    assert (toilet.toilet_kind, toilet.seats, toilet.accessible) == ("public", 8, True)

    # The desludging history: the emptied application closed, with its emptying and load.
    assert tables["vehicles"] == {"read": 1, "created": 1}
    assert tables["requests"] == {"read": 3, "created": 2, "held": 1}, run.report["held"]
    done = EmptyingRequest.objects.get(municipality=town, imported_from="base_imis:11")
    assert (done.containment.code, done.status) == ("C000201", "closed")
    assert done.emptying.vehicle.registration == "Lakshmipur-Da-11-0001"
    assert done.emptying.trips == 2
    [load] = done.emptying.deliveries.all()
    assert (load.status, load.volume_received_m3, load.plant.name) == (
        "confirmed",
        3,
        "Lakshmipur FSTP",
    )
    waiting = EmptyingRequest.objects.get(municipality=town, imported_from="base_imis:12")
    assert (waiting.status, waiting.applicant_phone) == ("requested", "01911000222")

    held = {(h.table, h.key): h.reason for h in HeldRow.objects.filter(municipality=town)}
    assert set(held) == {
        ("buildings", "B000104"),
        ("containments", "C000203"),
        ("toilets", "2"),
        ("requests", "13"),
    }
    assert "containment was not brought over" in held["requests", "13"]
    assert "Hanging latrine" in held["toilets", "2"]
    assert "Self-intersection" in held["buildings", "B000104"]
    assert "Bio-digester" in held["containments", "C000203"]

    # A new building continues after every BIN of Base IMIS (held and retired ones too).
    new = Building.objects.create(municipality=town, geom=buildings["B000101"].geom)
    assert new.bin == "B000106"


def test_a_second_run_creates_nothing_and_a_fixed_row_leaves_the_holding_area(source, town):
    base_imis.migrate(source=source, municipality=town, commit=True)
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(
            "UPDATE building_info.buildings SET geom = ST_Multi(ST_MakeEnvelope("
            "90.832, 22.932, 90.8322, 22.9322, 4326)) WHERE bin = 'B000104'"
        )
    again = base_imis.migrate(source=source, municipality=town, commit=True)
    tables = again.report["tables"]
    assert tables["wards"] == {"read": 2, "updated": 2}
    assert tables["buildings"] == {"read": 4, "updated": 3, "created": 1}
    assert Building.objects.filter(municipality=town).count() == 4
    assert Holding.objects.filter(municipality=town).count() == 2
    assert sorted(HeldRow.objects.filter(municipality=town).values_list("key", flat=True)) == [
        "13",
        "2",
        "C000203",
    ]
    assert tables["requests"] == {"read": 3, "updated": 2, "held": 1}
    assert EmptyingRequest.objects.filter(municipality=town).count() == 2


def test_a_dry_run_writes_nothing(source, town):
    run = base_imis.migrate(source=source, municipality=town, commit=False)
    assert run.report["tables"]["buildings"]["created"] == 3
    assert not Building.objects.filter(municipality=town).exists()
    assert not HeldRow.objects.exists()


def test_the_command_and_the_checklist_show_the_run_and_the_held_rows(source, town):
    out = io.StringIO()
    call_command(
        "migrate_base_imis", "--source", source, "--municipality", town.code, "--commit",
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "buildings: read 4, created 3, held 1" in text
    assert "held containments C000203: unknown containment type Bio-digester" in text
    admin = Client()
    admin.force_login(UserFactory(is_superuser=True))
    page = admin.get(f"/office/municipalities/{town.code}/").content.decode()
    assert 'id="checklist-held"' in page
    assert "C000203" in page
    assert 'id="checklist-last-run"' in page
    with pytest.raises(CommandError):
        call_command("migrate_base_imis", "--source", source, "--municipality", "nowhere")
