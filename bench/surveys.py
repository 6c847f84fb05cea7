"""Benchmark: field-submission ingest, one request per submission vs the batch endpoint,
through the project's whole path (auth, validation, matching, flags, idempotency check).

    .venv/bin/python bench/surveys.py            # 2,000 submissions each way

Runs on the demo municipality (generated when missing) inside a transaction that is rolled
back, so nothing is left behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from fixtures import demo  # noqa: E402
from spatial.models import Building, Municipality, Ward  # noqa: E402
from surveys import services  # noqa: E402

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
    buildings = list(Building.objects.filter(municipality=municipality).order_by("?")[: 2 * COUNT])
    with transaction.atomic():
        enumerator = get_user_model().objects.create_user("bench-enumerator")
        wards = list(Ward.objects.filter(municipality=municipality))
        campaign = services.campaign_create(
            municipality=municipality,
            name="bench",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
            wards=wards,
            questionnaire_version="building-v1",
        )
        for ward in wards:
            services.assignment_create(campaign=campaign, enumerator=enumerator, ward=ward)
        client = Client()
        client.force_login(enumerator)
        singles = list(payloads(campaign, buildings[:COUNT]))
        batches = list(payloads(campaign, buildings[COUNT:]))

        start = time.perf_counter()
        for body in singles:
            response = client.post(
                "/api/v1/surveys/submissions/", json.dumps(body), content_type="application/json"
            )
            if response.status_code != 201:
                raise RuntimeError(response.content)
        single = time.perf_counter() - start

        start = time.perf_counter()
        for k in range(0, len(batches), BATCH):
            response = client.post(
                "/api/v1/surveys/submissions/batch/",
                json.dumps({"submissions": batches[k : k + BATCH]}),
                content_type="application/json",
            )
            if {r["status"] for r in response.json()["results"]} != {201}:
                raise RuntimeError(response.content[:500])
        batch = time.perf_counter() - start

        start = time.perf_counter()
        for body in singles[:500]:
            client.post(
                "/api/v1/surveys/submissions/", json.dumps(body), content_type="application/json"
            )
        resend = time.perf_counter() - start
        transaction.set_rollback(True)

    print(f"single requests: {COUNT} in {single:.1f} s = {COUNT / single:.0f} submissions/s")
    print(
        f"batch of {BATCH}:   {COUNT} in {batch:.1f} s = {COUNT / batch:.0f} submissions/s "
        f"({single / batch:.1f}x)"
    )
    print(f"resends acknowledged: 500 in {resend:.1f} s = {500 / resend:.0f}/s")


if __name__ == "__main__":
    main()
