"""Benchmark: the web map drawing the densest ward's buildings from vector tiles at z15 in
Chromium (issue 22: under 1 s at tier M).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/map_tiles.py

gunicorn with the production settings (4 workers, the bench database; "No basemap" chosen,
so nothing is fetched from elsewhere) serves the map page; Debian's Chromium, driven by
Playwright, opens /map/#map=15/<the densest ward's centre> logged in as a GIS officer, in a
fresh browser context each time (nothing cached), and the time runs from the navigation's
start until the buildings' tiles of that view are loaded and drawn (the map's
`data-buildings-tiles` attribute, set on the tile layer's `load` event). The raw lower
bound is PostGIS rendering the same tiles (`ST_AsMVT`, the project's own tile SQL) one after
the other, without HTTP or drawing.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Count  # noqa: E402

from bench.towns import bench_town, percentile95  # noqa: E402
from core import registry  # noqa: E402
from core.models import Membership  # noqa: E402
from core.roles import MembershipRole  # noqa: E402
from core.tiles import render_tile, tile_layer  # noqa: E402
from spatial.models import Ward  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
ZOOM = 15
TARGET_MS = 1000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own server)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


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
    geojson: span(e => e.name.includes('/api/')), now: Math.round(performance.now())};
}"""


def _session(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _tiles_in_view(lon: float, lat: float, width: int, height: int) -> list[tuple[int, int]]:
    """The z15 tiles a width x height map centred at (lon, lat) shows."""
    import math

    n = 2**ZOOM
    x = (lon + 180) / 360 * n * 256
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n * 256
    xs = range(int((x - width / 2) // 256), int((x + width / 2) // 256) + 1)
    ys = range(int((y - height / 2) // 256), int((y + height / 2) // 256) + 1)
    return [(tx, ty) for tx in xs for ty in ys]


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
    user, _ = get_user_model().objects.get_or_create(username="bench-map-tiles")
    Membership.objects.get_or_create(
        user=user, municipality=municipality, role=MembershipRole.GIS_OFFICER
    )

    width, height = 1366, 768
    layer = tile_layer(registry.get("buildings"))
    tiles = _tiles_in_view(centre.x, centre.y, width, height)
    raw = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for tx, ty in tiles:
            render_tile(layer, ZOOM, tx, ty, municipality_ids=None)
        raw.append((time.perf_counter() - started) * 1000)

    port = _free_port()
    # The production path: gunicorn with the production settings (WhiteNoise for the
    # static files), as bench/load.py runs it; no basemap (chosen below) so nothing leaves
    # the machine.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # The bench's own key: the session made here is signed with it.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", "4", "--access-logfile", "/dev/null", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    samples = []
    session_key = _session(user)
    try:
        _wait_for(f"{base}/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            # The production cookies are Secure (HTTPS only); this plain-HTTP bench hands the
            # browser a session made here instead of logging in through the form.
            session = {"cookies": [{"name": settings.SESSION_COOKIE_NAME, "value": session_key,
                                    "url": base}], "origins": []}  # fmt: skip
            view = f"#map={ZOOM}/{centre.y:.5f}/{centre.x:.5f}"
            for _ in range(REPEATS + 1):
                # A fresh browser context each time: nothing cached, as a first visit.
                context = browser.new_context(
                    viewport={"width": width, "height": height}, storage_state=session
                )
                context.add_init_script("localStorage.setItem('imis-basemap', 'No basemap')")
                page = context.new_page()
                if os.environ.get("BENCH_DEBUG"):
                    page.on("console", lambda m: print("console:", m.text))
                    page.on("pageerror", lambda e: print("error:", e))
                started = time.perf_counter()
                page.goto(f"{base}/map/{view}")
                page.wait_for_selector(
                    f"#municipality-map[data-buildings-tiles='{ZOOM}']", timeout=60_000
                )
                samples.append((time.perf_counter() - started) * 1000)
                if os.environ.get("BENCH_DEBUG"):
                    print(page.evaluate(_TIMINGS))
                drawn = int(
                    page.locator("#municipality-map").get_attribute("data-buildings-tile-features")
                )
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    samples = samples[1:]  # the first visit warms the server
    median, p95 = statistics.median(samples), percentile95(samples)
    raw_median = statistics.median(raw)
    verdict = "met" if p95 < TARGET_MS else "MISSED"
    print(
        f"densest ward ({ward.n} buildings) at z{ZOOM}, {len(tiles)} tiles, {drawn} features drawn"
    )
    print(f"{'path':46} {'median ms':>10} {'p95 ms':>9} {'x raw':>7}")
    print(f"{'raw: ST_AsMVT of the same tiles':46} {raw_median:10.0f} {percentile95(raw):9.0f}")
    print(
        f"{'Chromium: page opened to buildings drawn':46} {median:10.0f} {p95:9.0f}"
        f" {median / raw_median:7.2f}  {verdict} <{TARGET_MS}"
    )


if __name__ == "__main__":
    main()
