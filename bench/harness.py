"""One run of every benchmark at a data tier, printed as it goes and written into
docs/performance.md (between the "bench results" markers) with the machine and the tier.

    make bench                 # tier M: 150,000 buildings
    make bench-quick           # tier S: 20,000 buildings, fewer repetitions

Tier L (600,000 buildings across several municipalities) is not here yet: the demo
generator lays every town on the same spot, so several would overlap on the map and distort
the tile and layer figures.

Each benchmark is its own script (run alone to dig into one); each runs the project's path
beside its raw SQL lower bound and peers in one process and prints medians and ratios.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench results: start -->", "<!-- bench results: end -->"
TIERS = {"S": (20_000, 1, 3), "M": (150_000, 1, 5)}
# (script, whether it takes the tier's buildings; ingest and the load test use the demo town)
SCRIPTS = [
    ("run.py", True),
    ("exports.py", True),
    ("dashboards.py", True),
    ("compliance.py", True),
    ("jit.py", True),
    ("surveys.py", False),
]


def _machine() -> str:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), postgis_lib_version()")
        postgres, postgis = cursor.fetchone()
    postgres = postgres.split(" on ")[0]
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"{postgres} / PostGIS {postgis}"
    )


def _write(tier: str, machine: str, sections: list[tuple[str, str, float]]) -> None:
    buildings, municipalities, repeats = TIERS[tier]
    lines = [
        START,
        f"Latest `make bench` run: tier {tier} ({municipalities} x {buildings:,} buildings), "
        f"{repeats} repetitions, {dt.datetime.now(dt.UTC).date().isoformat()}; {machine}.",
        "",
    ]
    for script, output, seconds in sections:
        lines += [f"### bench/{script} ({seconds:.0f} s)", "", "```", output.strip(), "```", ""]
    lines.append(END)
    text = DOC.read_text()
    block = "\n".join(lines)
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Latest run\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> None:
    tier = os.environ.get("BENCH_TIER", "M").upper()
    if tier not in TIERS:
        sys.exit(f"BENCH_TIER must be one of {', '.join(TIERS)}")
    buildings, municipalities, repeats = TIERS[tier]
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    machine = _machine()
    print(f"tier {tier}: {municipalities} x {buildings:,} buildings; {machine}", flush=True)
    sections = []
    for script, takes_tier in SCRIPTS:
        if only and script not in only:
            continue
        env = {**os.environ, "BENCH_REPEATS": os.environ.get("BENCH_REPEATS", str(repeats))}
        if takes_tier:
            env["BENCH_BUILDINGS"] = str(buildings)
        if tier == "S":
            env.setdefault("BENCH_PEERS", "0")
        print(f"\n== bench/{script}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / "bench" / script)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        output = "\n".join(
            line for line in result.stdout.splitlines() if not line.startswith("WARNING: Location")
        )
        if result.returncode != 0:
            output += f"\n(failed: exit {result.returncode})\n{result.stderr[-1500:]}"
        print(output, flush=True)
        sections.append((script, output, time.perf_counter() - started))
    _write(tier, machine, sections)
    print(f"\nwritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
