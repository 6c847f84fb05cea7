"""Benchmark: survey ingest over HTTP as phones meet it (issue 27): gunicorn with the
production settings, enumerators' clients each on its own kept-alive connection with its
token, sending prepared submissions as fast as they are answered.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/ingest_http.py

- one request per submission from INGEST_CLIENTS (20) clients at once: submissions a second
  and the 95th percentile of the answer's time (targets 200/s, p95 < 100 ms);
- a phone's queue in batches of 200 from INGEST_BATCH_CLIENTS (4) clients at once:
  submissions a second (target 2,000/s);
- raw: PostgreSQL's own share, as many other rows stored by one INSERT from JSON a batch,
  each point matched to its nearest building, on one connection, in the same run.

The clients are separate processes (forked before any is timed), so that the client's own
Python does not share one interpreter lock. The bench town's campaign and its submissions
are deleted afterwards.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import connection, connections  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.field_submission import submission  # noqa: E402
from bench.servers import gunicorn  # noqa: E402
from bench.towns import bench_campaign, bench_town, bench_user, percentile95  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from spatial.models import Building  # noqa: E402
from surveys.models import SurveyCampaign  # noqa: E402

CLIENTS = int(os.environ.get("INGEST_CLIENTS", "20"))
BATCH_CLIENTS = int(os.environ.get("INGEST_BATCH_CLIENTS", "4"))
SINGLES = int(os.environ.get("INGEST_SINGLES", "4000"))
BATCHED = int(os.environ.get("INGEST_BATCHED", "20000"))
BATCH = 200
WORKERS = 2 * (os.cpu_count() or 1) + 1

RAW = """
    WITH r AS (
        SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb)
               AS r(client_uuid uuid, x float8, y float8, answers jsonb)),
    p AS (SELECT r.*, ST_SetSRID(ST_MakePoint(r.x, r.y), 4326) AS geom FROM r),
    m AS (
        SELECT p.*, (SELECT b.id FROM spatial_building b
                      WHERE b.municipality_id = %(m)s
                      ORDER BY b.geom <-> p.geom LIMIT 1) AS building
          FROM p)
    INSERT INTO surveys_submission
           (campaign_id, enumerator_id, client_uuid, payload_sha256, answers, device_time,
            received_at, geom, gps_accuracy_m, match_kind, flags, status, review_reason,
            building_id)
    SELECT %(campaign)s, %(enumerator)s, m.client_uuid, md5(m.answers::text), m.answers,
           now(), now(), m.geom, 6, 'nearest', '{}', 'pending', '', m.building
      FROM m"""


def payload(campaign_id: int, point) -> dict:
    return submission(campaign_id, point.x, point.y)


def _client(base: str, token: str, path: str, bodies: list[bytes], start, out) -> None:
    """One phone: its bodies one after another on one kept-alive connection."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    timings = []
    start.wait()
    for body in bodies:
        began = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read()
        if response.status not in (200, 201):
            out.put(("error", response.status, answer[:300]))
            return
        timings.append((began, time.perf_counter()))
    out.put(("ok", timings))


def run_clients(base: str, token: str, path: str, shares: list[list[bytes]]):
    """Every share sent by its own process at once: (seconds from the first request to the
    last answer, each request's seconds)."""
    connections.close_all()  # no database connection crosses the fork
    context = multiprocessing.get_context("fork")
    start, out = context.Event(), context.Queue()
    workers = [
        context.Process(target=_client, args=(base, token, path, share, start, out))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    start.set()
    results = [out.get() for _ in workers]
    for worker in workers:
        worker.join()
    failed = [r for r in results if r[0] == "error"]
    if failed:
        raise SystemExit(f"a client was refused: {failed[0]}")
    timings = [t for _ok, found in results for t in found]
    elapsed = max(end for _b, end in timings) - min(began for began, _e in timings)
    return elapsed, [end - began for began, end in timings]


def raw_insert(campaign, enumerator, municipality, points) -> float:
    rows = [
        {"client_uuid": str(uuid.uuid4()), "x": p.x, "y": p.y, "answers": payload(0, p)["answers"]}
        for p in points
    ]
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for k in range(0, len(rows), BATCH):
            cursor.execute(
                RAW,
                {
                    "rows": json.dumps(rows[k : k + BATCH]),
                    "m": municipality.pk,
                    "campaign": campaign.pk,
                    "enumerator": enumerator.pk,
                },
            )
    return time.perf_counter() - began


def main() -> None:
    municipality = bench_town()
    enumerator = bench_user(municipality, "bench-ingest-enumerator", MembershipRole.ENUMERATOR)
    Token.objects.filter(user=enumerator).delete()
    token = Token.objects.create(user=enumerator).key
    SurveyCampaign.objects.filter(municipality=municipality, name="bench ingest").delete()
    campaign = bench_campaign(municipality, enumerator, "bench ingest")
    count = SINGLES + 2 * BATCHED
    points = [
        b.geom.point_on_surface
        for b in Building.objects.filter(municipality=municipality).order_by("?")[:count]
    ]
    singles = [json.dumps(payload(campaign.pk, p)).encode() for p in points[:SINGLES]]
    queued = [payload(campaign.pk, p) for p in points[SINGLES : SINGLES + BATCHED]]
    batches = [
        json.dumps({"submissions": queued[k : k + BATCH]}).encode()
        for k in range(0, len(queued), BATCH)
    ]
    print(
        f"{municipality.code}: over HTTP, gunicorn ({WORKERS} sync workers, production "
        f"settings); clients as separate processes",
        flush=True,
    )
    try:
        with gunicorn(workers=WORKERS) as base:
            # Every worker warmed first (its first requests load what it caches).
            warm, timed = singles[: 4 * WORKERS], singles[4 * WORKERS :]
            run_clients(
                base,
                token,
                "/api/v1/surveys/submissions/",
                [warm[k::WORKERS] for k in range(WORKERS)],
            )
            elapsed, seconds = run_clients(
                base,
                token,
                "/api/v1/surveys/submissions/",
                [timed[k::CLIENTS] for k in range(CLIENTS)],
            )
            print(
                f"one request per submission, {CLIENTS} clients: {len(timed) / elapsed:,.0f}/s, "
                f"median {sorted(seconds)[len(seconds) // 2] * 1000:.0f} ms, "
                f"p95 {percentile95(seconds) * 1000:.0f} ms (targets 200/s, p95 < 100 ms)",
                flush=True,
            )
            elapsed, seconds = run_clients(
                base,
                token,
                "/api/v1/surveys/submissions/batch/",
                [batches[k::BATCH_CLIENTS] for k in range(BATCH_CLIENTS)],
            )
            raw = raw_insert(campaign, enumerator, municipality, points[SINGLES + BATCHED : count])
            print(
                f"batches of {BATCH}, {BATCH_CLIENTS} clients: {BATCHED / elapsed:,.0f}/s "
                f"(p95 {percentile95(seconds) * 1000:.0f} ms a batch; target 2,000/s); "
                f"raw INSERT with the match, one connection: {BATCHED / raw:,.0f}/s; "
                f"{elapsed / raw:.2f}x raw",
                flush=True,
            )
    finally:
        connections.close_all()
        SurveyCampaign.objects.filter(pk=campaign.pk).delete()


if __name__ == "__main__":
    main()
