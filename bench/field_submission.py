"""One enumerator's building survey as the field app sends it, for the benchmarks that post
submissions (bench/ingest_http.py, and bench/locustfile.py, which runs in locust's own
virtualenv: so nothing here imports Django or the project)."""

from __future__ import annotations

import uuid


def submission(campaign_id: int, lon: float, lat: float) -> dict:
    """A new submission (its own client UUID) of a two-storey house with a septic tank, at
    (lon, lat)."""
    return {
        "client_uuid": str(uuid.uuid4()),
        "campaign": campaign_id,
        "device_time": "2026-11-20T10:30:00+06:00",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "gps_accuracy_m": 6.0,
        "answers": {
            "floor_count": 2,
            "functional_use": "residential",
            "household_count": 1,
            "population_male": 2,
            "population_female": 3,
            "has_toilet": True,
            "toilet_type": "flush",
            "containment_type": "septic_tank",
            "outlet": "soak_pit",
            "ever_emptied": False,
        },
    }
