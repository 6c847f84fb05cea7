"""Benchmark: a vehicle's desludging route for a day of 20 jobs at tier M (issue 30, tool 6;
target < 1 s).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/routes.py

On the bench town, inside one transaction rolled back at the end: 20 containments drawn
(seed 30) from those not waiting for an emptying are scheduled to the paurashava's unit
for a day a year ahead, and its first vehicle (1.6 m wide, 2 m³) is routed. Reported:

- the road network's build from the road register (cold: the first route after the roads
  change pays it once);
- route, project: GET /api/v1/analysis/route/ as the help desk, through Django's whole
  request stack (best of three, the network built);
- route, raw: the same pgRouting statements run directly on the same vertices (the usable
  edges, where the vehicle stands, the distance matrix, pgr_TSP's order, the legs), without
  the walk that inserts the plant trips or the answer's composition.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.towns import bench_town, bench_user, best_of  # noqa: E402
from containment import access, routing, routing_sql  # noqa: E402
from containment.models import Containment, EmptyingRequest, Vehicle  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from spatial import road_network  # noqa: E402
from spatial.models import RoadNetwork  # noqa: E402

JOBS = 20


def schedule(vehicle: Vehicle, day: dt.date) -> list[int]:
    municipality = vehicle.provider.municipality
    free = list(
        Containment.objects.filter(municipality=municipality, retired_at__isnull=True)
        .exclude(emptying_requests__status__in=["requested", "scheduled"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = random.Random(30).sample(free, JOBS)  # noqa: S311 (a fixed draw, not a secret)
    now = timezone.now()
    EmptyingRequest.objects.bulk_create(
        EmptyingRequest(
            municipality=municipality,
            containment_id=pk,
            status="scheduled",
            applicant_name="Bench",
            applicant_phone="01700000000",
            provider=vehicle.provider,
            scheduled_for=day,
            requested_at=now,
            scheduled_at=now,
        )
        for pk in chosen
    )
    return chosen


def raw(vehicle: Vehicle, day: dt.date) -> int:
    """The route's pgRouting statements run directly; the number of legs drawn."""
    municipality = vehicle.provider.municipality
    assumed = access.Assumed(
        float(vehicle.width_m), "fleet", float(municipality.hose_length_m), False
    )
    usable, params = access.usable_sql(assumed)
    with connection.cursor() as cursor:
        for name in ("route_edges", "route_matrix"):
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        cursor.execute(routing_sql.EDGES_SQL.format(usable=usable), params | {"m": municipality.pk})
        cursor.execute("CREATE INDEX ON route_edges USING gist (geom); ANALYZE route_edges")
        cursor.execute(
            "SELECT array_agg(ST_X(ST_Transform(c.geom, 4326)) ORDER BY r.id),"
            " array_agg(ST_Y(ST_Transform(c.geom, 4326)) ORDER BY r.id)"
            " FROM containment_emptyingrequest r JOIN containment_containment c"
            " ON c.id = r.containment_id WHERE r.provider_id = %s AND r.scheduled_for = %s",
            [vehicle.provider_id, day],
        )
        lons, lats = cursor.fetchone()
        depot = vehicle.depot.transform(4326, clone=True)
        cursor.execute(
            routing_sql.STAND_SQL,
            {
                "lons": [*lons, depot.x],
                "lats": [*lats, depot.y],
                "reach": [assumed.hose_length_m] * len(lons) + [routing.YARD_M],
            },
        )
        stands = [row[1] for row in cursor.fetchall()]
        start = stands[-1]
        vertices = sorted({v for v in stands if v is not None})
        cursor.execute(
            "CREATE TEMP TABLE route_matrix AS " + routing_sql.MATRIX_SQL, {"vertices": vertices}
        )
        others = [v for v in vertices if v != start]
        tour = [start, *routing.visiting_order(cursor, start, others, lambda a, b: 0.0)]
        values = ",".join(f"({a},{b})" for a, b in itertools.pairwise(tour) if a != b)
        cursor.execute(
            routing_sql.LEGS_SQL,
            {"pairs": f"SELECT * FROM (VALUES {values}) AS t(source, target)"},
        )
        return len(cursor.fetchall())


def main() -> None:
    municipality = bench_town()
    vehicle = (
        Vehicle.objects.filter(provider__municipality=municipality, depot__isnull=False)
        .select_related("provider__municipality")
        .order_by("provider__name", "registration")
        .first()
    )
    desk = bench_user(municipality, "bench-help-desk", MembershipRole.FSM_HELP_DESK)
    client = Client(HTTP_HOST="localhost")
    client.force_login(desk)
    day = timezone.localdate() + dt.timedelta(days=365)
    with transaction.atomic():
        schedule(vehicle, day)
        RoadNetwork.objects.filter(municipality=municipality).delete()
        start = time.perf_counter()
        network = road_network.ensure_network(municipality)
        build_s = time.perf_counter() - start

        def project():
            response = client.get(
                "/api/v1/analysis/route/", {"vehicle": vehicle.pk, "day": day.isoformat()}
            )
            if response.status_code != 200:
                raise RuntimeError(response.content)
            return response.json()

        project_s, route = best_of(project)
        raw_s, legs = best_of(lambda: raw(vehicle, day))
        transaction.set_rollback(True)
    print(
        f"{municipality.code}: network of {network.edges} edges, {network.vertices} vertices;"
        f" vehicle {vehicle.registration} ({vehicle.width_m} m, {vehicle.capacity_m3} m³)"
    )
    print(
        f"route of {JOBS} jobs: {route['jobs']} routed, {len(route['left_out'])} left out,"
        f" {route['plant_trips']} plant trips, {route['distance_km']} km; raw drew {legs} legs"
    )
    print(f"road network build (cold)               {build_s * 1000:7.0f} ms")
    print(f"route, project GET                      {project_s * 1000:7.0f} ms")
    print(f"route, raw statements                   {raw_s * 1000:7.0f} ms")
    print(f"route, project / raw                    {project_s / raw_s:7.2f}x")


if __name__ == "__main__":
    main()
