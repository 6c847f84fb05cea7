"""Benchmark: the supervisor's review queue at 10,000 pending submissions (issue 24: under
300 ms of server time at tier M).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/review_queue.py

10,000 pending submissions of the bench campaign's densest ward are stored once (one per
building, a tenth of them flagged for a rough GPS fix) and removed at the end. The project's
path is GET /api/v1/surveys/submissions/ with the queue's filters through Django's whole
request stack, in this process, as the ward's supervisor; the raw baseline is the page's
rows and count in two hand-written SELECTs with the same filter and order.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.field_package import assigned_ward  # noqa: E402
from bench.towns import bench_town, bench_user, percentile95  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from spatial.models import Building  # noqa: E402
from surveys.models import Submission  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5")) * 2
PENDING = 10_000
TARGET_MS = 300

RAW_ROWS = """
SELECT s.id, s.client_uuid, s.status, s.device_time, s.received_at, ST_X(s.geom), ST_Y(s.geom),
       s.gps_accuracy_m, s.ward_id, w.number, s.building_id, b.bin, s.match_kind,
       s.match_distance_m, s.flags, s.answers, u.username
  FROM surveys_submission s
  JOIN auth_user u ON u.id = s.enumerator_id
  LEFT JOIN spatial_ward w ON w.id = s.ward_id
  LEFT JOIN spatial_building b ON b.id = s.building_id
 WHERE s.campaign_id = %(campaign)s AND s.status = 'pending' AND s.ward_id = %(ward)s {extra}
 ORDER BY {order} LIMIT 100
"""
RAW_COUNT = """
SELECT count(*) FROM surveys_submission s
 WHERE s.campaign_id = %(campaign)s AND s.status = 'pending' AND s.ward_id = %(ward)s {extra}
"""


def _store(campaign, ward, enumerator) -> None:
    buildings = list(
        Building.objects.filter(ward=ward, retired_at__isnull=True).order_by("id")[:PENDING]
    )
    now = dt.datetime.now(tz=dt.UTC)
    rows = []
    for n, building in enumerate(buildings):
        point = building.geom.point_on_surface
        rows.append(
            Submission(
                campaign=campaign, enumerator=enumerator, client_uuid=uuid.uuid4(),
                payload_sha256="bench", answers={"floor_count": 1 + n % 4},
                device_time=now - dt.timedelta(minutes=n), geom=point,
                gps_accuracy_m=80.0 if n % 10 == 0 else 5.0, ward=ward, building=building,
                match_kind="inside", match_distance_m=0.0,
                flags=["poor_accuracy"] if n % 10 == 0 else [],
            )
        )  # fmt: skip
    Submission.objects.bulk_create(rows, batch_size=2000)


def _timed(call) -> list[float]:
    samples = []
    for _ in range(REPEATS + 1):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples[1:]


def main() -> None:
    municipality = bench_town()
    enumerator, campaign, ward = assigned_ward(municipality)
    supervisor = bench_user(municipality, "bench-supervisor", MembershipRole.SURVEY_SUPERVISOR)
    Submission.objects.filter(campaign=campaign).delete()
    _store(campaign, ward, enumerator)
    client = Client(HTTP_HOST="localhost")
    client.force_login(supervisor)
    base = {"campaign": campaign.pk, "status": "pending", "ward": ward.pk}
    cases = [
        ("newest first, first page", {}, "", "s.received_at DESC, s.id DESC"),
        ("clean ones only", {"flag": "none"}, "AND s.flags = '{}'",
         "s.received_at DESC, s.id DESC"),
        ("by enumerator, page 50", {"sort": "enumerator", "offset": 4900}, "",
         "u.username, s.received_at, s.id"),
    ]  # fmt: skip
    try:
        print(f"review queue, {PENDING} pending in one ward ({REPEATS} runs)")
        print(
            f"{'case':30} {'median ms':>10} {'p95 ms':>8} {'raw ms':>8} {'x raw':>7} {'target':>8}"
        )
        for label, params, extra, order in cases:

            def project(params=params, label=label):
                answer = client.get("/api/v1/surveys/submissions/", {**base, **params})
                if answer.status_code != 200:
                    raise SystemExit(f"{label}: {answer.status_code} {answer.content[:200]}")

            def raw(extra=extra, order=order):
                with connection.cursor() as cursor:
                    values = {"campaign": campaign.pk, "ward": ward.pk}
                    cursor.execute(RAW_COUNT.format(extra=extra), values)
                    cursor.fetchone()
                    cursor.execute(RAW_ROWS.format(extra=extra, order=order), values)
                    cursor.fetchall()

            ours, theirs = _timed(project), _timed(raw)
            median, p95 = statistics.median(ours), percentile95(ours)
            verdict = "met" if p95 < TARGET_MS else "MISSED"
            print(
                f"{label:30} {median:10.1f} {p95:8.1f} {statistics.median(theirs):8.1f}"
                f" {median / statistics.median(theirs):7.2f} {verdict} <{TARGET_MS}"
            )
    finally:
        Submission.objects.filter(campaign=campaign).delete()


if __name__ == "__main__":
    main()
