"""A realistic mix of traffic for the load test (bench/load.py runs it): GIS officers panning
the map (vector tiles and a ward's buildings as GeoJSON), managers opening dashboards,
enumerators syncing survey submissions, and now and then an export started in the
background. Run by locust from its own virtualenv; the users' tokens and the town's
geometry come from the environment bench/load.py sets."""

# ruff: noqa: S311 (random choices of tiles and wards, not secrets)

import json
import math
import os
import random
import sys
from pathlib import Path

from locust import HttpUser, between, constant, task

# locust runs this file from its own virtualenv: its neighbour is found by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from field_submission import submission

TOKENS = json.loads(os.environ["IMIS_LOAD_TOKENS"])
TOWN = json.loads(os.environ["IMIS_LOAD_TOWN"])


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


class MapUser(HttpUser):
    """A GIS officer moving about the map."""

    weight = 5
    wait_time = between(0.5, 2)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {TOKENS['gis']}"

    @task(6)
    def tiles(self):
        west, south, east, north = TOWN["extent"]
        lon, lat = random.uniform(west, east), random.uniform(south, north)
        z = random.choice([14, 15, 16, 17])
        x, y = _tile(lon, lat, z)
        layer = "buildings" if z >= 14 else "roads"
        self.client.get(f"/tiles/{layer}/{z}/{x}/{y}.mvt", name=f"/tiles/{layer}/z{z}")
        self.client.get(f"/tiles/roads/{z}/{x}/{y}.mvt", name=f"/tiles/roads/z{z}")

    @task(1)
    def ward_buildings(self):
        ward = random.choice(TOWN["wards"])
        self.client.get(
            f"/api/v1/buildings/?ward={ward}&limit=5000", name="/api/v1/buildings/?ward"
        )


class ManagerUser(HttpUser):
    """An engineer or executive on the dashboards."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {TOKENS['executive']}"

    @task(2)
    def ward_map(self):
        self.client.get("/api/v1/dashboards/wards/", name="/api/v1/dashboards/wards/")

    @task(1)
    def overview(self):
        self.client.get("/api/v1/dashboards/overview/", name="/api/v1/dashboards/overview/")


class EnumeratorUser(HttpUser):
    """A field app syncing, sometimes sending the same submission twice."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {TOKENS['enumerator']}"

    @task
    def submit(self):
        west, south, east, north = TOWN["assigned_extent"]
        body = submission(
            TOWN["campaign"], random.uniform(west, east), random.uniform(south, north)
        )
        self.client.post(
            "/api/v1/surveys/submissions/", json=body, name="/api/v1/surveys/submissions/"
        )
        if random.random() < 0.2:  # the app resends after a lost answer
            self.client.post("/api/v1/surveys/submissions/", json=body, name="resend")


class ExportUser(HttpUser):
    """Once in a while, an export of a ward in the background."""

    weight = 1
    wait_time = between(10, 30)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {TOKENS['gis']}"

    @task
    def export(self):
        ward = random.choice(TOWN["wards"])
        body = {"layer": "buildings", "format": "gpkg", "ward": ward}
        self.client.post("/api/v1/jobs/exports/", json=body, name="/api/v1/jobs/exports/")


class IngestUser(EnumeratorUser):
    """Survey ingest at full speed (no pause between submissions): `LOAD_MIX=ingest
    bench/load.py` runs only this class, to measure submissions per second; the mixed run
    names its classes and leaves this one out."""

    weight = 1
    wait_time = constant(0)
