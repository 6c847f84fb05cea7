"""Benchmark: the search box's answer (issue 22: under 100 ms at tier M).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/search.py

The project's path is GET /api/v1/search/?q= through Django's whole request stack, in this
process, as a GIS officer of the bench town: every register's prefix match, scoped, exact
matches first. The raw lower bound is one SELECT of the buildings whose BIN is the text
typed (an equality on the BIN's unique index). The texts are a full BIN, a BIN's first
digits, a full holding number and a holding number's prefix.
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

from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.towns import bench_town, officer_client, percentile95  # noqa: E402
from spatial.models import Building  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "5")) * 4
TARGET_MS = 100


def main() -> None:
    municipality = bench_town()
    client = officer_client(municipality)
    sample = Building.objects.filter(municipality=municipality).exclude(holding_number="")
    building = sample.order_by("id")[1000]
    texts = {
        "a full BIN": building.bin,
        "a BIN's first digits": building.bin[:5],
        "a full holding number": building.holding_number,
        "a holding number's prefix": building.holding_number[:3],
    }
    url = reverse("search")
    count = Building.objects.filter(municipality=municipality).count()
    print(f"search, {count} buildings ({REPEATS} repetitions each)")
    print(f"{'text':28} {'answers':>8} {'median ms':>10} {'p95 ms':>9} {'x raw':>7} {'target':>8}")
    raw = []
    for _ in range(REPEATS):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "SELECT id, bin FROM spatial_building WHERE municipality_id = %s AND bin = %s",
                [municipality.pk, building.bin],
            )
            cursor.fetchall()
            raw.append((time.perf_counter() - started) * 1000)
    raw_median = statistics.median(raw)
    print(f"{'raw: BIN equality':28} {1:8} {raw_median:10.1f} {percentile95(raw):9.1f} {1:7.2f}")
    for label, text in texts.items():
        samples, answers = [], 0
        for _ in range(REPEATS + 1):
            started = time.perf_counter()
            response = client.get(url, {"q": text})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{text}: {response.status_code}")
            answers = len(response.json()["results"])
            samples.append(elapsed)
        samples = samples[1:]
        median, p95 = statistics.median(samples), percentile95(samples)
        verdict = "met" if p95 < TARGET_MS else "MISSED"
        print(
            f"{label:28} {answers:8} {median:10.1f} {p95:9.1f} {median / raw_median:7.2f}"
            f" {verdict} <{TARGET_MS}"
        )


if __name__ == "__main__":
    main()
