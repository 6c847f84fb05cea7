"""A vehicle's desludging route for a day (issue 30, tool 6), computed by pgRouting over the
road register (spatial.road_network).

The jobs are the emptyings scheduled to the vehicle's provider for the day or left over from
earlier days (as on the crew's list) that the user reads, or the ones of them asked for.
The vehicle uses only the roads it fits (containment.access: the carriageway at least as
wide as the vehicle, paved, brick or gravel unless earthen roads are allowed). It stands on
the usable road nearest the tank, which must lie within the municipality's hose length,
else the job is left to manual emptying; a job whose road does not join the depot's is left
out too, each with its reason.

Four statements: the usable edges into an indexed temporary table; the network vertex
where the vehicle stands for the depot, every job and every plant in operation; the network
distances between them (pgr_dijkstraCostMatrix, undirected: the register records no one-way
lanes); the visiting order (pgr_TSP, from the depot). Walking that order, a load that would
overflow the tank goes to the plant first (the plant that adds the least distance), and a
tank larger than the vehicle takes trips there and back; the day ends at a plant and back at
the depot. A fifth statement draws each leg on the roads (pgr_dijkstra)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models.functions import Transform
from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.local import digits
from core.roles import DESLUDGING_DESK_ROLES
from core.scope import holds_role_anywhere
from spatial import road_network

from . import access, crew, routing_sql, selectors
from .choices import RequestStatus
from .models import EmptyingRequest, TreatmentPlant, Vehicle

# A depot or a plant stands off the road at most this far (its own yard or gate).
YARD_M = 1000.0
# Loads within a litre are full.
EPS = Decimal("0.001")


class RoutingUnavailable(Exception):
    """The database has no pgRouting."""


class RouteRefused(Exception):
    """The route cannot be made; the message says why."""


@dataclass
class Job:
    request: EmptyingRequest
    lon: float
    lat: float
    volume: Decimal
    volume_assumed: bool
    vertex: int | None = None
    stand_m: float | None = None


@dataclass
class Walk:
    """The route as it is walked: stops in order and the load on board."""

    cost: dict[tuple[int, int], float]
    plants: dict[int, tuple[TreatmentPlant, float, float]]
    capacity: Decimal
    at: int
    load: Decimal = Decimal(0)
    stops: list[dict[str, Any]] = field(default_factory=list)

    def leg(self, a: int, b: int) -> float:
        return 0.0 if a == b else self.cost[(a, b)]

    def go(self, vertex: int, stop: dict[str, Any]) -> None:
        stop |= {"seq": len(self.stops) + 1, "vertex": vertex}
        stop["distance_m"] = round(self.leg(self.at, vertex), 1)
        self.at = vertex
        self.stops.append(stop)

    def discharge(self, then: int) -> None:
        """To the plant that adds the least to the way to `then`, and empty the tank."""
        vertex = min(self.plants, key=lambda p: (self.leg(self.at, p) + self.leg(p, then), p))
        plant, lon, lat = self.plants[vertex]
        self.go(
            vertex,
            {
                "kind": "plant",
                "plant": plant.name,
                "lon": lon,
                "lat": lat,
                "unloaded_m3": float(self.load),
            },
        )
        self.load = Decimal(0)


def routable_vehicles(*, user: Any):
    """The vehicles whose day the user may route: those of the providers he operates, and
    for the help desk and the municipal admin those of the providers of his municipalities."""
    providers = crew.crew_providers(user=user).values("pk")
    vehicles = Vehicle.objects.select_related("provider", "provider__municipality")
    if holds_role_anywhere(user=user, roles=DESLUDGING_DESK_ROLES):
        desk = selectors.service_provider_list(user=user).values("pk")
        return vehicles.filter(provider__in=providers) | vehicles.filter(provider__in=desk)
    return vehicles.filter(provider__in=providers)


def day_jobs(*, user: Any, vehicle: Vehicle, day: dt.date, ids: list[int] | None = None):
    jobs = (
        selectors.emptying_request_list(user=user)
        # As on the crew's list: the day's visits and those left over from earlier days.
        .filter(provider=vehicle.provider, status=RequestStatus.SCHEDULED, scheduled_for__lte=day)
        .annotate(point=Transform("containment__geom", 4326))
        .order_by("pk")
    )
    return jobs.filter(pk__in=ids) if ids is not None else jobs


def _vehicle(vehicle: Vehicle, earthen: bool) -> access.Assumed:
    municipality = vehicle.provider.municipality
    if vehicle.width_m is not None:
        width, source = float(vehicle.width_m), "fleet"
    else:
        width, source = float(settings.IMIS["VEHICLE_WIDTH_M"]), "assumed"
    return access.Assumed(width, source, float(municipality.hose_length_m), earthen)


def _jobs(requests) -> list[Job]:
    jobs = []
    for request in requests:
        volume = request.containment.effective_volume_m3
        jobs.append(
            Job(request, request.point.x, request.point.y, Decimal(volume or 0), volume is None)
        )
    return jobs


def visiting_order(cursor, start: int, vertices: list[int], cost) -> list[int]:
    """The order to visit `vertices` from `start` (pgr_TSP's tour, its return left off)."""
    if len(vertices) <= 1:
        return vertices
    if len(vertices) == 2:
        return sorted(vertices, key=lambda v: (cost(start, v), v))
    listed = ",".join(str(int(v)) for v in sorted({start, *vertices}))
    cursor.execute(
        "SELECT node FROM pgr_TSP(%(cells)s, %(start)s) ORDER BY seq",
        {
            "cells": "SELECT start_vid, end_vid, agg_cost FROM route_matrix "
            f"WHERE start_vid IN ({listed}) AND end_vid IN ({listed})",
            "start": start,
        },
    )
    tour = [row[0] for row in cursor.fetchall()]
    seen, order = {start}, []
    for vertex in tour:
        if vertex not in seen:
            seen.add(vertex)
            order.append(vertex)
    # The depot's own vertex holds jobs too: they come first.
    return ([start] if start in vertices else []) + order


def day_route(
    *,
    user: Any,
    vehicle: Vehicle,
    day: dt.date,
    ids: list[int] | None = None,
    earthen: bool = False,
) -> dict[str, Any]:
    """The day's route of `vehicle` (see the module)."""
    if not road_network.pgrouting_installed():
        raise RoutingUnavailable
    municipality = vehicle.provider.municipality
    assumed = _vehicle(vehicle, earthen)
    network = road_network.ensure_network(municipality)
    jobs = _jobs(day_jobs(user=user, vehicle=vehicle, day=day, ids=ids))
    plants = list(
        TreatmentPlant.objects.filter(municipality=municipality, is_active=True)
        .annotate(point=Transform("geom", 4326))
        .order_by("pk")
    )
    depot = vehicle.depot.transform(4326, clone=True) if vehicle.depot else None
    usable, params = access.usable_sql(assumed)
    with transaction.atomic(), connection.cursor() as cursor:
        for name in ("route_edges", "route_matrix"):
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        cursor.execute(routing_sql.EDGES_SQL.format(usable=usable), params | {"m": municipality.pk})
        cursor.execute("CREATE INDEX ON route_edges USING gist (geom); ANALYZE route_edges")
        places = [(p.point.x, p.point.y, YARD_M) for p in plants]
        places += [(j.lon, j.lat, assumed.hose_length_m) for j in jobs]
        if depot is not None:
            places.append((depot.x, depot.y, YARD_M))
        cursor.execute(
            routing_sql.STAND_SQL,
            {
                "lons": [p[0] for p in places],
                "lats": [p[1] for p in places],
                "reach": [p[2] + access.REACH_TOLERANCE_M for p in places],
            },
        )
        stands = [(row[1], row[2]) for row in cursor.fetchall()]
        plant_stands = stands[: len(plants)]
        for job, (vertex, distance) in zip(jobs, stands[len(plants) :], strict=False):
            job.vertex, job.stand_m = vertex, distance
        start = stands[-1][0] if depot is not None else None
        reachable_plants = {
            v: (plant, plant.point.x, plant.point.y)
            for plant, (v, _d) in zip(plants, plant_stands, strict=True)
            if v is not None
        }
        if depot is not None and start is None:
            raise RouteRefused(
                _("No road this vehicle can use lies within %(m)s m of its depot.")
                % {"m": int(YARD_M)}
            )
        if not reachable_plants:
            raise RouteRefused(
                _("No treatment plant in operation lies near a road this vehicle can use.")
            )
        depot_assumed = start is None
        if depot_assumed:
            start = min(reachable_plants)
        vertices = sorted({start, *reachable_plants, *(j.vertex for j in jobs if j.vertex)})
        cursor.execute(
            "CREATE TEMP TABLE route_matrix ON COMMIT DROP AS " + routing_sql.MATRIX_SQL,
            {"vertices": vertices},
        )
        cursor.execute("SELECT start_vid, end_vid, agg_cost FROM route_matrix")
        cost = {(a, b): c for a, b, c in cursor.fetchall()}

        def joined(v: int) -> bool:
            return v == start or (start, v) in cost

        left_out = [j for j in jobs if j.vertex is None or not joined(j.vertex)]
        routed = [j for j in jobs if j not in left_out]
        plants_joined = {v: p for v, p in reachable_plants.items() if joined(v)}
        if not plants_joined:
            raise RouteRefused(_("No road this vehicle can use joins the depot to a plant."))
        walk = Walk(cost, plants_joined, Decimal(vehicle.capacity_m3), start)
        order = visiting_order(
            cursor, start, sorted({j.vertex for j in routed}), lambda a, b: walk.leg(a, b)
        )
        depot_stop = {"kind": "depot", "lon": None, "lat": None, "assumed": depot_assumed}
        if depot is not None:
            depot_stop |= {"lon": depot.x, "lat": depot.y}
        else:
            depot_stop |= {"lon": walk.plants[start][1], "lat": walk.plants[start][2]}
        walk.go(start, dict(depot_stop))
        for vertex in order:
            for job in (j for j in routed if j.vertex == vertex):
                _visit(walk, job)
        if walk.load > 0:
            walk.discharge(then=start)
        if len(walk.stops) > 1:
            walk.go(start, dict(depot_stop))
        legs = _legs(cursor, walk.stops)
    return _answer(vehicle, assumed, day, network, walk, legs, left_out)


def _visit(walk: Walk, job: Job) -> None:
    volume = job.volume if not job.volume_assumed else walk.capacity
    if walk.load > 0 and walk.load + volume > walk.capacity + EPS:
        walk.discharge(then=job.vertex)
    remaining, trip = volume, 1
    while True:
        taken = min(remaining, walk.capacity - walk.load)
        request = job.request
        walk.go(
            job.vertex,
            {
                "kind": "job",
                "request": request.pk,
                "containment": request.containment.code,
                "ward": getattr(request.containment.ward, "number", None),
                "access_notes": request.access_notes,
                "lon": job.lon,
                "lat": job.lat,
                "stand_m": round(job.stand_m, 1),
                "volume_m3": float(volume),
                "volume_assumed": job.volume_assumed,
                "trip": trip,
                "taken_m3": float(taken),
            },
        )
        walk.load += taken
        remaining -= taken
        if remaining <= EPS:
            return
        walk.discharge(then=job.vertex)
        trip += 1


def _legs(cursor, stops: list[dict[str, Any]]) -> dict[tuple[int, int], Any]:
    pairs = {
        (a["vertex"], b["vertex"])
        for a, b in itertools.pairwise(stops)
        if a["vertex"] != b["vertex"]
    }
    if not pairs:
        return {}
    values = ",".join(f"({int(a)},{int(b)})" for a, b in sorted(pairs))
    cursor.execute(
        routing_sql.LEGS_SQL, {"pairs": f"SELECT * FROM (VALUES {values}) AS t(source, target)"}
    )
    return {(a, b): json.loads(line) for a, b, line in cursor.fetchall()}


def _answer(vehicle, assumed, day, network, walk, legs, left_out) -> dict[str, Any]:
    features = []
    for a, b in itertools.pairwise(walk.stops):
        line = legs.get((a["vertex"], b["vertex"]))
        if line is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": line,
                    "properties": {"from": a["seq"], "to": b["seq"], "distance_m": b["distance_m"]},
                }
            )
    for stop in walk.stops:
        del stop["vertex"]
    hose = assumed.hose_length_m
    distance_km = sum(s["distance_m"] for s in walk.stops) / 1000
    speed = float(settings.IMIS["VEHICLE_SPEED_KMH"])
    return {
        "definition": _(
            "The order and roads of the day's scheduled emptyings for one vehicle, from its "
            "depot to the jobs and the treatment plant and back, on roads at least %(width)s m "
            "wide (%(surfaces)s), within %(hose)s m of hose of each tank, without overfilling "
            "its %(capacity)s m³ tank. Distances are along the roads."
        )
        % {
            "width": _plain(assumed.width_m),
            "surfaces": _("any surface") if assumed.earthen else _("paved, brick or gravel"),
            "hose": _plain(hose),
            "capacity": _plain(vehicle.capacity_m3),
        },
        "vehicle": {
            "id": vehicle.pk,
            "registration": vehicle.registration,
            "provider": vehicle.provider.name,
            "capacity_m3": float(vehicle.capacity_m3),
            "width_m": assumed.width_m,
            "width_source": assumed.source,
        },
        "day": day.isoformat(),
        "hose_length_m": hose,
        "distance_km": round(distance_km, 2),
        "driving_hours": round(distance_km / speed, 1),
        "speed_kmh": speed,
        "over_a_day": distance_km / speed > settings.IMIS["WORKING_HOURS"],
        "jobs": len({s["request"] for s in walk.stops if s["kind"] == "job"}),
        "plant_trips": sum(1 for s in walk.stops if s["kind"] == "plant"),
        "stops": walk.stops,
        "route": {"type": "FeatureCollection", "features": features},
        "left_out": [_left_out(job, hose) for job in left_out],
        "network": {"built_at": network.built_at.isoformat(), "edges": network.edges},
    }


def _plain(value) -> str:
    """A measure as people write it: 40, 2.4, 3.5 (not 40.0 or 3.50), in the language's
    digits."""
    return digits(f"{float(value):g}")


def _left_out(job: Job, hose: float) -> dict[str, Any]:
    if job.vertex is None:
        reason = _(
            "No road this vehicle can use lies within the hose length (%(hose)s m) of the "
            "tank: manual emptying."
        ) % {"hose": _plain(hose)}
    else:
        reason = _("No road this vehicle can use joins the tank's road to the depot.")
    return {
        "request": job.request.pk,
        "containment": job.request.containment.code,
        "lon": job.lon,
        "lat": job.lat,
        "reason": reason,
    }
