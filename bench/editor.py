"""Benchmark: the map editor's save round trip and a record's page (issue 21).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/editor.py

The project's path is what the editor does: a PATCH of one building's attribute with its
If-Match ETag (the row locked, the ETag recomputed from the record as the API shows it, the
service's checks, the write with its history and dashboard triggers, the record rendered
back), and the building's page (/buildings/<BIN>/: the record, its households, links and
history). Both run through Django's full request stack in this process (middleware, session
login, scoping), so the times are the server's, without a network. The raw lower bound is the
same work as bare SQL: one UPDATE ... RETURNING the feature as GeoJSON, and one SELECT of the
feature with its history rows. Targets (issue 21): save under 300 ms, page under 200 ms, at
tier M.

Buildings are taken from the densest ward; each PATCH alternates the floor count between two
values, so the data is left as it was found (its history grows by the saves).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.towns import bench_town, officer_client, percentile95  # noqa: E402
from spatial.models import Building  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5")) * 10
SAVE_TARGET_MS, PAGE_TARGET_MS = 300, 200

_RAW_SAVE = """
    UPDATE spatial_building SET floor_count = %s, updated_at = now() WHERE id = %s
    RETURNING json_build_object('type', 'Feature', 'id', id,
        'geometry', ST_AsGeoJSON(geom, 7)::json, 'properties', to_jsonb(spatial_building)
        - 'geom')
"""
_RAW_PAGE = """
    SELECT json_build_object('type', 'Feature', 'id', b.id,
        'geometry', ST_AsGeoJSON(b.geom, 7)::json, 'properties', to_jsonb(b) - 'geom'),
        (SELECT json_agg(e ORDER BY e.pgh_created_at DESC) FROM (
            SELECT * FROM spatial_buildingevent WHERE pgh_obj_id = b.id
             ORDER BY pgh_created_at DESC LIMIT 20) e)
      FROM spatial_building b WHERE b.bin = %s AND b.municipality_id = %s
"""


def _officer(municipality) -> Client:
    return officer_client(municipality)


def _buildings(municipality, count: int) -> list[Building]:
    ward = (
        Building.objects.filter(municipality=municipality)
        .values("ward")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["ward"]
    )
    return list(Building.objects.filter(municipality=municipality, ward=ward)[:count])


def _timed(samples: list[float], keep: bool, work, *args, **kwargs):
    """Run `work(*args, **kwargs)`, adding its milliseconds to `samples` when `keep`; its
    answer."""
    started = time.perf_counter()
    answer = work(*args, **kwargs)
    if keep:
        samples.append((time.perf_counter() - started) * 1000)
    return answer


def _raw(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _check(answer, url: str) -> None:
    if answer.status_code != 200:
        raise SystemExit(f"{url}: {answer.status_code} {answer.content[:300]!r}")


def _median(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), percentile95(samples)


def main() -> None:
    municipality = bench_town()
    client = _officer(municipality)
    buildings = _buildings(municipality, REPEATS)
    saves, raw_saves, pages, raw_pages = [], [], [], []
    for index, building in enumerate(buildings):
        # The first of each warms the caches and is not counted.
        keep = index > 0
        url = reverse("spatial-api:building-detail", args=[building.pk])
        read = client.get(url)
        _check(read, url)
        floors = 3 if building.floor_count != 3 else 2
        body = json.dumps({"type": "Feature", "properties": {"floor_count": floors}})
        answer = _timed(
            saves,
            keep,
            client.patch,
            url,
            body,
            content_type="application/json",
            HTTP_IF_MATCH=read["ETag"],
        )
        _check(answer, url)
        _timed(raw_saves, keep, _raw, _RAW_SAVE, [building.floor_count, building.pk])
        page_url = reverse("record-buildings", args=[building.bin])
        _check(_timed(pages, keep, client.get, page_url), page_url)
        _timed(raw_pages, keep, _raw, _RAW_PAGE, [building.bin, municipality.pk])
    count = Building.objects.filter(municipality=municipality).count()
    print(f"map editor: save and record page, {count} buildings ({len(saves)} of each)")
    print(f"{'path':52} {'median ms':>10} {'p95 ms':>9} {'x raw':>7} {'target':>8}")
    for label, raw_label, project, raw, target in (
        (
            "save: PATCH with If-Match",
            "raw: UPDATE ... RETURNING",
            saves,
            raw_saves,
            SAVE_TARGET_MS,
        ),
        ("record page", "raw: SELECT feature and history", pages, raw_pages, PAGE_TARGET_MS),
    ):
        median, p95 = _median(project)
        raw_median, raw_p95 = _median(raw)
        verdict = "met" if p95 < target else "MISSED"
        print(f"{raw_label:52} {raw_median:10.1f} {raw_p95:9.1f} {1:7.2f}")
        print(
            f"{label:52} {median:10.1f} {p95:9.1f} {median / raw_median:7.2f} {verdict} <{target}"
        )


if __name__ == "__main__":
    main()
