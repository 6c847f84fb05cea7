"""Benchmark: the field app's offline package of the densest ward (issue 23): its size and
the time to build it.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/field_package.py

The project's path is GET /api/v1/surveys/campaigns/<id>/package/?ward= through Django's
whole request stack, in this process, as the enumerator assigned to the ward (the body read
to its end); the raw baseline is the bare GeoJSON of the same buildings and roads
(ST_AsGeoJSON with their ids, no answers or households) in one SELECT. Sizes are the body's
bytes and what gzip (as nginx sends it, level 1 and 6) makes of them.
"""

from __future__ import annotations

import datetime as dt
import gzip
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

from bench.towns import bench_town, bench_user, percentile95  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from spatial.models import Ward  # noqa: E402
from surveys import services  # noqa: E402
from surveys.models import SurveyCampaign  # noqa: E402
from surveys.questionnaire import VERSION  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))

RAW = """
SELECT json_build_object(
  'buildings', (SELECT json_agg(json_build_object('id', b.id,
                 'geometry', ST_AsGeoJSON(b.geom, 6)::json)) FROM spatial_building b
                WHERE b.ward_id = %(ward)s AND b.retired_at IS NULL),
  'roads', (SELECT json_agg(json_build_object('id', r.id,
              'geometry', ST_AsGeoJSON(r.geom, 6)::json)) FROM spatial_road r, spatial_ward w
            WHERE w.id = %(ward)s AND ST_Intersects(r.geom, w.geom)))::text
"""


def assigned_ward(municipality):
    """The bench enumerator, assigned to the densest ward in the bench campaign (made once):
    (user, campaign, ward)."""
    ward = (
        Ward.objects.filter(municipality=municipality)
        .annotate(n=Count("buildings"))
        .order_by("-n")
        .first()
    )
    user = bench_user(municipality, "bench-enumerator", MembershipRole.ENUMERATOR)
    campaign = SurveyCampaign.objects.filter(municipality=municipality, name="bench").first()
    if campaign is None:
        today = dt.datetime.now(tz=dt.UTC).date()
        campaign = services.campaign_create(
            municipality=municipality, name="bench", starts_on=today,
            ends_on=today + dt.timedelta(days=90), questionnaire_version=VERSION,
            wards=[ward],
        )  # fmt: skip
    campaign.wards.add(ward)
    services.assignment_create(campaign=campaign, enumerator=user, ward=ward)
    return user, campaign, ward


def main() -> None:
    municipality = bench_town()
    user, campaign, ward = assigned_ward(municipality)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/api/v1/surveys/campaigns/{campaign.pk}/package/?ward={ward.pk}"

    project, raw, body, raw_body = [], [], b"", ""
    for _ in range(REPEATS + 1):
        started = time.perf_counter()
        response = client.get(url)
        body = response.content
        project.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"package: {response.status_code} {body[:200]}")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW, {"ward": ward.pk})
            raw_body = cursor.fetchone()[0]
        raw.append((time.perf_counter() - started) * 1000)
    project, raw = project[1:], raw[1:]
    print(f"field package, densest ward ({ward.n} buildings), {REPEATS} runs")
    print(f"{'path':40} {'median ms':>10} {'p95 ms':>8} {'MB':>7} {'gzip-1':>7} {'gzip-6':>7}")
    for label, samples, data in (
        ("raw: bare GeoJSON of the same features", raw, raw_body.encode()),
        ("project: the ward's package over HTTP", project, body),
    ):
        sizes = [len(data), len(gzip.compress(data, 1)), len(gzip.compress(data, 6))]
        print(
            f"{label:40} {statistics.median(samples):10.0f} {percentile95(samples):8.0f}"
            + "".join(f" {size / 1e6:7.2f}" for size in sizes)
        )
    print(f"ratio (median): {statistics.median(project) / statistics.median(raw):.2f}x")


if __name__ == "__main__":
    main()
