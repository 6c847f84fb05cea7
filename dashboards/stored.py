"""Dashboard figures computed once per change, not once per request.

Every ward's figures take one statement of whole-municipality joins (about a second at
150,000 buildings, see docs/performance.md); the registers behind them change far less
often than the dashboards are read. So the figures are stored (`StoredFigures`) and served
from there while they are current:

- Database triggers (migration 0004) note every write to a register the figures read as a
  `FiguresChange` row for its municipality: per statement, append-only, inside the writer's
  own transaction, so a rolled-back write notes nothing and writers never wait on each
  other.
- A stored set is current while its municipality has no change noted, the day it was cut at
  is still the period's last day (a running year is cut at today) and the classification
  settings are those it was computed under. Reading a current set is one indexed query.
- Otherwise the first reader recomputes it, under a per-municipality lock so that two
  readers do not race: it consumes the change notes it can see (a change that commits
  meanwhile stays noted and makes the next read recompute), drops the municipality's other
  stored sets (they may predate those changes), computes and stores. The background worker
  does the same for the running year a few minutes after changes
  (`dashboards.tasks.refresh_stale_figures`), so readers seldom wait.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from containment.classification import classification_params
from spatial.models import Municipality

# A namespace for pg_advisory_xact_lock(int, int): "dashboard figures", then the municipality.
_LOCK_NAMESPACE = 7_310_001

_CURRENT_SQL = """
    SELECT s.figures FROM dashboards_storedfigures s
     WHERE s.municipality_id = %(municipality)s AND s.kind = %(kind)s AND s.year = %(year)s
       AND s.as_of IS NOT DISTINCT FROM %(as_of)s AND s.settings_key = %(settings_key)s
       AND NOT EXISTS (SELECT 1 FROM dashboards_figureschange c
                        WHERE c.municipality_id = %(municipality)s)
"""


def settings_key() -> str:
    """The settings a stored set depends on, as text compared on every read."""
    return json.dumps(classification_params(), sort_keys=True)


def figures(
    *,
    municipality: Municipality,
    kind: str,
    year: int,
    as_of: datetime.date | None,
    compute: Callable[[], Any],
) -> Any:
    """The stored figures of `kind` for the municipality and year, recomputed by `compute`
    (which returns JSON-serialisable data) when they are not current."""
    params = {
        "municipality": municipality.pk,
        "kind": kind,
        "year": year,
        "as_of": as_of,
        "settings_key": settings_key(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL, params)
        row = cursor.fetchone()
    if row is not None:
        return _decoded(row[0])
    return _recompute(params, compute)


def _decoded(value: Any) -> Any:
    # Django's psycopg setup hands jsonb over as text (JSONField decodes it itself).
    return json.loads(value) if isinstance(value, str) else value


def _recompute(params: dict, compute: Callable[[], Any]) -> Any:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, params["municipality"]]
        )
        # Another reader may have stored them while this one waited for the lock.
        cursor.execute(_CURRENT_SQL, params)
        row = cursor.fetchone()
        if row is not None:
            return _decoded(row[0])
        cursor.execute(
            "WITH consumed AS (DELETE FROM dashboards_figureschange"
            " WHERE municipality_id = %(municipality)s RETURNING 1)"
            " SELECT count(*) FROM consumed",
            params,
        )
        if cursor.fetchone()[0]:
            cursor.execute(
                "DELETE FROM dashboards_storedfigures WHERE municipality_id = %(municipality)s",
                params,
            )
        started = time.perf_counter()
        result = compute()
        elapsed_ms = round((time.perf_counter() - started) * 1000)
        cursor.execute(
            """
            INSERT INTO dashboards_storedfigures
                   (municipality_id, kind, year, as_of, settings_key, figures, computed_at,
                    compute_ms)
            VALUES (%(municipality)s, %(kind)s, %(year)s, %(as_of)s, %(settings_key)s,
                    %(figures)s::jsonb, now(), %(compute_ms)s)
            ON CONFLICT (municipality_id, kind, year) DO UPDATE
               SET as_of = EXCLUDED.as_of, settings_key = EXCLUDED.settings_key,
                   figures = EXCLUDED.figures, computed_at = EXCLUDED.computed_at,
                   compute_ms = EXCLUDED.compute_ms
            """,
            {**params, "figures": json.dumps(result), "compute_ms": elapsed_ms},
        )
    # The same shape a stored read returns (JSON has no tuples, no int keys).
    return json.loads(json.dumps(result))


def stale_municipality_ids() -> list[int]:
    """Municipalities with writes noted since their figures were last computed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT municipality_id FROM dashboards_figureschange")
        return [row[0] for row in cursor.fetchall()]
