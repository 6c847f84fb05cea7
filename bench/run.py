"""Benchmarks: the project's path against raw PostGIS and a naive serializer, same data,
one run, ratios printed.

    make bench                      # 150,000 buildings (tier M)
    BENCH_BUILDINGS=20000 make bench

Generates the bench municipality once (code `bench-<N>-g<generator version>`), reports how
long that took, then times the densest ward's buildings as GeoJSON three ways:
  raw SQL     the same features rendered by PostGIS and aggregated in one statement
  project     GET /api/v1/buildings/?ward=...  (auth, scoping, count, streamed response)
  naive       djangorestframework-gis GeoFeatureModelSerializer over the same queryset
  tipg        the peer a user might pick instead (bench/peers.py), same table, over HTTP
and the densest z14 and a z17 buildings tile: the view, the raw ST_AsMVT query, tipg's tile
(tipg stops at TIPG_MAX_FEATURES_PER_TILE, 10,000 by default: compare the sizes too).
Set BENCH_PEERS=0 to leave tipg out (it is installed into .local/bench-peers/ on first use).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402
from rest_framework_gis.serializers import GeoFeatureModelSerializer  # noqa: E402

from bench.peers import get, tipg_server  # noqa: E402
from bench.towns import (  # noqa: E402
    bench_code,
    bench_tiles,
    drop_old_versions,
    percentile95,
    raw_tile,
)
from core.features import LayerQuery  # noqa: E402
from fixtures import demo  # noqa: E402
from fixtures.demo_version import GENERATOR_VERSION  # noqa: E402
from spatial.layers import BUILDINGS  # noqa: E402
from spatial.models import Building, Municipality  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))


class NaiveBuildingSerializer(GeoFeatureModelSerializer):
    """The peer: how a DRF project commonly renders a layer (a model instance and a
    serializer per feature), with the building's properties."""

    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ward_number = serializers.IntegerField(source="ward.number", read_only=True, default=None)
    population = serializers.IntegerField(read_only=True)

    class Meta:
        model = Building
        geo_field = "geom"
        fields = [
            "id", "municipality", "bin", "holding_number", "ward", "ward_number",
            "main_building", "access_road", "structure_type", "functional_use",
            "use_subcategory", "floor_count", "construction_year", "household_count",
            "population", "population_male", "population_female", "population_other",
            "population_disabled", "water_source", "has_toilet", "toilet_count",
            "vacutug_accessible", "low_income_community", "footprint_area_m2", "geom",
        ]  # fmt: skip


def timed(fn, repeats: int = REPEATS) -> tuple[float, float, int]:
    fn()  # warm-up
    samples, size = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        size = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile95(samples), size


def main() -> None:
    setup_test_environment()
    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    code = bench_code(buildings)
    print(f"municipality {code} (demo generator version {GENERATOR_VERSION})")
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        drop_old_versions(buildings)
        result = demo.generate(buildings=buildings, seed=7, code=code)
        municipality = result.municipality
        print(f"generate_demo --buildings {buildings}: {result.seconds:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ward_id, count(*) FROM spatial_building WHERE municipality_id = %s "
            "GROUP BY ward_id ORDER BY 2 DESC LIMIT 1",
            [municipality.pk],
        )
        ward_id, ward_count = cursor.fetchone()
    print(f"densest ward: {ward_count} buildings of {buildings}")

    query = LayerQuery(municipality_ids=[municipality.pk], ward_id=ward_id, limit=100_000)
    where, params = query.where(BUILDINGS)
    raw_sql = (
        'SELECT \'{"type":"FeatureCollection","features":[\' || '
        f"coalesce(string_agg(f, ',' ORDER BY id), '') || ']}}' FROM ("
        f"SELECT t.id, {BUILDINGS.feature_sql()} AS f FROM {BUILDINGS.table} t {BUILDINGS.joins}"
        f" WHERE {where}) s"
    )

    def raw() -> int:
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, params)
            return len(cursor.fetchone()[0])

    user = get_user_model().objects.filter(is_superuser=True).first() or (
        get_user_model().objects.create_superuser("bench", password="bench-only")  # noqa: S106
    )
    client = Client()
    client.force_login(user)
    url = f"/api/v1/buildings/?ward={ward_id}&limit=100000"

    def project() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"project path answered {response.status_code}")
        return sum(len(chunk) for chunk in response.streaming_content)

    def naive() -> int:
        queryset = Building.objects.filter(ward_id=ward_id).select_related("municipality", "ward")
        return len(JSONRenderer().render(NaiveBuildingSerializer(queryset, many=True).data))

    def ogc() -> int:
        response = client.get(f"/ogc/collections/buildings/items?ward={ward_id}&limit=100000")
        if response.status_code != 200:
            raise RuntimeError(f"OGC path answered {response.status_code}")
        return sum(len(chunk) for chunk in response.streaming_content)

    rows = [
        ("raw SQL", *timed(raw)),
        ("project /api/v1", *timed(project)),
        ("project /ogc", *timed(ogc)),
        ("naive serializer", *timed(naive, max(3, REPEATS // 2))),
    ]
    with contextlib.ExitStack() as stack:
        peer = None
        if os.environ.get("BENCH_PEERS", "1") != "0":
            peer = stack.enter_context(tipg_server(["public.spatial_building"]))
            items = f"{peer}/collections/public.spatial_building/items"

            def tipg() -> int:
                return len(get(f"{items}?ward_id={ward_id}&limit=100000"))

            rows.append(("tipg (HTTP)", *timed(tipg)))
        report(rows, ward_count)
        tiles(client, municipality, peer)


def report(rows, ward_count) -> None:
    base = rows[0][1]
    print(f"\nbuildings of the densest ward as GeoJSON ({ward_count} features)")
    print(f"{'path':<18}{'median ms':>11}{'p95 ms':>9}{'MB':>7}{'x raw':>8}")
    for name, median, p95, size in rows:
        print(f"{name:<18}{median:>11.1f}{p95:>9.1f}{size / 1e6:>7.1f}{median / base:>8.2f}")
    print(f"\nproject is {rows[3][1] / rows[1][1]:.1f}x faster than the naive serializer")
    if len(rows) > 4:
        print(f"project /ogc is {rows[4][1] / rows[2][1]:.1f}x faster than tipg")


def tiles(client, municipality, peer: str | None) -> None:
    """The densest z14 tile and a z17 tile inside it: the view vs the raw ST_AsMVT query."""
    print("\nvector tiles (buildings)")
    header = f"{'tile':<18}{'view ms':>10}{'raw ms':>9}{'x raw':>8}{'KB':>7}"
    print(header + f"{'tipg ms':>9}{'tipg KB':>9}")
    for z, x, y in bench_tiles(municipality):

        def raw(z=z, x=x, y=y) -> int:
            return raw_tile(z, x, y)

        def view_tile(z=z, x=x, y=y) -> int:
            return len(client.get(f"/tiles/buildings/{z}/{x}/{y}.mvt").content)

        def peer_tile(z=z, x=x, y=y) -> int:
            url = f"{peer}/collections/public.spatial_building/tiles/WebMercatorQuad/{z}/{x}/{y}"
            return len(get(url))

        view_median, _p95, size = timed(view_tile)
        raw_median, _p95, _size = timed(raw)
        if peer:
            peer_ms, _p95, peer_size = timed(peer_tile)
            peer_median = f"{peer_ms:>9.1f}{peer_size / 1024:>9.0f}"
        else:
            peer_median = f"{'-':>9}{'-':>9}"
        print(
            f"{f'z{z}/{x}/{y}':<18}{view_median:>10.1f}{raw_median:>9.1f}"
            f"{view_median / raw_median:>8.2f}{size / 1024:>7.0f}{peer_median}"
        )


if __name__ == "__main__":
    main()
