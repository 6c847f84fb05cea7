"""Health and readiness for the web server in front, Docker and systemd:

- `/healthz`: the process answers and the database answers a query: 200, else 503 (what a
  load balancer or `docker compose` polls);
- `/readyz`: besides, every migration is applied: 200, else 503 naming what is missing. It
  also tells whether a background worker was seen in the last minutes (exports, imports
  and the dashboard figures need one) as a warning: the pages and the API are served
  without one, so its absence does not take the web server out of service.

Both answer JSON, need no login and say nothing a visitor could use against the server.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .errors import RETRY_AFTER

WORKER_SEEN_SECONDS = 300


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _answer(checks: dict[str, str], warnings: list[str] | None = None) -> JsonResponse:
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if warnings:
        body["warnings"] = warnings
    response = JsonResponse(body, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER)
    return response


@never_cache
def healthz(request):
    return _answer({"database": "ok" if _database() else "unreachable"})


@never_cache
def readyz(request):
    if not _database():
        return _answer({"database": "unreachable"})
    checks = {"database": "ok"}
    warnings = []
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = "ok" if not pending else f"{len(pending)} not applied"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM procrastinate_workers "
                "WHERE last_heartbeat > now() - make_interval(secs => %s)",
                [WORKER_SEEN_SECONDS],
            )
            workers = cursor.fetchone()[0]
        if not workers:
            warnings.append(
                f"no background worker seen in the last {WORKER_SEEN_SECONDS} s: exports, "
                "imports and dashboard updates wait"
            )
    except DatabaseError:
        checks["migrations"] = "unknown"
    return _answer(checks, warnings)
