"""One run of every benchmark at a data tier, printed as it goes and written into
docs/performance.md (between the "bench results" markers) with the machine and the tier.

    make bench                 # tier M: 150,000 buildings
    make bench-quick           # tier S: 20,000 buildings, fewer repetitions
    BENCH_TIER=L make bench    # 600,000 buildings: tier M's town among three more

At tier L the benchmarks measure the same 150,000-building municipality as at tier M, with
three more of the same size beside it (laid 0.3 degrees apart), so the figures show what
the other municipalities' data costs each one: indexes, tiles, scoping.

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
sys.path.insert(0, str(ROOT))

from fixtures.demo_version import GENERATOR_VERSION  # noqa: E402

TIERS = {"S": (20_000, 1, 3), "M": (150_000, 1, 5), "L": (150_000, 4, 3)}
# (script, whether it takes the tier's buildings; ingest and the load test use the demo town)
SCRIPTS = [
    ("run.py", True),
    ("exports.py", True),
    ("imports.py", True),
    ("dashboards.py", True),
    ("compliance.py", True),
    ("jit.py", True),
    ("wards.py", True),
    ("editor.py", True),
    ("search.py", True),
    ("quality.py", True),
    ("attribute_table.py", True),
    ("field_package.py", True),
    ("field_sync.py", True),
    ("review_queue.py", True),
    ("map_tiles.py", True),
    ("pdf_documents.py", True),
    ("http_reads.py", True),
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


def _neighbours(buildings: int, municipalities: int) -> None:
    """The other municipalities of a multi-municipality tier, generated once."""
    from bench.towns import bench_code
    from fixtures import demo
    from spatial.models import Municipality

    for k in range(2, municipalities + 1):
        code = bench_code(buildings, town=k)
        if Municipality.objects.filter(code=code).exists():
            continue
        started = time.perf_counter()
        demo.generate(
            buildings=buildings,
            seed=7 + k,
            code=code,
            name=f"Bench town {k}",
            east_offset_deg=0.3 * (k - 1),
        )
        print(f"generated {code}: {time.perf_counter() - started:.0f} s", flush=True)


def _write(tier: str, machine: str, sections: list[tuple[str, str, float]]) -> None:
    """Replace this tier's block in docs/performance.md (each tier keeps its latest run)."""
    start, end = f"<!-- bench results {tier}: start -->", f"<!-- bench results {tier}: end -->"
    buildings, municipalities, repeats = TIERS[tier]
    lines = [
        start,
        f"### Tier {tier}",
        "",
        f"Latest `make bench` run: tier {tier} ({municipalities} x {buildings:,} buildings), "
        f"{repeats} repetitions, demo generator version {GENERATOR_VERSION}, "
        f"{dt.datetime.now(dt.UTC).date().isoformat()}; {machine}.",
        "",
    ]
    for script, output, seconds in sections:
        lines += [f"#### bench/{script} ({seconds:.0f} s)", "", "```", output.strip(), "```", ""]
    lines.append(end)
    text = DOC.read_text()
    block = "\n".join(lines)
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        if "## Latest runs" not in text:
            text = text.rstrip() + "\n\n## Latest runs\n"
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> None:
    tier = os.environ.get("BENCH_TIER", "M").upper()
    if tier not in TIERS:
        sys.exit(f"BENCH_TIER must be one of {', '.join(TIERS)}")
    buildings, municipalities, repeats = TIERS[tier]
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    machine = _machine()
    print(f"tier {tier}: {municipalities} x {buildings:,} buildings; {machine}", flush=True)
    _neighbours(buildings, municipalities)
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
