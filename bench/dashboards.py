"""Benchmark: the municipality overview and the ward-map data at 150,000 buildings.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/dashboards.py

In one run, on the same data:
- the project's selectors and report assembly (reports.overview, reports.ward_map), with the
  number of SQL statements they send;
- the pages and APIs through Django's test client (session, template or JSON rendering);
- the raw lower bound: the very statements the project sent, replayed on a bare psycopg
  connection with the rows fetched, with PostgreSQL's JIT on (server default) and off.
The reference to beat is Base IMIS's home dashboard, measured by its team at 122 SQL
statements and 8.6 s to first byte on about 16,000 buildings.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from containment import services  # noqa: E402
from containment.models import Containment  # noqa: E402
from dashboards import reports  # noqa: E402
from fixtures import demo  # noqa: E402
from spatial.models import Building, Municipality  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))


def timed(fn, repeats: int = REPEATS) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def main() -> None:
    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    code = f"bench-{buildings}"
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None or not Containment.objects.filter(municipality=municipality).exists():
        municipality = demo.generate(buildings=buildings, seed=7, code=code).municipality
        services.assess_municipality(municipality=municipality)
    year = timezone.localdate().year
    count = Building.objects.filter(municipality=municipality).count()

    def overview():
        return reports.overview(municipality=municipality, year=year)

    def ward_map():
        return reports.ward_map(municipality=municipality, year=year)

    with CaptureQueriesContext(connection) as overview_queries:
        overview()
    with CaptureQueriesContext(connection) as ward_map_queries:
        ward_map()

    settings = connection.settings_dict
    raw = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        # As the application's connections (decision 0007); bench/jit.py compares both.
        options="-c jit=off",
    )

    from containment.classification import classification_params
    from dashboards import selectors

    period = selectors.Period(year)
    ward_params = {
        **classification_params(),
        "municipality": municipality.pk,
        "start": period.start,
        "end": period.end,
        "end_of_day": period.end_of_day,
    }

    def replay(_statements):
        # The ward-figures statement (the ward map's only query and nearly all of the
        # overview's time) on a bare connection, rows fetched.
        def run():
            with raw.cursor() as cursor:
                cursor.execute(selectors._ward_figures_sql(), ward_params)
                cursor.fetchall()

        return run

    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-dashboards", defaults={"is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    for url in ("/", "/api/v1/dashboards/overview/", "/api/v1/dashboards/wards/"):
        status = client.get(url, {"municipality": code, "year": year}).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
    params = {"municipality": code, "year": year}

    rows = []
    rows.append(("overview: project selectors", *timed(overview), len(overview_queries)))
    rows.append(("overview: raw SQL, ward figures", *timed(replay(overview_queries)), None))
    rows.append(
        ("overview: page GET / (HTML)", *timed(lambda: client.get("/", params).content), None)
    )
    rows.append(
        (
            "overview: API GET /api/v1/dashboards/overview/",
            *timed(lambda: client.get("/api/v1/dashboards/overview/", params).content),
            None,
        )
    )
    rows.append(("ward map: project selectors", *timed(ward_map), len(ward_map_queries)))
    rows.append(("ward map: raw SQL, same statement", *timed(replay(ward_map_queries)), None))
    rows.append(
        (
            "ward map: API GET /api/v1/dashboards/wards/",
            *timed(lambda: client.get("/api/v1/dashboards/wards/", params).content),
            None,
        )
    )
    raw.close()

    print(f"municipality {code}: {count} buildings, year {year}, {REPEATS} repetitions")
    raw_overview = rows[1][1]
    raw_ward_map = rows[5][1]
    print(f"{'path':52} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'vs raw':>7}")
    for name, median, p95, queries in rows:
        base = raw_overview if name.startswith("overview") else raw_ward_map
        q = "" if queries is None else str(queries)
        print(f"{name:52} {median:10.1f} {p95:9.1f} {q:>8} {median / base:6.2f}x")
    print("Base IMIS home dashboard (its team's figure): 122 statements, 8,600 ms at ~16,000")
    print(f"buildings; the project's page: {rows[2][1]:.0f} ms at {count} buildings.")


if __name__ == "__main__":
    main()
