"""Benchmark: re-assessing every containment of a municipality.

    BENCH_BUILDINGS=150000 .venv/bin/python bench/compliance.py

Times the set-based SQL pass (containment.compliance.assess: the nearest wells into a
temporary table, then one INSERT ... SELECT), twice: re-assessing under the same rule set
(only changed outcomes are written) and the first assessment under a new rule set version
(every row written; rolled back afterwards). Against it, a per-containment Python loop over
the same facts with the reference evaluator (reading the facts in one query and not writing
anything, so the loop is flattered), in one run.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.db import transaction  # noqa: E402

from bench.towns import bench_town  # noqa: E402
from containment import compliance, services  # noqa: E402
from containment.models import Containment  # noqa: E402


def main() -> None:
    buildings = int(os.environ.get("BENCH_BUILDINGS", "150000"))
    municipality = bench_town()
    rule_set = services.rule_set_ensure(municipality=municipality)
    count = Containment.objects.filter(municipality=municipality).count()
    today = compliance.local_today()

    compliance.assess(rule_set=rule_set, as_of=today)  # warm-up
    sql_times = []
    for _ in range(3):
        start = time.perf_counter()
        compliance.assess(rule_set=rule_set, as_of=today)
        sql_times.append(time.perf_counter() - start)

    new_version_times = []
    for _ in range(2):
        with transaction.atomic():
            version = services.rule_set_ensure(municipality=municipality)
            version.pk = None
            version.version += 1
            version.save()
            start = time.perf_counter()
            written = compliance.assess(rule_set=version, as_of=today)
            new_version_times.append(time.perf_counter() - start)
            transaction.set_rollback(True)

    start = time.perf_counter()
    ids = list(Containment.objects.filter(municipality=municipality).values_list("id", flat=True))
    facts = compliance.facts_for(containment_ids=ids)
    for item in facts.values():
        compliance.evaluate(item, rule_set, today)
    loop = time.perf_counter() - start

    best = min(sql_times)
    print(f"containments: {count} ({buildings} buildings)")
    print(f"re-assessment, same rule set (changed rows written): best {best:.2f} s of 3")
    print(
        f"first assessment under a new rule set version ({written} rows written):"
        f" best {min(new_version_times):.2f} s of 2"
    )
    print(f"Python loop, reference evaluator (reads only): {loop:.2f} s ({loop / best:.1f}x)")


if __name__ == "__main__":
    main()
