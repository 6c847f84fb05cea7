"""Load test: the locust mix in bench/locustfile.py against gunicorn with the production
settings on loopback, ramping to 50 users, on the demo municipality. Prints requests,
failures and the overall and per-endpoint p95, and where the time goes.

    .venv/bin/python bench/load.py            # LOAD_USERS=50 LOAD_SECONDS=90
    LOAD_MIX=ingest LOAD_USERS=20 .venv/bin/python bench/load.py   # survey ingest only

locust is installed into .local/bench-peers/ on first use (never into the project's
virtualenv). The demo municipality with its accounts must exist (`make run` or
`make demo`).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.gis.db.models import Extent  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.peers import free_port, peer_venv  # noqa: E402
from fixtures.demo import DEFAULT_CODE  # noqa: E402
from spatial.models import Municipality, Ward  # noqa: E402
from surveys.models import Assignment  # noqa: E402

LOCUST_VERSION = "2.47.0"
# The user classes of bench/locustfile.py each mix runs.
CLASSES = {
    "mixed": ["MapUser", "ManagerUser", "EnumeratorUser", "ExportUser"],
    "ingest": ["IngestUser"],
}


def _town() -> tuple[dict, dict]:
    municipality = Municipality.objects.get(code=DEFAULT_CODE)
    assignment = (
        Assignment.objects.filter(
            campaign__municipality=municipality, enumerator__username="enumerator"
        )
        .select_related("ward", "campaign")
        .first()
    )
    if assignment is None:
        sys.exit("the demo campaign and accounts are missing: run `make demo` first")
    tokens = {}
    for name in ("gis", "executive", "enumerator"):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=name)
        Token.objects.filter(user=user).delete()  # a fresh token: tokens expire
        tokens[name] = Token.objects.create(user=user).key
    extent = municipality.boundary.extent
    ward_extent = Ward.objects.filter(pk=assignment.ward_id).aggregate(e=Extent("geom"))["e"]
    town = {
        "extent": list(extent),
        "wards": list(Ward.objects.filter(municipality=municipality).values_list("pk", flat=True)),
        "campaign": assignment.campaign_id,
        "assigned_extent": list(ward_extent),
    }
    return tokens, town


def main() -> None:
    users = int(os.environ.get("LOAD_USERS", "50"))
    seconds = int(os.environ.get("LOAD_SECONDS", "90"))
    workers = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 2) + 1)))
    tokens, town = _town()
    locust = peer_venv(f"locust-{LOCUST_VERSION}", f"locust=={LOCUST_VERSION}") / "locust"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "load-test-only-" + "x" * 40),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--access-logfile", "/dev/null", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    # As in production, a worker beside the web server: exports, and the dashboard figures'
    # refreshes that readers queue while they are served the figures of a minute ago.
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "layers,dashboards"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ogc/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("gunicorn did not start")
                time.sleep(0.5)
        with tempfile.TemporaryDirectory() as folder:
            prefix = f"{folder}/load"
            ran = subprocess.run(
                [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary",
                 *CLASSES[os.environ.get("LOAD_MIX", "mixed")]],
                env={**os.environ, "IMIS_LOAD_TOKENS": json.dumps(tokens),
                     "IMIS_LOAD_TOWN": json.dumps(town)},
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            if not Path(f"{prefix}_stats.csv").exists():
                sys.exit(f"locust failed:\n{ran.stderr[-2000:]}")
            with open(f"{prefix}_stats.csv", newline="") as handle:
                rows = list(csv.DictReader(handle))
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
    print(
        f"load test: {users} users for {seconds} s, gunicorn with {workers} workers and a"
        " procrastinate worker, production settings"
    )
    print(f"{'endpoint':<36}{'requests':>9}{'per s':>7}{'failures':>9}{'median':>8}{'p95':>7}")
    for row in rows:
        print(
            f"{row['Name'][:35]:<36}{row['Request Count']:>9}"
            f"{float(row['Requests/s']):>7.1f}{row['Failure Count']:>9}"
            f"{row['50%']:>8}{row['95%']:>7}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(
        f"overall p95 {total['95%']} ms (target < 300 ms),"
        f" failures {total['Failure Count']} (target 0)"
    )


if __name__ == "__main__":
    main()
