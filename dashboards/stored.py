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
- A set written to since, but computed less than `IMIS["DASHBOARD_MAX_AGE_S"]` ago (60 s by
  default), is still served, and a refresh of its municipality is queued for the worker
  (one at a time: a queueing lock). A stream of survey submissions thus costs the readers
  nothing, and the figures lag the registers by the worker's delay at most.
- Otherwise the reader recomputes it, under a per-municipality lock so that two readers do
  not race: it consumes the change notes it can see (a change that commits meanwhile stays
  noted and makes the next read recompute), marks the municipality's other stored sets
  stale (they may predate those changes), computes and stores.
- The notes also say which wards a write may change (migration 0007). Figures kept per
  ward (the ward figures, `recompute_wards`) recompute only those wards and merge them into
  the stored rows, unless a note covers every ward (a rule set, a plant, a bulk import) or
  the set was never computed under the same day and settings. A reader that finds the lock
  taken gets the older figures, when there are any, instead of queueing behind it. The
  worker's periodic `dashboards.tasks.refresh_stale_figures` catches whatever no reader
  asked for.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from containment.classification import classification_params
from spatial.models import Municipality

# A namespace for pg_advisory_xact_lock(int, int): "dashboard figures", then the municipality.
_LOCK_NAMESPACE = 7_310_001

_STORED_SQL = """
    SELECT s.figures,
           NOT s.stale AND s.stale_wards = '{}'
           AND NOT EXISTS (SELECT 1 FROM dashboards_figureschange c
                            WHERE c.municipality_id = %(municipality)s) AS current,
           s.computed_at > now() - make_interval(secs => %(max_age)s) AS young,
           s.stale, s.stale_wards, s.by_ward
      FROM dashboards_storedfigures s
     WHERE s.municipality_id = %(municipality)s AND s.kind = %(kind)s AND s.year = %(year)s
       AND s.as_of IS NOT DISTINCT FROM %(as_of)s AND s.settings_key = %(settings_key)s
"""


def settings_key(municipality: Municipality | None = None) -> str:
    """The settings a stored set depends on (national, and the municipality's own), as text
    compared on every read."""
    return json.dumps(classification_params(municipality), sort_keys=True)


def figures(
    *,
    municipality: Municipality,
    kind: str,
    year: int,
    as_of: datetime.date | None,
    compute: Callable[[], Any],
    recompute_wards: Callable[[list[int], Any], Any] | None = None,
) -> Any:
    """The stored figures of `kind` for the municipality and year, recomputed by `compute`
    (which returns JSON-serialisable data) when they are not current. Figures kept per ward
    give `recompute_wards(wards, stored figures)`, which returns them with those wards
    recomputed."""
    params = {
        "municipality": municipality.pk,
        "kind": kind,
        "year": year,
        "as_of": as_of,
        "settings_key": settings_key(municipality),
        "max_age": settings.IMIS.get("DASHBOARD_MAX_AGE_S", 0),
    }
    with connection.cursor() as cursor:
        cursor.execute(_STORED_SQL, params)
        row = cursor.fetchone()
    if row is not None:
        stored, current, young = row[:3]
        if current:
            return _decoded(stored)
        if young and not _forced.get():
            # Written to since, but computed moments ago: serve these and let the worker
            # catch up, rather than make every reader behind a stream of writes wait.
            _schedule_refresh(municipality.pk, after_s=params["max_age"] // 2)
            return _decoded(stored)
    # The worker's refresh waits for the lock; a reader may be served older figures instead.
    stale = None if row is None or _forced.get() else row[0]
    return _recompute(params, compute, recompute_wards, stale=stale)


# The worker's queue, and the task a stale read defers (dashboards/tasks.py).
QUEUE = "dashboards"
REFRESH_TASK = "dashboards.refresh_municipality_figures"

# Set by the worker's refresh: recompute whatever is not current, and wait for the lock.
_forced: contextvars.ContextVar[bool] = contextvars.ContextVar("figures_forced", default=False)


@contextlib.contextmanager
def forced() -> Iterator[None]:
    token = _forced.set(True)
    try:
        yield
    finally:
        _forced.reset(token)


def _schedule_refresh(municipality_id: int, after_s: int) -> None:
    """Queue one refresh, `after_s` seconds out: under a stream of writes the worker then
    recomputes a municipality's figures once per half window, not after every write, and
    the figures readers get are never older than the window."""
    # Deferred by name: the task (tasks.py) calls the refresh service, which reads through
    # this module; importing it here would close that circle.
    # One refresh waiting is enough; the savepoint keeps a refused duplicate from breaking
    # the reader's transaction.
    with contextlib.suppress(AlreadyEnqueued), transaction.atomic():
        app.configure_task(
            name=REFRESH_TASK,
            queue=QUEUE,
            queueing_lock=f"dashboard-figures-{municipality_id}",
            schedule_in={"seconds": after_s},
        ).defer(municipality_id=municipality_id)


def _decoded(value: Any) -> Any:
    # Django's psycopg setup hands jsonb over as text (JSONField decodes it itself).
    return json.loads(value) if isinstance(value, str) else value


def _recompute(
    params: dict,
    compute: Callable[[], Any],
    recompute_wards: Callable[[list[int], Any], Any] | None,
    stale: Any = None,
) -> Any:
    """Compute and store, one reader at a time per municipality. A reader that finds another
    one computing gets the `stale` figures, when there are any, instead of waiting."""
    lock = [_LOCK_NAMESPACE, params["municipality"]]
    with transaction.atomic(), connection.cursor() as cursor:
        if stale is not None:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", lock)
            if not cursor.fetchone()[0]:
                return _decoded(stale)
        else:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock)
        # Another reader may have stored them while this one waited for the lock.
        cursor.execute(_STORED_SQL, params)
        row = cursor.fetchone()
        if row is not None and row[1]:
            return _decoded(row[0])
        noted, every_ward, noted_wards = _consume_notes(cursor, params)
        started = time.perf_counter()
        # By ward when these figures are kept by ward and no note covers every ward.
        if (
            recompute_wards is not None
            and row is not None
            and row[5]
            and not row[3]
            and not (noted and every_ward)
        ):
            wards = sorted(set(row[4]) | set(noted_wards))
            result = recompute_wards(wards, _decoded(row[0])) if wards else _decoded(row[0])
        else:
            wards = None
            result = compute()
        elapsed_ms = round((time.perf_counter() - started) * 1000)
        cursor.execute(
            """
            INSERT INTO dashboards_storedfigures
                   (municipality_id, kind, year, as_of, settings_key, figures, stale,
                    by_ward, stale_wards, recomputed_wards, computed_at, compute_ms)
            VALUES (%(municipality)s, %(kind)s, %(year)s, %(as_of)s, %(settings_key)s,
                    %(figures)s::jsonb, false, %(by_ward)s, '{}', %(wards)s, now(),
                    %(compute_ms)s)
            ON CONFLICT (municipality_id, kind, year) DO UPDATE
               SET as_of = EXCLUDED.as_of, settings_key = EXCLUDED.settings_key,
                   figures = EXCLUDED.figures, stale = false, by_ward = EXCLUDED.by_ward,
                   stale_wards = '{}', recomputed_wards = EXCLUDED.recomputed_wards,
                   computed_at = EXCLUDED.computed_at, compute_ms = EXCLUDED.compute_ms
            """,
            {
                **params,
                "figures": json.dumps(result),
                "by_ward": recompute_wards is not None,
                "wards": wards,
                "compute_ms": elapsed_ms,
            },
        )
    # The same shape a stored read returns (JSON has no tuples, no int keys).
    return json.loads(json.dumps(result))


def _consume_notes(cursor, params: dict) -> tuple[int, bool, list[int]]:
    """Delete the municipality's change notes this transaction can see and mark its stored
    sets stale accordingly: figures kept per ward in the wards noted (or entirely, when a
    note covers every ward), any other figures entirely. The sets may predate those writes;
    they are kept, not deleted, so that readers can still be served them within the age
    window. Returns how many notes there were, whether one covers every ward, and the wards
    the others name."""
    cursor.execute(
        """
        WITH consumed AS (DELETE FROM dashboards_figureschange
                           WHERE municipality_id = %(municipality)s RETURNING wards)
        SELECT count(*), coalesce(bool_or(wards IS NULL), false),
               (SELECT coalesce(array_agg(DISTINCT w), '{}') FROM consumed, unnest(wards) w)
          FROM consumed
        """,
        params,
    )
    notes, every_ward, wards = cursor.fetchone()
    if notes:
        cursor.execute(
            """
            UPDATE dashboards_storedfigures
               SET stale = stale OR %(every_ward)s OR NOT by_ward,
                   stale_wards = ARRAY(SELECT DISTINCT w FROM unnest(
                                         stale_wards || %(wards)s::bigint[]) w ORDER BY w)
             WHERE municipality_id = %(municipality)s
            """,
            {**params, "every_ward": every_ward, "wards": wards},
        )
    return notes, every_ward, wards


def stale_municipality_ids() -> list[int]:
    """Municipalities with writes noted since their figures were last computed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT municipality_id FROM dashboards_figureschange")
        return [row[0] for row in cursor.fetchall()]
