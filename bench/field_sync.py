"""Benchmark: the field app sending 200 queued submissions (issue 23), on loopback.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/field_sync.py

gunicorn with the production settings (4 workers, as bench/map_tiles.py starts it) serves the
app; Debian's Chromium opens /field/ as the enumerator assigned to the densest ward, 200
submissions (one per building of that ward, at its footprint) are put in the app's queue in
IndexedDB, and the time runs from pressing "Send now" to the app having sent them all and
asked for their decisions (the page's `data-synced`). The baseline is the same 200 sent
by a bare HTTP client (Python, one batch POST) to the same server: the browser's and the
app's own cost is the difference. Each run sends new UUIDs; the bench's submissions are
deleted at the end.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from bench.field_package import assigned_ward  # noqa: E402
from bench.map_tiles import _gunicorn, _session  # noqa: E402
from bench.towns import bench_town, percentile95  # noqa: E402
from spatial.models import Building  # noqa: E402
from surveys.models import Submission  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
COUNT = 200


def _items(campaign, ward, buildings) -> list[dict]:
    return [
        {
            "client_uuid": str(uuid.uuid4()),
            "campaign": campaign.pk,
            "ward": ward.pk,
            "device_time": "2026-07-15T10:30:00+06:00",
            "geometry": {"type": "Point", "coordinates": [b.x, b.y]},
            "gps_accuracy_m": 5.0,
            "answers": {"floor_count": 2, "functional_use": "residential", "has_toilet": True},
        }
        for b in buildings
    ]


def main() -> None:
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    municipality = bench_town()
    user, campaign, ward = assigned_ward(municipality)
    buildings = [
        b.geom.point_on_surface
        for b in Building.objects.filter(ward=ward, retired_at__isnull=True).order_by("id")[:COUNT]
    ]
    session_key = _session(user)
    app, direct = [], []
    try:
        with _gunicorn() as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}
            context = browser.new_context(storage_state={"cookies": [cookie], "origins": []})
            page = context.new_page()
            page.goto(f"{base}/field/")
            page.wait_for_selector("#field-main[data-ready='1']")
            for _ in range(REPEATS + 1):
                queued = [
                    {"key": item["client_uuid"], "item": item, "status": "queued",
                     "queuedAt": 0, "photos": [], "building": None, "bin": None}
                    for item in _items(campaign, ward, buildings)
                ]  # fmt: skip
                page.evaluate(
                    "entries => Promise.all(entries.map(e => IMISField.Store.put('queue', e)))",
                    queued,
                )
                page.evaluate(
                    "() => { delete document.getElementById('field-main').dataset.synced; }"
                )
                started = time.perf_counter()
                page.click("#field-sync")
                page.wait_for_selector(
                    "#field-main[data-synced]", state="attached", timeout=120_000
                )
                app.append((time.perf_counter() - started) * 1000)
                if page.get_attribute("#field-main", "data-queued") != "0":
                    raise SystemExit("the app did not send everything")

                body = json.dumps({"submissions": _items(campaign, ward, buildings)}).encode()
                token = "b" * 32  # the CSRF cookie and header a browser would send
                request = urllib.request.Request(  # noqa: S310 (our own server)
                    f"{base}/api/v1/surveys/submissions/batch/", data=body, method="POST",
                    headers={"Content-Type": "application/json", "X-CSRFToken": token,
                             "Cookie": f"csrftoken={token}; "
                                       f"{settings.SESSION_COOKIE_NAME}={session_key}"},
                )  # fmt: skip
                started = time.perf_counter()
                with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                    answer.read()
                direct.append((time.perf_counter() - started) * 1000)
            browser.close()
    finally:
        Submission.objects.filter(enumerator=user).delete()
    app, direct = app[1:], direct[1:]
    print(f"field sync of {COUNT} queued submissions, densest ward, {REPEATS} runs, loopback")
    print(f"{'path':48} {'median ms':>10} {'p95 ms':>8}")
    print(f"{'raw: one batch POST from a bare HTTP client':48} {statistics.median(direct):10.0f}"
          f" {percentile95(direct):8.0f}")  # fmt: skip
    print(f"{'the app: Send now to sent and decisions read':48} {statistics.median(app):10.0f}"
          f" {percentile95(app):8.0f}")  # fmt: skip
    print(f"ratio (median): {statistics.median(app) / statistics.median(direct):.2f}x")


if __name__ == "__main__":
    main()
