"""The demo municipality generator: deterministic, realistic, and clean."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from dashboards.models import SavedAnalysis
from fixtures import demo
from spatial import road_network
from spatial.models import Building, LowIncomeCommunity, Municipality, Road, RoadEdge, Ward
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

N = 3000


def fingerprint(code: str) -> str:
    """A hash of every building, road and ward as stored, in BIN/code order."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
              SELECT b.bin || b.holding_number || ST_AsText(b.geom, 7) || b.structure_type
                     || b.functional_use || coalesce(b.population_male, -1)
                     || coalesce(w.number, -1) AS x
                FROM spatial_building b JOIN spatial_municipality m ON m.id = b.municipality_id
                LEFT JOIN spatial_ward w ON w.id = b.ward_id
               WHERE m.code = %s
              UNION ALL
              SELECT r.code || r.hierarchy || ST_AsText(r.geom, 7) FROM spatial_road r
                JOIN spatial_municipality m ON m.id = r.municipality_id WHERE m.code = %s
              UNION ALL
              SELECT w.number || ST_AsText(w.geom, 7) FROM spatial_ward w
                JOIN spatial_municipality m ON m.id = w.municipality_id WHERE m.code = %s
            ) parts
            """,
            [code, code, code],
        )
        return cursor.fetchone()[0]


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        result = demo.generate(buildings=N, seed=11, code="gen-a")
        yield result
        demo.purge("gen-a")


def test_same_seed_same_town_and_another_seed_another(generated):
    first = fingerprint("gen-a")
    demo.generate(buildings=N, seed=11, code="gen-b")
    demo.generate(buildings=N, seed=12, code="gen-c")
    assert fingerprint("gen-b") == first
    assert fingerprint("gen-c") != first


def test_counts_are_as_asked(generated):
    municipality = generated.municipality
    assert Building.objects.filter(municipality=municipality).count() == N
    assert Ward.objects.filter(municipality=municipality).count() == 15
    assert LowIncomeCommunity.objects.filter(municipality=municipality).count() >= 5
    hierarchies = set(
        Road.objects.filter(municipality=municipality).values_list("hierarchy", flat=True)
    )
    assert hierarchies == {"strategic_urban", "feeder", "other"}


def test_every_building_is_valid_and_inside_a_ward(generated):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE ward_id IS NULL),
                   count(*) FILTER (WHERE NOT ST_IsValid(geom)),
                   count(*) FILTER (WHERE footprint_area_m2 NOT BETWEEN 8 AND 1500)
              FROM spatial_building WHERE municipality_id = %s
            """,
            [generated.municipality.pk],
        )
        assert cursor.fetchone() == (0, 0, 0)


def test_wards_tessellate_the_boundary(generated):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Area(ST_SymDifference(m.boundary, ST_Union(w.geom))::geography),
                   (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
                      FROM spatial_ward a JOIN spatial_ward b
                        ON a.municipality_id = b.municipality_id AND a.id < b.id
                       AND ST_Intersects(a.geom, b.geom)
                     WHERE a.municipality_id = m.id)
              FROM spatial_municipality m JOIN spatial_ward w ON w.municipality_id = m.id
             WHERE m.id = %s GROUP BY m.id
            """,
            [generated.municipality.pk],
        )
        gap_m2, overlap_m2 = cursor.fetchone()
    assert gap_m2 < 10
    assert overlap_m2 < 10


def test_buildings_do_not_overlap_each_other_or_roads(generated):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              (SELECT count(*) FROM spatial_building a JOIN spatial_building b
                 ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
               WHERE a.municipality_id = %(m)s AND b.municipality_id = %(m)s),
              (SELECT count(*) FROM spatial_building b JOIN spatial_road r
                 ON ST_Intersects(b.geom, r.geom)
               WHERE b.municipality_id = %(m)s AND r.municipality_id = %(m)s)
            """,
            {"m": generated.municipality.pk},
        )
        assert cursor.fetchone() == (0, 0)


def test_no_building_stands_in_a_roads_reserve_and_every_one_is_near_a_way_in(generated):
    """Every footprint is clear of every road's right of way (a few centimetres allowed for
    the town's local metres against the geography's), within 60 m of a road, and a
    low-income community's hut within 20 m of a footpath or lane (generator version 2)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              (SELECT count(*) FROM spatial_building b JOIN spatial_road r
                 ON r.geom && ST_Expand(b.geom, 0.0003)
                AND ST_DWithin(b.geom::geography, r.geom::geography,
                               r.right_of_way_m::float / 2 - 0.1)
               WHERE b.municipality_id = %(m)s AND r.municipality_id = %(m)s),
              (SELECT max(near.d) FROM spatial_building b CROSS JOIN LATERAL (
                  SELECT ST_Distance(b.geom::geography, r.geom::geography) AS d
                    FROM spatial_road r WHERE r.municipality_id = %(m)s
                   ORDER BY r.geom <-> b.geom LIMIT 1) near
                WHERE b.municipality_id = %(m)s AND b.low_income_community_id IS NULL),
              (SELECT max(ST_Distance(b.geom::geography, r.geom::geography))
                 FROM spatial_building b JOIN spatial_road r ON r.id = b.access_road_id
                WHERE b.municipality_id = %(m)s AND b.low_income_community_id IS NOT NULL),
              (SELECT count(*) FROM spatial_building
                WHERE municipality_id = %(m)s AND access_road_id IS NULL)
            """,
            {"m": generated.municipality.pk},
        )
        in_reserve, farthest, farthest_hut, without_road = cursor.fetchone()
    assert in_reserve == 0
    assert farthest < 60
    assert farthest_hut < 20
    assert without_road == 0


def test_a_town_has_its_bazar_schools_and_health_facilities(generated):
    """Placed, not drawn: two schools in every ward with buildings, on plots of 110 m² or
    more; the upazila health complex on a main road near the centre; the bazar's shops
    together around the market junction, with the bazar's public toilet among them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT use_subcategory, functional_use, count(*), min(footprint_area_m2),
                   count(DISTINCT ward_id),
                   ST_MaxDistance(ST_Collect(geom)::geometry, ST_Collect(geom)::geometry)
              FROM spatial_building
             WHERE municipality_id = %(m)s AND use_subcategory <> 'auxiliary structure'
               AND use_subcategory <> ''
             GROUP BY 1, 2
            """,
            {"m": generated.municipality.pk},
        )
        placed = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE functional_use IN ('educational', 'health')
                                      AND use_subcategory = ''),
                   count(DISTINCT ward_id)
              FROM spatial_building WHERE municipality_id = %(m)s
            """,
            {"m": generated.municipality.pk},
        )
        drawn_institutions, wards = cursor.fetchone()
        cursor.execute(
            """
            SELECT min(ST_Distance(t.geom::geography, b.geom::geography))
              FROM containment_publictoilet t, spatial_building b
             WHERE t.municipality_id = %(m)s AND t.name LIKE 'Bazar%%'
               AND b.municipality_id = %(m)s AND b.use_subcategory = 'bazar shop'
            """,
            {"m": generated.municipality.pk},
        )
        toilet_to_shop = cursor.fetchone()[0]
    assert drawn_institutions == 0
    primary, secondary = placed["primary school"], placed["secondary school"]
    assert primary[0] == "educational"
    assert primary[1] == secondary[1] == wards
    assert min(primary[2], secondary[2]) >= 110
    assert placed["upazila health complex"][:2] == ("health", 1)
    assert placed["community clinic"][0] == "health"
    shops = placed["bazar shop"]
    assert shops[0] == "commercial"
    assert shops[1] >= 3
    assert shops[4] < 2 * 160 / 100_000 * 1.2  # degrees: within the bazar's 160 m
    assert toilet_to_shop < 60


def test_equity_and_shared_toilet_figures_are_not_zero_by_construction(generated):
    """Some LIC households have a safe toilet of their own (EQ-1 above 0, below 1: they
    fare worse than the town), and some rely on a safe community block (SF-3 above 0)."""
    from django.utils import timezone

    from dashboards import reports
    from dashboards import services as dashboard_services

    dashboard_services.figures_refresh(municipality_ids=[generated.municipality.pk])
    report = reports.indicator_report(
        municipality=generated.municipality, year=timezone.localdate().year
    )
    figures = {i["code"]: i["value"] for i in report["cwis"]}
    assert 0 < figures["EQ-1"] < 1
    assert figures["SF-3"] > 0


def test_the_generator_names_its_version_and_the_bench_towns_carry_it(generated):
    from bench.towns import bench_code
    from fixtures.demo_version import GENERATOR_VERSION

    assert generated.version == GENERATOR_VERSION == demo.GENERATOR_VERSION
    assert bench_code(150_000) == f"bench-150000-g{GENERATOR_VERSION}"
    assert bench_code(150_000, town=3) == f"bench-150000-g{GENERATOR_VERSION}-3"


def test_the_core_is_denser_than_the_fringe(generated):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH c AS (SELECT ST_Centroid(boundary) AS centre FROM spatial_municipality
                       WHERE id = %(m)s)
            SELECT count(*) FILTER (WHERE ST_DWithin(b.geom::geography, c.centre::geography, 1000)),
                   count(*) FILTER (WHERE NOT ST_DWithin(b.geom::geography, c.centre::geography,
                                                         2000))
              FROM spatial_building b, c WHERE b.municipality_id = %(m)s
            """,
            {"m": generated.municipality.pk},
        )
        core, fringe = cursor.fetchone()
    # The core disc (pi km^2) holds more buildings per km^2 than the ring beyond 2 km.
    area = generated.municipality.area_m2 / 1e6
    assert core / 3.14 > 2 * fringe / max(area - 12.57, 1)


def test_attributes_are_plausible(generated):
    buildings = Building.objects.filter(municipality=generated.municipality)
    residential = buildings.filter(functional_use="residential").count()
    assert 0.5 * N < residential < 0.9 * N
    assert buildings.filter(low_income_community__isnull=False).count() > 0
    assert buildings.exclude(structure_type="rcc_framed").filter(floor_count__gt=3).count() == 0
    lived_in = buildings.filter(household_count__gt=0)
    assert lived_in.filter(population_male__isnull=True).count() == 0
    assert buildings.filter(has_toilet=False, toilet_count__gt=0).count() == 0


def test_households_use_toilets_on_every_rung(generated):
    """Issue 17: the demo fills the household record: multi-household buildings, shared LIC
    latrines, households without a toilet saying where members go, and some dwellings not
    surveyed yet, so every rung, "unknown" and "unsurveyed" appear."""
    from django.db.models import Count, Sum

    from containment.models import Household
    from dashboards import figures_sql, selectors

    municipality = generated.municipality
    households = Household.objects.filter(municipality=municipality)
    dwellings = Building.objects.filter(municipality=municipality, household_count__gt=0)
    on_record = dwellings.filter(households__isnull=False).distinct().count()
    assert 0.85 * dwellings.count() < on_record < dwellings.count()
    several = households.values("building").annotate(n=Count("id")).filter(n__gt=1)
    assert several.exists()
    assert households.filter(toilet_shared=True, building__low_income_community__isnull=False)
    assert set(households.filter(facility__isnull=True).values_list("members_go", flat=True)) == {
        "other_household",
        "public_toilet",
        "open",
        "dont_know",
    }
    # Residents shared out, none lost: each surveyed building's members add up.
    for building in dwellings.filter(households__isnull=False).distinct()[:300]:
        members = building.households.aggregate(
            m=Sum("people_male"), f=Sum("people_female"), o=Sum("people_other")
        )
        assert (members["m"], members["f"], members["o"]) == (
            building.population_male or 0,
            building.population_female or 0,
            building.population_other or 0,
        )
    total = selectors.total_figures(
        selectors.ward_figures_computed(municipality=municipality, year=2026)
    )
    for rung in figures_sql.RUNGS:
        assert total[f"people_{rung}"] > 0, rung
    assert total["people_rung_unknown"] > 0
    # Some emptyings were by hand, as surveyed: SF-7 is computed, and below 100 %.
    from dashboards import reports

    cwis = {
        i["code"]: i for i in reports.indicator_report(municipality=municipality, year=2026)["cwis"]
    }
    assert cwis["SF-7"]["available"]
    assert 0 < cwis["SF-7"]["value"] < 1
    # Issue 28: the wells' samples give SF-9, some with faecal contamination.
    assert cwis["SF-9"]["available"], cwis["SF-9"]["rule"]
    assert 0 < cwis["SF-9"]["value"] < 1
    assert cwis["SF-9"]["denominator"] >= 12
    # Public and community toilets (issue 28): SF-3 and SF-4 computed, with their rule.
    for code in ("SF-3", "SF-4"):
        assert cwis[code]["available"], cwis[code]["rule"]
        assert 0 <= cwis[code]["value"] <= 1
    assert cwis["SF-4"]["denominator"] == 3
    assert cwis["SF-3"]["denominator"] > 0
    # Their users stand on the "limited" rung (or "unimproved"), no longer unknown.
    assert total["people_limited"] > 0


def test_drains_flow_to_water_and_the_core_is_sewered(generated):
    """Issue 28: a drain beside the roads, a sewer under the core's, both discharging into
    water bodies; some of the core's tanks connected to the sewer; the network check has a
    work list but not the whole network."""
    from django.db.models import Count

    from containment.models import Containment, DrainSegment, SewerConnection
    from dashboards import quality

    municipality = generated.municipality
    segments = DrainSegment.objects.filter(municipality=municipality)
    kinds = dict(segments.values_list("network_type").annotate(n=Count("id")))
    assert kinds.get("open_drain", 0) + kinds.get("covered_drain", 0) > kinds.get("sewer", 0) > 0
    reaches = dict(segments.values_list("reaches").annotate(n=Count("id")))
    assert reaches.get("water_body", 0) > 0
    assert set(reaches) <= {"water_body", "open"}  # no sewer reaches a plant in the demo
    connections = SewerConnection.objects.filter(municipality=municipality)
    assert connections.exists()
    assert not connections.exclude(segment__network_type="sewer").exists()
    sewered = Containment.objects.filter(municipality=municipality, outlet="sewer")
    assert sewered.count() == connections.count()
    _, dead_ends = quality.check_records(
        municipality=municipality,
        check=quality.CHECKS_BY_CODE["drain_ends_in_nothing"],
        wards=None,
        limit=100_000,
    )
    assert 0 < len(dead_ends) < segments.count()


def test_command_skips_when_data_exists(generated, capsys):
    call_command("generate_demo", "--if-empty", "--buildings", "200")
    assert "skipped" in capsys.readouterr().out
    assert not Municipality.objects.filter(code=demo.DEFAULT_CODE).exists()


def test_command_creates_demo_accounts(capsys, db):
    call_command("generate_demo", "--buildings", "300", "--with-users", "--code", "gen-users")
    from django.contrib.auth import get_user_model

    gis = get_user_model().objects.get(username="gis")
    assert gis.memberships.get().municipality.code == "gen-users"
    assert not gis.memberships.get().wards.exists()
    councillor = get_user_model().objects.get(username="councillor").memberships.get()
    assert list(councillor.wards.values_list("number", flat=True)) == [1]
    assert "300 buildings" in capsys.readouterr().out


def test_auxiliary_buildings_share_their_main_buildings_holding(generated):
    auxiliary = Building.objects.filter(
        municipality=generated.municipality, main_building__isnull=False
    ).select_related("main_building")
    assert auxiliary.exists()
    for building in auxiliary:
        assert building.holding_number == building.main_building.holding_number
        assert building.main_building.main_building_id is None
        assert building.household_count == 0
        assert building.main_building.footprint_area_m2 > building.footprint_area_m2


def test_demo_has_a_consistent_desludging_history(generated):
    from containment.models import EmptyingRequest

    requests = EmptyingRequest.objects.filter(municipality=generated.municipality)
    assert requests.filter(status="closed").exists()
    assert requests.filter(status="requested").exists()
    for request in requests.filter(status__in=["emptied", "closed"]).select_related(
        "emptying", "containment", "emptying__vehicle"
    )[:200]:
        emptying = request.emptying
        assert request.requested_at.date() <= emptying.emptied_on
        assert emptying.volume_m3 <= emptying.vehicle.capacity_m3 * emptying.trips
        volume = request.containment.effective_volume_m3
        assert volume is None or emptying.volume_m3 <= volume
        assert request.provider.wards.filter(pk=request.containment.ward_id).exists()


def test_every_generated_record_starts_its_history_once(generated):
    """The demo is a starting state, not edits anyone made: each record has one "insert"
    event from the demo generator, and nothing else."""
    from django.db.models import Count

    from containment.models import Containment, PublicToilet
    from spatial.models import Building, Ward, WaterPoint, WaterSample

    for model in (Building, Ward, Containment, WaterPoint, WaterSample, PublicToilet):
        events = model.pgh_event_models["insert"].objects.filter(
            pgh_obj__municipality=generated.municipality
        )
        per_record = events.values("pgh_obj").annotate(n=Count("pgh_id"))
        assert (
            per_record.count() == model.objects.filter(municipality=generated.municipality).count()
        ), model
        assert {row["n"] for row in per_record} == {1}, model
        assert set(events.values_list("pgh_label", flat=True)) == {"insert"}
        assert set(events.values_list("pgh_context__metadata__source", flat=True)) == {
            "demo generator"
        }


@pytest.mark.django_db
def test_the_first_change_to_a_demo_record_is_in_its_history(generated):
    """The first update of a generated record had nothing to compare with and was hidden."""
    from core.history import record_history
    from spatial import services

    building = Building.objects.filter(municipality=generated.municipality).first()
    before = building.floor_count
    services.building_update(building=building, floor_count=before + 1)
    history = record_history(building)
    assert history[0]["event"] == "update"
    assert history[0]["changes"]["floor_count"] == [before, before + 1]
    assert history[-1]["event"] == "insert"
    assert history[-1]["source"] == "demo generator"


@pytest.mark.django_db
def test_a_town_can_be_laid_elsewhere_for_the_large_benchmark_tier():
    """Several generated towns in one database (tier L) must not lie on top of each other."""
    from fixtures.demo.town import CENTRE_LON

    shifted = demo.generate(buildings=300, seed=3, code="shifted", east_offset_deg=0.5)
    centre = shifted.municipality.boundary.centroid
    assert centre.x == pytest.approx(CENTRE_LON + 0.5, abs=0.05)
    inside = Building.objects.filter(
        municipality=shifted.municipality, geom__within=shifted.municipality.boundary
    )
    assert inside.count() == Building.objects.filter(municipality=shifted.municipality).count() > 0
    from fixtures.demo import town

    assert town.CENTRE_LON == CENTRE_LON  # restored after the generation


def test_disease_cases_by_ward_show_one_hotspot(generated):
    """Issue 28: twelve months of counts per ward; the ward whose sanitation is worst stands
    out on the hotspot layer."""
    from django.db import connection as db

    from spatial.health_layers import DISEASE_HOTSPOTS
    from spatial.models import DiseaseCaseCount

    municipality = generated.municipality
    counts = DiseaseCaseCount.objects.filter(municipality=municipality)
    assert counts.values("month").distinct().count() == 12
    level = DISEASE_HOTSPOTS.properties["level"]
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {level} FROM {DISEASE_HOTSPOTS.table} t WHERE t.municipality_id = %s",  # noqa: S608
            [municipality.pk],
        )
        levels = [row[0] for row in cursor.fetchall()]
    assert levels.count("hotspot") >= 1
    assert levels.count("usual") > len(levels) // 2


def test_a_town_the_app_has_worked_on_is_purged_whole(db):
    """Regenerating a town (or a bench town of an older generator version) removes what
    the app made of it since, too: stored figures, quality snapshots, plans, drafts, the
    road network and saved analyses."""
    from containment.planner import plan_create
    from dashboards import services as dashboard_services

    result = demo.generate(buildings=300, seed=5, code="gen-worked")
    municipality = result.municipality
    dashboard_services.figures_refresh(municipality_ids=[municipality.pk])
    dashboard_services.quality_snapshot_take(municipality=municipality)
    plan_create(municipality=municipality, start_date=dt.date(2026, 12, 6), days=1)
    # A routed day (the road network built) and a saved analysis.
    road_network.ensure_network(municipality)
    assert RoadEdge.objects.filter(municipality=municipality).exists()
    SavedAnalysis.objects.create(
        municipality=municipality, name="Ward 1", tool="near_water", parameters={}
    )
    demo.purge("gen-worked")
    assert not Municipality.objects.filter(code="gen-worked").exists()
    # The change history stood aside for the purge only: an edit after it is recorded.
    town = MunicipalityFactory()
    town.name = "Renamed after the purge"
    town.save()
    events = Municipality.pgh_event_models["update"].objects.filter(pgh_obj_id=town.pk)
    assert events.filter(name="Renamed after the purge").exists()
