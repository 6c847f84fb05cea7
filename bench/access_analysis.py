"""Benchmark: hard-to-reach buildings of a whole tier-M town (issue 30, tool 2; target < 5 s).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/access_analysis.py

Three times each, on the bench town with its fleet's narrowest vehicle (or the assumed
width, or BENCH_VEHICLE_WIDTH's) and its hose length:

- project: GET /api/v1/analysis/hard-to-reach/ through Django's whole request stack as the
  town's GIS officer (scope, the nearest usable road of every building found by the road
  index, per-ward counts and the list of hard-to-reach buildings as JSON);
- raw: the lower bound, one set-based statement counting the buildings with no usable road
  within the hose length in a straight line (an index-filtered ST_DWithin on geography per
  building); the project, which also lays the hose round the buildings in the way, must
  find as many or more.
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402

from bench.towns import bench_town, best_of, officer_client  # noqa: E402
from containment import access  # noqa: E402

RAW = """
SELECT count(*) FROM spatial_building b
 WHERE b.municipality_id = %(m)s AND b.retired_at IS NULL
   AND NOT EXISTS (
       SELECT 1 FROM spatial_road r
        WHERE r.municipality_id = %(m)s AND r.carriageway_width_m >= %(width)s
          AND r.surface = ANY(%(paved)s)
          AND r.geom && ST_Expand(b.geom, %(degrees)s)
          AND ST_DWithin(r.geom::geography, b.geom::geography, %(hose)s))
"""


def main() -> None:
    municipality = bench_town()
    # BENCH_VEHICLE_WIDTH asks for a width (2.4 m: a 3 m³ truck) instead of the fleet's
    # narrowest vehicle.
    asked = os.environ.get("BENCH_VEHICLE_WIDTH")
    vehicle = access.vehicle_for(municipality, width_m=float(asked) if asked else None)
    client = officer_client(municipality)
    query = f"municipality={municipality.code}" + (f"&vehicle_width={asked}" if asked else "")

    def project():
        response = client.get(f"/api/v1/analysis/hard-to-reach/?{query}")
        if response.status_code != 200:
            raise RuntimeError(f"answered {response.status_code}")
        found = response.json()
        return sum(w["hard_to_reach"] for w in found["by_ward"]), len(response.content)

    params = {
        "m": municipality.pk,
        "width": Decimal(str(vehicle.width_m)),
        "paved": list(access.PAVED),
        "hose": vehicle.hose_length_m + access.REACH_TOLERANCE_M,
        # Degrees that exceed the hose length east-west and north-south here (a prefilter).
        "degrees": vehicle.hose_length_m / 90_000,
    }

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, params)
            return cursor.fetchone()[0]

    project()  # warm-up
    project_s, (hard, size) = best_of(project)
    raw_s, raw_hard = best_of(raw)
    total = municipality.buildings.filter(retired_at__isnull=True).count()
    print(
        f"municipality {municipality.code}: {total} buildings; vehicle {vehicle.width_m} m "
        f"({vehicle.source}), hose {vehicle.hose_length_m:.0f} m"
    )
    # The raw count is the straight line's: the project also lays the hose round the
    # buildings in the way, so it finds as many or more, never fewer.
    behind = hard - raw_hard
    print(
        f"hard to reach: {hard} (raw straight count {raw_hard}; "
        + (f"{behind} more behind other buildings)" if behind >= 0 else "FEWER: wrong)")
    )
    print(f"project GET /api/v1/analysis/hard-to-reach/  {project_s:.2f} s  ({size / 1e6:.1f} MB)")
    print(f"raw set-based count                          {raw_s:.2f} s")
    print(
        f"ratio {project_s / raw_s:.2f}x raw; target < 5 s: {'met' if project_s < 5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
