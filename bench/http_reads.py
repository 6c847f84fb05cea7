"""Benchmark over HTTP (issue 27): the reads as QGIS, GDAL and the REST clients meet them,
against gunicorn with the production settings and the project's gunicorn configuration,
with raw PostGIS alternated on the same database in one run.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/http_reads.py

Rows, each the median of BENCH_REPEATS runs, the project's path and its raw lower bound
taken in turn (the ratio of each run is printed too: a target holds in every run):
  whole layer         /ogc/collections/buildings/items?limit=1000 and every `next` link
                      after it (1,000 is the page QGIS 3.22 asks for: it reads the API
                      definition's components/parameters/limit), then limit=10000; against a
                      raw COPY of the same features' GeoJSON text in the same order
  densest ward        its buildings in one page from /ogc and /api/v1, against a raw COPY of
                      the same features
  tiles               the densest z14 buildings tile and a z17 tile inside it, against the
                      project's ST_AsMVT statement run directly; then the z17 tile asked
                      again with the ETag it came with (a 304, as a browser or QGIS
                      revalidates a tile it keeps)
and once: QGIS 3.22 itself (Debian's python3-qgis, headless) loading the whole buildings layer
with the GIS officer's Basic credentials; its requests are counted in gunicorn's access log.
Then QGIS's own part of that load: the same load twice through a recording proxy, the second
time answered wholly from memory (a server that costs nothing).
The benchmark's client keeps one connection alive and sends Basic credentials, as QGIS does,
and asks for no compression (COPY sends none).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import PBKDF2PasswordHasher  # noqa: E402
from django.db import connection  # noqa: E402

from bench.servers import gunicorn, replay, session_key  # noqa: E402
from bench.towns import bench_tiles, bench_town, bench_user, densest_ward, raw_tile  # noqa: E402
from core import registry  # noqa: E402
from core.features import LayerQuery  # noqa: E402
from core.roles import MembershipRole  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
PASSWORD = "bench-only-password"  # noqa: S105
QGIS_CLIENT = ROOT / "bench" / "clients" / "qgis_load.py"
# Sync workers as config/gunicorn.py sizes them for this machine.
WORKERS = 2 * (os.cpu_count() or 1) + 1


class Client:
    """One kept-alive HTTP/1.1 connection with Basic credentials (or a session)."""

    def __init__(self, base: str, username: str, session: str | None = None):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=900)
        if session is None:
            token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
            self.headers = {"Authorization": f"Basic {token}"}
        else:  # the REST API is the browser's: a session
            self.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        self.headers["Accept-Encoding"] = "identity"

    def get(self, url: str, expect: int = 200, **headers: str) -> bytes:
        parts = urlsplit(url)
        self.connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                                headers={**self.headers, **headers})  # fmt: skip
        response = self.connection.getresponse()
        body = response.read()
        self.etag = response.getheader("ETag")
        if response.status != expect:
            raise RuntimeError(f"{url} answered {response.status}: {body[:300]!r}")
        return body


def _tail(body: bytes) -> dict:
    """numberReturned and links: the members written after the features."""
    return json.loads(b"{" + body[body.rfind(b'"numberReturned":') :])


def walk(client: Client, url: str) -> tuple[int, int, int]:
    """Follow `next` from `url` to the end: (features, bytes, requests)."""
    features = size = requests = 0
    while url:
        body = client.get(url)
        tail = _tail(body)
        features += tail["numberReturned"]
        size += len(body)
        requests += 1
        url = next((link["href"] for link in tail["links"] if link["rel"] == "next"), "")
    return features, size, requests


def raw_copy(query: LayerQuery) -> tuple[int, int]:
    """The raw lower bound: PostgreSQL's COPY of the same features' GeoJSON text, in the
    same order, read to the end: (rows, bytes)."""
    layer = registry.collections()["buildings"]
    where, params = query.where(layer)
    select = (
        f"SELECT {layer.feature_sql()} FROM {layer.table} t {layer.joins}"
        f" WHERE {where} ORDER BY t.id"
    )
    rows = size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY ({select}) TO STDOUT", params
    ) as copy:  # fmt: skip
        for block in copy:
            size += len(block)
            rows += bytes(block).count(b"\n")
    return rows, size


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def alternate(label: str, project, raw, rows: list) -> None:
    """REPEATS runs of the project's path and the raw one in turn, after one of each that
    warms the caches; prints the medians, the ratio and each run's ratio."""
    project()
    raw()
    ours, theirs, sizes = [], [], None
    for _ in range(REPEATS):
        seconds, sizes = timed(project)
        ours.append(seconds)
        seconds, _result = timed(raw)
        theirs.append(seconds)
    median, base = statistics.median(ours), statistics.median(theirs)
    each = ", ".join(f"{a / b:.2f}" for a, b in zip(ours, theirs, strict=True))
    rows.append((label, median, base, sizes))
    print(
        f"{label:<34}{median * 1000:>10.0f}{base * 1000:>9.0f}{median / base:>8.2f}"
        f"  (runs {each})  {sizes}",
        flush=True,
    )


def _qgis(base: str, username: str) -> dict:
    result = subprocess.run(
        ["/usr/bin/python3", str(QGIS_CLIENT), f"{base}/ogc/", "buildings", username, PASSWORD],
        capture_output=True, text=True, timeout=3600, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""},
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def qgis_load(base: str, username: str, log: Path) -> None:
    """QGIS's load of the buildings layer from gunicorn, then QGIS's own part of it: the same
    load from a replay of the same responses out of memory (bench.servers.replay), a server
    that costs nothing, so what is left is QGIS parsing and caching the features."""
    if (
        not Path("/usr/bin/python3").exists()
        or subprocess.run(
            ["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True, check=False
        ).returncode
    ):
        print("QGIS: not installed (python3-qgis); rows left out", flush=True)
        return
    before = log.read_text().count("/collections/buildings/items")
    seen = _qgis(base, username)
    requests = log.read_text().count("/collections/buildings/items") - before
    print(
        f"QGIS 3.22 loads the buildings layer: {seen['seconds']:.1f} s for"
        f" {seen['features']:,} features in {requests} requests",
        flush=True,
    )
    served: list[str] = []
    with replay(base, served) as proxy:
        _qgis(proxy, username)  # records
        del served[:]
        alone = _qgis(proxy, username)
    pages = sum("/collections/buildings/items" in path for path in served)
    print(
        f"QGIS 3.22 loads the same responses replayed from memory: {alone['seconds']:.1f} s"
        f" for {alone['features']:,} features in {pages} requests (QGIS's own part; the server's"
        f" {seen['seconds'] - alone['seconds']:.1f} s)",
        flush=True,
    )


def main() -> None:
    municipality = bench_town()
    user = bench_user(municipality, "bench-gis-officer", MembershipRole.GIS_OFFICER)
    # Hashed as production hashes (the bench's own settings use a fast test hasher).
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    ward_id, ward_count = densest_ward(municipality)
    whole = LayerQuery(municipality_ids=[municipality.pk])
    ward = LayerQuery(municipality_ids=[municipality.pk], ward_id=ward_id)
    print(
        f"over HTTP: gunicorn ({WORKERS} sync workers, production settings), {REPEATS} runs;"
        f" densest ward {ward_count:,} buildings",
        flush=True,
    )
    print(f"{'read':<34}{'http ms':>10}{'raw ms':>9}{'x raw':>8}", flush=True)
    rows: list = []
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "access.log"
        with gunicorn(workers=WORKERS, access_log=str(log)) as base:
            client = Client(base, user.username)
            items = f"{base}/ogc/collections/buildings/items"
            for limit in (1000, 10000):
                alternate(
                    f"whole layer by next, limit={limit}",
                    lambda limit=limit: walk(client, f"{items}?limit={limit}"),
                    lambda: raw_copy(whole),
                    rows,
                )
            browser = Client(base, user.username, session_key(user))
            for label, url, reader in (
                ("densest ward, /ogc", f"{items}?ward={ward_id}&limit=50000", client),
                (
                    "densest ward, /api/v1",
                    f"{base}/api/v1/buildings/?ward={ward_id}&limit=50000",
                    browser,
                ),
            ):
                alternate(
                    label,
                    lambda url=url, reader=reader: len(reader.get(url)),
                    lambda: raw_copy(ward),
                    rows,
                )
            for z, x, y in bench_tiles(municipality):
                tile = f"{base}/tiles/buildings/{z}/{x}/{y}.mvt"
                alternate(
                    f"tile z{z}/{x}/{y}",
                    lambda tile=tile: len(client.get(tile)),
                    lambda z=z, x=x, y=y: raw_tile(z, x, y),
                    rows,
                )
            z17 = rows[-1]
            print(f"z17 tile: raw + {(z17[1] - z17[2]) * 1000:.1f} ms", flush=True)
            # As a browser or QGIS asks again for a tile it keeps (If-None-Match): a 304 from
            # the versions of the tables the layer reads, nothing rendered.
            client.get(tile)
            tag = client.etag
            alternate(
                f"tile z{z}/{x}/{y} revalidated",
                lambda: len(client.get(tile, expect=304, **{"If-None-Match": tag})),
                lambda: raw_tile(z, x, y),
                rows,
            )
            again = rows[-1]
            print(f"z17 revalidated: raw + {(again[1] - again[2]) * 1000:.1f} ms", flush=True)
            qgis_load(base, user.username, log)


if __name__ == "__main__":
    main()
