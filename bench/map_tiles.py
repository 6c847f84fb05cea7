"""Benchmark: the web map drawing the densest ward's buildings from vector tiles at z15 in
Chromium (issue 22: under 1 s at tier M).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/map_tiles.py

Two servers in turn, each with the production settings and 4 gunicorn workers on the bench
database: gunicorn alone over HTTP/1.1, then the way a municipality serves it (`make serve`:
nginx with TLS and HTTP/2 in front). Debian's Chromium, driven by Playwright, opens
/map/#map=15/<the densest ward's centre> logged in as a GIS officer, in a fresh browser
context each time (nothing cached; "No basemap" chosen, so nothing is fetched from
elsewhere), until the buildings' tiles of that view are loaded and drawn (the tile layer's
`load` event). Two clocks: the page's own (from the navigation's start to the mark the map
sets on that event) and Playwright's (from `goto` to seeing the attribute the map sets with
it, which adds the driver's round trips). The raw lower bound is PostGIS rendering the same
tiles (`ST_AsMVT`, the project's own tile SQL) one after the other, without HTTP or drawing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402

from bench.servers import PRODUCTION_ENV, free_port, gunicorn, session_key, wait_for  # noqa: E402
from bench.towns import bench_town, bench_user, percentile95  # noqa: E402
from core import registry  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from core.tiles import render_tile, tile_layer  # noqa: E402
from spatial.models import Ward  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
ZOOM = 15
TARGET_MS = 1000


# BENCH_DEBUG=1: where a visit's time went (ms from the navigation's start).
_TIMINGS = """() => {
  const r = performance.getEntriesByType('resource');
  const span = f => { const e = r.filter(f); return e.length
    ? [Math.round(Math.min(...e.map(x => x.startTime))),
       Math.round(Math.max(...e.map(x => x.responseEnd))), e.length] : null; };
  const nav = performance.getEntriesByType('navigation')[0];
  return {domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
    buildingTiles: span(e => e.name.includes('/tiles/buildings/')),
    otherTiles: span(e => e.name.includes('/tiles/') && !e.name.includes('/tiles/buildings/')),
    geojson: span(e => e.name.includes('/api/')), now: Math.round(performance.now()),
    // Main-thread tasks over 50 ms (start, duration), and the slowest responses.
    longTasks: (window.__longTasks || [])
      .map(t => [Math.round(t.startTime), Math.round(t.duration)]),
    slowest: r.map(e => [
      e.name.split('/').slice(3, 5).join('/') + (e.name.includes('?') ? '?' : ''),
      Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd)])
      .sort((a, b) => (b[3] - b[1]) - (a[3] - a[1])).slice(0, 6)};
}"""
_LONG_TASKS = """window.__longTasks = [];
new PerformanceObserver(list => window.__longTasks.push(...list.getEntries()))
  .observe({type: 'longtask', buffered: true});"""


def _tiles_in_view(lon: float, lat: float, width: int, height: int) -> list[tuple[int, int]]:
    """The z15 tiles a width x height map centred at (lon, lat) shows."""
    import math

    n = 2**ZOOM
    x = (lon + 180) / 360 * n * 256
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n * 256
    xs = range(int((x - width / 2) // 256), int((x + width / 2) // 256) + 1)
    ys = range(int((y - height / 2) // 256), int((y + height / 2) // 256) + 1)
    return [(tx, ty) for tx in xs for ty in ys]


@contextlib.contextmanager
def _production():
    """The way a municipality serves it (`make serve`, scripts/serve-production.sh): nginx
    with TLS and HTTP/2 in front of gunicorn, the background worker left out."""
    https, http, upstream = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory() as run:
        env = {
            **os.environ,
            **PRODUCTION_ENV,
            "IMIS_WEB_WORKERS": "4",
            "IMIS_HTTPS_PORT": str(https),
            "IMIS_HTTP_PORT": str(http),
            "IMIS_BIND": f"127.0.0.1:{upstream}",
            "IMIS_RUN_DIR": run,
            "IMIS_NO_WORKER": "1",
        }
        server = subprocess.Popen(
            ["bash", "scripts/serve-production.sh"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        base = f"https://localhost:{https}"
        try:
            wait_for(f"{base}/healthz")
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


# (what the rows say, the server): plain gunicorn first, then the production way.
SERVERS = [
    ("gunicorn, HTTP/1.1", lambda: gunicorn(workers=4)),
    ("nginx, TLS and HTTP/2 (make serve)", _production),
]


def _visits(browser, base: str, session_key: str, view: str, size) -> tuple:
    """Open the map REPEATS times, each in a fresh browser context (nothing cached, as a
    first visit), after one visit that warms the server. Returns ((the page's clock,
    Playwright's clock), features drawn)."""
    # A session made here, handed to the browser instead of logging in through the form.
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}
    session = {"cookies": [cookie], "origins": []}
    width, height = size
    samples, in_page, drawn = [], [], 0
    for _ in range(REPEATS + 1):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            storage_state=session,
            ignore_https_errors=True,  # the self-signed certificate of make serve
        )
        # No basemap: nothing is fetched from elsewhere.
        context.add_init_script("localStorage.setItem('imis-basemap', 'No basemap')")
        if os.environ.get("BENCH_DEBUG"):
            context.add_init_script(_LONG_TASKS)
        page = context.new_page()
        if os.environ.get("BENCH_DEBUG"):
            page.on("console", lambda m: print("console:", m.text))
            page.on("pageerror", lambda e: print("error:", e))
        started = time.perf_counter()
        page.goto(f"{base}/map/{view}")
        page.wait_for_selector(f"#municipality-map[data-buildings-tiles='{ZOOM}']", timeout=60_000)
        samples.append((time.perf_counter() - started) * 1000)
        # The page's own clock: from the navigation's start to the buildings' tiles drawn
        # (the first mark: a later move draws again).
        in_page.append(
            page.evaluate("() => performance.getEntriesByName('imis-tiles-buildings')[0].startTime")
        )
        if os.environ.get("BENCH_DEBUG"):
            print(page.evaluate(_TIMINGS))
        drawn = int(page.locator("#municipality-map").get_attribute("data-buildings-tile-features"))
        context.close()
    # The first visit warms the server.
    return (in_page[1:], samples[1:]), drawn


def main() -> None:
    from playwright.sync_api import sync_playwright

    municipality = bench_town()
    ward = (
        Ward.objects.filter(municipality=municipality)
        .annotate(n=Count("buildings"))
        .order_by("-n")
        .first()
    )
    centre = ward.geom.point_on_surface
    user = bench_user(municipality, "bench-map-tiles", MembershipRole.GIS_OFFICER)

    width, height = 1366, 768
    layer = tile_layer(registry.get("buildings"))
    tiles = _tiles_in_view(centre.x, centre.y, width, height)
    raw = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for tx, ty in tiles:
            render_tile(layer, ZOOM, tx, ty, municipality_ids=None)
        raw.append((time.perf_counter() - started) * 1000)

    session = session_key(user)
    view = f"#map={ZOOM}/{centre.y:.5f}/{centre.x:.5f}"
    rows, drawn = [], 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for label, serve in SERVERS:
            with serve() as base:
                clocks, drawn = _visits(browser, base, session, view, (width, height))
            rows += [(f"{label}, page's clock", clocks[0]), (f"{label}, Playwright's", clocks[1])]
        browser.close()
    raw_median = statistics.median(raw)
    print(
        f"densest ward ({ward.n} buildings) at z{ZOOM}, {len(tiles)} tiles, {drawn} features drawn"
    )
    print(f"{'path':56} {'median ms':>10} {'p95 ms':>9} {'x raw':>7}")
    print(f"{'raw: ST_AsMVT of the same tiles':56} {raw_median:10.0f} {percentile95(raw):9.0f}")
    for label, values in rows:
        median, p95 = statistics.median(values), percentile95(values)
        verdict = "met" if p95 < TARGET_MS else "MISSED"
        print(
            f"{label:56} {median:10.0f} {p95:9.0f} {median / raw_median:7.2f}"
            f"  {verdict} <{TARGET_MS}"
        )


if __name__ == "__main__":
    main()
