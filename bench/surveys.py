"""Benchmark: field-submission ingest, one request per submission vs the batch endpoint,
through the project's whole path (auth, validation, matching, flags, idempotency check),
beside the issue's baseline, a plain DRF create view on the same table. Prints the rate,
median and p95 of each.

    .venv/bin/python bench/surveys.py            # 2,000 submissions each way

Runs on the demo municipality (generated when missing) inside a transaction that is rolled
back, so nothing is left behind.
"""

from __future__ import annotations

import json
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.towns import bench_campaign, percentile95  # noqa: E402
from core.models import Membership  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from fixtures import demo  # noqa: E402
from spatial.models import Building, Municipality  # noqa: E402

COUNT = int(os.environ.get("BENCH_SUBMISSIONS", "2000"))
BATCH = 200


def payloads(campaign, buildings):
    for building in buildings:
        centre = building.geom.point_on_surface
        yield {
            "client_uuid": str(uuid.uuid4()),
            "campaign": campaign.pk,
            "device_time": "2026-07-15T10:30:00+06:00",
            "geometry": {"type": "Point", "coordinates": [centre.x, centre.y]},
            "gps_accuracy_m": 6.0,
            "answers": {
                "floor_count": 2,
                "functional_use": "residential",
                "household_count": 1,
                "has_toilet": True,
                "containment_type": "septic_tank",
                "outlet": "open_drain",
            },
        }


def main() -> None:
    setup_test_environment()
    municipality = Municipality.objects.filter(code=demo.DEFAULT_CODE).first()
    if municipality is None:
        municipality = demo.generate(buildings=20_000, seed=42).municipality
    buildings = list(Building.objects.filter(municipality=municipality).order_by("?")[: 3 * COUNT])
    with transaction.atomic():
        enumerator = get_user_model().objects.create_user("bench-enumerator")
        # Only the municipality's enumerators may be assigned to its wards.
        Membership.objects.create(
            user=enumerator, municipality=municipality, role=MembershipRole.ENUMERATOR
        )
        campaign = bench_campaign(municipality, enumerator, "bench")
        client = Client()
        client.force_login(enumerator)
        singles = list(payloads(campaign, buildings[:COUNT]))
        batches = list(payloads(campaign, buildings[COUNT : 2 * COUNT]))
        plain = list(payloads(campaign, buildings[2 * COUNT :]))

        def post(url, body):
            return client.post(url, json.dumps(body), content_type="application/json")

        single = timed_requests(
            singles, lambda body: post("/api/v1/surveys/submissions/", body), expect=201
        )
        batch = timed_requests(
            [batches[k : k + BATCH] for k in range(0, len(batches), BATCH)],
            lambda chunk: post("/api/v1/surveys/submissions/batch/", {"submissions": chunk}),
            expect=200,
        )
        resend = timed_requests(
            singles[:500], lambda body: post("/api/v1/surveys/submissions/", body), expect=200
        )
        naive = timed_requests(plain, plain_create_view(client), expect=201)
        transaction.set_rollback(True)
    print(f"{COUNT} submissions each way, in-process through Django's test client")
    print(f"{'path':44}{'per s':>8}{'median ms':>11}{'p95 ms':>9}")
    rows = [
        ("plain DRF create view (no checks, no match)", naive, 1),
        ("project: one request per submission", single, 1),
        (f"project: batches of {BATCH}", batch, BATCH),
        ("project: resends acknowledged", resend, 1),
    ]
    for name, (seconds, samples), per_request in rows:
        count = len(samples) * per_request
        print(
            f"{name:44}{count / seconds:>8.0f}{statistics.median(samples):>11.1f}"
            f"{percentile95(samples):>9.1f}"
        )
    print("(batch latencies are per request of 200 submissions)")


def timed_requests(bodies, send, *, expect: int) -> tuple[float, list[float]]:
    samples = []
    started = time.perf_counter()
    for body in bodies:
        start = time.perf_counter()
        response = send(body)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != expect:
            raise RuntimeError(response.content[:500])
    return time.perf_counter() - started, samples


def plain_create_view(client):
    """The baseline the issue names: a plain DRF create view over the same table (fields
    stored as sent; no idempotency, assignment, boundary or matching checks), served
    through the same middleware as the project's views (bench/plain_urls.py)."""

    def send(body):
        with override_settings(ROOT_URLCONF="bench.plain_urls"):
            return client.post("/plain/submissions/", json.dumps(body),
                               content_type="application/json")  # fmt: skip

    return send


if __name__ == "__main__":
    main()
