"""What the benchmarks share: the bench municipality of a tier, and the 95th percentile they print.
Imported after django.setup()."""

from __future__ import annotations

import os
import time

from fixtures.demo_version import GENERATOR_VERSION


def bench_code(buildings: int | None = None, town: int = 1) -> str:
    """The code of a tier's bench municipality (the `town`-th of a multi-town tier), named
    after the demo generator's version: a new layout is a new town, never the old one
    measured again under the new one's name."""
    if buildings is None:
        buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    return f"bench-{buildings}-g{GENERATOR_VERSION}" + (f"-{town}" if town > 1 else "")


def drop_old_versions(buildings: int) -> None:
    """Remove the bench towns of this size that an earlier generator version laid."""
    from fixtures import demo
    from spatial.models import Municipality

    current = bench_code(buildings)
    old = Municipality.objects.filter(code__regex=rf"^bench-{buildings}(-g[0-9]+)?(-[0-9]+)?$")
    for code in old.exclude(code__startswith=current).values_list("code", flat=True):
        print(f"removing {code}: laid by an earlier demo generator version", flush=True)
        demo.purge(code)


def bench_town(*, assessed: bool = False):
    """The municipality `bench-<BENCH_BUILDINGS>-g<version>` with its containments,
    generated (seed 7) when missing, after removing the towns of earlier generator
    versions; `assessed` also runs the compliance assessment after generating it."""
    from containment import services
    from containment.models import Containment
    from fixtures import demo
    from spatial.models import Municipality

    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    code = bench_code(buildings)
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None or not Containment.objects.filter(municipality=municipality).exists():
        drop_old_versions(buildings)
        municipality = demo.generate(buildings=buildings, seed=7, code=code).municipality
        print(f"generated {code} (demo generator version {GENERATOR_VERSION})", flush=True)
        if assessed:
            services.assess_municipality(municipality=municipality)
    return municipality


def best_of(run, repeats: int = 3) -> tuple[float, object]:
    """The fastest of `repeats` runs of `run()` in seconds, and the last run's result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def percentile95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench_user(municipality, username: str, role):
    """A user of the bench town holding `role` there (made once)."""
    from django.contrib.auth import get_user_model

    from core.models import Membership

    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, municipality=municipality, role=role)
    return user


def bench_campaign(municipality, enumerator, name: str):
    """A survey campaign of the whole town for 2026 (the building questionnaire), with
    `enumerator` assigned to every ward."""
    import datetime as dt

    from spatial.models import Ward
    from surveys import services

    wards = list(Ward.objects.filter(municipality=municipality))
    campaign = services.campaign_create(
        municipality=municipality,
        name=name,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        wards=wards,
        questionnaire_version="building-v1",
    )
    for ward in wards:
        services.assignment_create(campaign=campaign, enumerator=enumerator, ward=ward)
    return campaign


def officer_client(municipality):
    """A test client (Django's whole request stack, in process) logged in as the bench
    town's GIS officer."""
    from django.test import Client

    from core.roles import MembershipRole

    client = Client(HTTP_HOST="localhost")
    client.force_login(bench_user(municipality, "bench-gis-officer", MembershipRole.GIS_OFFICER))
    return client


def densest_ward(municipality) -> tuple[int, int]:
    """(id, buildings) of the ward with the most buildings."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ward_id, count(*) FROM spatial_building WHERE municipality_id = %s "
            "GROUP BY ward_id ORDER BY 2 DESC LIMIT 1",
            [municipality.pk],
        )
        return cursor.fetchone()


def bench_tiles(municipality) -> list[tuple[int, int, int]]:
    """The z14 tile at the centre of the town's buildings (the densest) and the z17 tile
    inside it, as (z, x, y)."""
    import math

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(ST_Centroid(geom))) c"
            " FROM spatial_building WHERE municipality_id = %s) s",
            [municipality.pk],
        )
        lon, lat = cursor.fetchone()
    tiles = []
    for z in (14, 17):
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        tiles.append((z, x, y))
    return tiles


def raw_tile(z: int, x: int, y: int) -> int:
    """The raw lower bound of a buildings tile: the project's own ST_AsMVT statement run
    directly, unscoped. Returns its size in bytes."""
    from django.db import connection

    from core import registry
    from core.tiles import tile_layer, tile_sql

    sql = tile_sql(tile_layer(registry.get("buildings")), z, scoped=False)
    margin = 40_075_016.68 / 2**z * 64 / 4096
    values = {"z": z, "x": x, "y": y, "name": "buildings", "margin": margin, "municipalities": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return len(cursor.fetchone()[0] or b"")
