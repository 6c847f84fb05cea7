"""Peers a user might pick instead of this project, served on the same database for the
benchmarks: tipg (OGC API - Features and vector tiles on PostGIS, FastAPI + asyncpg).

tipg is installed into its own virtualenv under .local/bench-peers/ on first use (from
PyPI), never into the project's, and runs under uvicorn on loopback for the duration of
a `with tipg_server() as base_url:` block.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / ".local" / "bench-peers"
TIPG_VERSION = "1.6.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peer_venv(name: str, *requirements: str) -> Path:
    """A virtualenv of its own under .local/bench-peers/<name> holding `requirements`,
    created on first use (never the project's); returns its bin folder."""
    venv = PEERS / name
    python = venv / "bin" / "python"
    if not python.exists():
        print(
            f"installing {' '.join(requirements)} into {venv.relative_to(ROOT)} (once)", flush=True
        )
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *requirements], check=True)
    return venv / "bin"


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db.get("PASSWORD"):
        credentials += f":{db['PASSWORD']}"
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgresql://{credentials}@{host}/{db['NAME']}"


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (loopback)
        return response.read()


@contextlib.contextmanager
def tipg_server(tables: list[str]) -> Iterator[str]:
    """tipg serving `tables` (schema-qualified) of the project's database; yields its URL."""
    python = peer_venv(f"tipg-{TIPG_VERSION}", f"tipg=={TIPG_VERSION}", "uvicorn") / "python"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TIPG_DB_SCHEMAS": json.dumps(["public"]),
        "TIPG_DB_TABLES": json.dumps(tables),
        "TIPG_MAX_FEATURES_PER_QUERY": "1000000",
        "TIPG_DEFAULT_FEATURES_LIMIT": "1000000",
    }
    process = subprocess.Popen(
        [str(python), "-m", "uvicorn", "tipg.main:app", "--port", str(port), "--log-level",
         "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base}/collections")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"tipg did not start: {error}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
