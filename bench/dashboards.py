"""Benchmark: the municipality overview and the ward-map data at 150,000 buildings.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/dashboards.py

In one run, on the same data:
- the project's selectors and report assembly (reports.overview, reports.ward_map), with the
  number of SQL statements they send;
- the pages and APIs through Django's test client (session, template or JSON rendering);
- the raw lower bound: the very statements the project sent, replayed on a bare psycopg
  connection with the rows fetched (JIT off, as the application's connections).
With the stored figures current (dashboards/stored.py), and after a change before every read,
so that each read recomputes: a change in one ward (one building updated, as a survey
approval or an edit would), which recomputes that ward's figures alone, with that ward's
statement as the lower bound; and a change in every ward (a treatment plant updated), which
recomputes them all, with the whole ward-figures statement as the lower bound.
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
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.towns import bench_town, percentile95  # noqa: E402
from containment.models import TreatmentPlant  # noqa: E402
from dashboards import reports  # noqa: E402
from spatial.models import Building  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))


def timed(fn, repeats: int = REPEATS) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile95(samples)


def main() -> None:
    municipality = bench_town(assessed=True)
    code = municipality.code
    year = timezone.localdate().year
    count = Building.objects.filter(municipality=municipality).count()

    def overview():
        return reports.overview(municipality=municipality, year=year)

    def ward_map():
        return reports.ward_map(municipality=municipality, year=year)

    # One building touched, as a survey approval or an edit would: the next read recomputes.
    touched = Building.objects.filter(municipality=municipality).order_by("pk").first()

    def touch():
        Building.objects.filter(pk=touched.pk).update(household_count=F("household_count"))

    def overview_after_a_change():
        touch()
        return overview()

    def ward_map_after_a_change():
        touch()
        return ward_map()

    plant = TreatmentPlant.objects.filter(municipality=municipality).first()

    def ward_map_after_a_change_everywhere():
        # A plant's row is read by every ward's figures: the next read recomputes all wards.
        TreatmentPlant.objects.filter(pk=plant.pk).update(name=F("name"))
        return ward_map()

    overview()
    with CaptureQueriesContext(connection) as overview_queries:
        overview()
    with CaptureQueriesContext(connection) as ward_map_queries:
        ward_map()
    touch()
    with CaptureQueriesContext(connection) as recompute_queries:
        overview()
    # Read now: the test client's requests reset Django's query log.
    stored_reads = [q["sql"] for q in overview_queries.captured_queries]
    counts = {
        "overview": len(overview_queries),
        "ward map": len(ward_map_queries),
        "recompute": len(recompute_queries),
    }

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
    from dashboards import figures_sql, selectors

    period = selectors.Period(year)
    ward_params = {
        **classification_params(),
        "municipality": municipality.pk,
        "start": period.start,
        "end": period.end,
        "end_of_day": period.end_of_day,
    }

    def raw_stored(statements):
        # The stored reads the project sent, replayed as sent (parameters inlined by Django's
        # query log), rows fetched.
        def run():
            with raw.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        return run

    def raw_compute_ward():
        # The touched building's ward alone (what a change there recomputes).
        with raw.cursor() as cursor:
            cursor.execute(
                figures_sql.ward_figures_sql(by_ward=True),
                {**ward_params, "wards": [touched.ward_id]},
            )
            cursor.fetchall()

    def raw_compute():
        # The ward-figures statement (the ward map's data, and nearly all of the overview's
        # computation) on a bare connection, rows fetched.
        with raw.cursor() as cursor:
            cursor.execute(figures_sql.ward_figures_sql(), ward_params)
            cursor.fetchall()

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

    def page():
        return client.get("/", params).content

    def overview_api():
        return client.get("/api/v1/dashboards/overview/", params).content

    def ward_map_api():
        return client.get("/api/v1/dashboards/wards/", params).content

    # (group, name, timing, queries): each group's first row is its raw lower bound.
    rows = [
        ("stored", "overview: raw SQL, the 3 stored reads", timed(raw_stored(stored_reads)), None),
        ("stored", "overview: project selectors", timed(overview), counts["overview"]),
        ("stored", "overview: page GET / (HTML)", timed(page), None),
        ("stored", "overview: API GET /api/v1/dashboards/overview/", timed(overview_api), None),
        (
            "stored-map",
            "ward map: raw SQL, the stored read",
            timed(raw_stored(stored_reads[:1])),
            None,
        ),
        ("stored-map", "ward map: project selectors", timed(ward_map), counts["ward map"]),
        ("stored-map", "ward map: API GET /api/v1/dashboards/wards/", timed(ward_map_api), None),
        ("changed", "one ward changed: raw SQL, its figures", timed(raw_compute_ward), None),
        (
            "changed",
            "one ward changed: overview selectors",
            timed(overview_after_a_change),
            counts["recompute"],
        ),
        ("changed", "one ward changed: ward map selectors", timed(ward_map_after_a_change), None),
        ("changed-all", "every ward changed: raw SQL, ward figures", timed(raw_compute), None),
        (
            "changed-all",
            "every ward changed: ward map selectors",
            timed(ward_map_after_a_change_everywhere),
            None,
        ),
    ]
    raw.close()

    print(f"municipality {code}: {count} buildings, year {year}, {REPEATS} repetitions")
    print("stored: figures current (no write since they were computed)")
    print("one ward changed: one building updated before each read; that ward is recomputed")
    print("every ward changed: a treatment plant updated before each read; all are recomputed")
    print(f"{'path':52} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'vs raw':>7}")
    base = {}
    for group, name, (median, p95), queries in rows:
        base.setdefault(group, median)
        q = "" if queries is None else str(queries)
        print(f"{name:52} {median:10.1f} {p95:9.1f} {q:>8} {median / base[group]:6.2f}x")
    print("Base IMIS home dashboard (its team's figure): 122 statements, 8,600 ms at ~16,000")
    print(f"buildings; the project's page: {rows[2][2][0]:.0f} ms at {count} buildings.")


if __name__ == "__main__":
    main()
