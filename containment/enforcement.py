"""Enforcement notices (issue 26): one notice per holding whose containments fail the
municipality's newest rule set, read from the enforcement list (selectors.enforcement_rows)
and printed as PDF by the compliance page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from . import compliance
from .choices import ContainmentType

# The holdings on a building `b` and their current owners, from the holding register
# (issue 31): a LATERAL join giving `held.numbers` and `held.owners` (NULL when the building
# carries no registered holding).
HELD = """LEFT JOIN LATERAL (
            SELECT string_agg(DISTINCT h.number, ', ') AS numbers,
                   string_agg(DISTINCT o.name, '; ') AS owners
              FROM holdings_holdingbuilding hb
              JOIN holdings_holding h ON h.id = hb.holding_id AND h.retired_at IS NULL
              LEFT JOIN holdings_ownership s ON s.holding_id = h.id AND s.until IS NULL
              LEFT JOIN holdings_owner o ON o.id = s.owner_id
             WHERE hb.building_id = b.id) held ON TRUE"""
# Days the notice gives the holding to comply (the Paurashava's usual notice period).
NOTICE_DAYS = 30
# One PDF holds at most this many notices (some seconds of layout); a ward with more is
# printed in parts.
PER_PART = 100


def notice_counts_by_ward(*, rule_set_id: int | None) -> dict[int | None, int]:
    """{ward id: notices the ward's non-compliant holdings get} under the rule set (the
    grouping of `notices`, counted by PostGIS). One query."""
    if rule_set_id is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.ward_id,
                   count(DISTINCT coalesce('h' || held.numbers, 'h' || nullif(b.holding_number, ''),
                                           'b' || nullif(b.bin, ''), 'c' || c.code))
              FROM containment_complianceassessment a
              JOIN containment_containment c ON c.id = a.containment_id AND c.retired_at IS NULL
              LEFT JOIN containment_containmentbuilding l
                ON l.containment_id = c.id AND l.is_responsible
              LEFT JOIN spatial_building b ON b.id = l.building_id
              {HELD}
             WHERE a.rule_set_id = %s AND a.status = 'non_compliant'
             GROUP BY c.ward_id
            """,
            [rule_set_id],
        )
        return dict(cursor.fetchall())


def parts(count: int) -> list[int]:
    """The parts (1, 2, ...) `count` notices are printed in."""
    return list(range(1, -(-count // PER_PART) + 1))


def notices(rows: Iterable[tuple[Any, ...]]) -> list[dict]:
    """The enforcement list's rows (ward by ward, containment by containment) grouped into
    one notice per holding: by holding number, else by building (BIN), else per
    containment when no building is linked."""
    by_key: dict[tuple, dict] = {}
    for (
        code,
        ward,
        bin_,
        holding,
        owner,
        phone,
        kind,
        _outlet,
        emptied,
        _well,
        _v,
        outcomes,
    ) in rows:
        key = (ward, "holding", holding) if holding else (ward, "building", bin_ or code)
        notice = by_key.get(key)
        if notice is None:
            notice = by_key[key] = {
                "ward": ward,
                "holding": holding,
                "buildings": [],
                "owner": owner,
                "phone": phone,
                "containments": [],
            }
        if bin_ and bin_ not in notice["buildings"]:
            notice["buildings"].append(bin_)
        notice["owner"] = notice["owner"] or owner
        notice["phone"] = notice["phone"] or phone
        notice["containments"].append(
            {
                "code": code,
                "type": ContainmentType(kind).label if kind in ContainmentType.values else kind,
                "last_emptied_on": emptied,
                "reasons": [
                    compliance.describe(rule, outcomes[rule])
                    for rule in compliance.RULES
                    if outcomes.get(rule, {}).get("outcome") == "fail"
                ],
            }
        )
    return list(by_key.values())
