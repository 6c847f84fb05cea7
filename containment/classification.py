"""Classifications derived from raw containment attributes, in SQL so PostGIS computes them
for a whole municipality at once: the SFD containment class of each containment and the
JMP sanitation ladder rung of each building.

Rules (shared design, domain reference "Classifications"):
- SFD: a sewer connection is sewered; effluent to an open drain, water body or open
  ground is not contained; "no containment" is not contained; pits count as not contained
  where the municipality is set as a significant groundwater risk; a septic tank whose
  outlet is unknown is unknown.
- JMP facility: flush/pour-flush, VIP, pit with slab and composting are improved; pit
  without slab, bucket and hanging latrines are unimproved. Flush straight to an open drain
  or elsewhere is unimproved (MICS6 WS11 code 14, DHS, MDG metadata; the setting
  IMIS["JMP_FLUSH_TO_OPEN_DRAIN_IMPROVED"] can say otherwise, default False); flush to
  "don't know where" is improved with its safe management unknown (WS11 code 18): SFD
  unknown, so at best basic.
- JMP rung of a facility: unimproved; limited (improved, shared with other households);
  safely managed (improved, not shared, and excreta contained and never emptied, or buried
  on site, or emptied to a treatment plant, or sewered where IMIS["SEWER_TREATED"]); else
  basic. A building takes the best rung of its facilities; a building with no facility and
  no toilet is open defecation; no data is NULL (unknown).

The SQL is written over a containment alias; `sfd_class_sql("c")` etc. return fragments with
named parameters supplied by `classification_params()`.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import CharField
from django.db.models.expressions import RawSQL

from .choices import IMPROVED_TOILETS, UNCONTAINED_OUTLETS

_PITS = ("unlined_pit", "lined_pit_open_bottom")
_RUNG_RANK = {"unimproved": 1, "limited": 2, "basic": 3, "safely_managed": 4}


def _codes(values) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


def classification_params() -> dict[str, bool]:
    imis = settings.IMIS
    return {
        "flush_to_drain_improved": bool(imis.get("JMP_FLUSH_TO_OPEN_DRAIN_IMPROVED", False)),
        "sewer_treated": bool(imis.get("SEWER_TREATED", False)),
        "pits_groundwater_risk": bool(imis.get("PITS_IN_GROUNDWATER_RISK", False)),
    }


def sfd_class_sql(c: str) -> str:
    return f"""(CASE
        WHEN {c}.outlet = 'sewer' THEN 'sewered'
        WHEN {c}.containment_type = 'none' AND {c}.outlet = 'dont_know' THEN 'unknown'
        WHEN {c}.containment_type = 'none' THEN 'not_contained'
        WHEN {c}.outlet IN ({_codes(UNCONTAINED_OUTLETS)}) THEN 'not_contained'
        WHEN {c}.containment_type IN ({_codes(_PITS)}) AND %(pits_groundwater_risk)s
            THEN 'not_contained'
        WHEN {c}.containment_type = 'septic_tank' AND {c}.outlet IN ('', 'dont_know')
            THEN 'unknown'
        ELSE 'contained' END)"""


def improved_sql(c: str) -> str:
    """TRUE, FALSE or NULL (unknown) for the facility on containment alias `c`."""
    return f"""(CASE
        WHEN {c}.toilet_type IN ('pit_without_slab', 'bucket', 'hanging') THEN FALSE
        WHEN {c}.containment_type = 'none' THEN CASE
            WHEN {c}.toilet_type = 'flush' AND {c}.outlet IN ('sewer', 'dont_know') THEN TRUE
            WHEN {c}.toilet_type = 'flush' AND {c}.outlet = 'open_drain'
                THEN %(flush_to_drain_improved)s
            ELSE FALSE END
        WHEN {c}.toilet_type IN ({_codes(IMPROVED_TOILETS)}) THEN TRUE
        WHEN {c}.containment_type IN ({_codes(_PITS)}) THEN NULL
        ELSE TRUE END)"""


def facility_rung_sql(c: str) -> str:
    sfd = sfd_class_sql(c)
    return f"""(CASE
        WHEN {improved_sql(c)} IS NULL THEN NULL
        WHEN NOT {improved_sql(c)} THEN 'unimproved'
        WHEN {c}.shared_facility THEN 'limited'
        WHEN {sfd} = 'sewered' THEN
            CASE WHEN %(sewer_treated)s THEN 'safely_managed' ELSE 'basic' END
        WHEN {sfd} = 'contained' AND {c}.ever_emptied IS FALSE THEN 'safely_managed'
        WHEN {sfd} = 'contained' AND {c}.sludge_destination = 'buried_on_site'
            THEN 'safely_managed'
        WHEN ({c}.ever_emptied OR {c}.last_emptied_on IS NOT NULL)
             AND {c}.sludge_destination = 'treatment_plant' AND {sfd} = 'contained'
            THEN 'safely_managed'
        ELSE 'basic' END)"""


def building_rung_sql(b: str) -> str:
    """JMP rung of building alias `b`: the best rung among the facilities serving it."""
    ranks = " ".join(f"WHEN '{rung}' THEN {rank}" for rung, rank in _RUNG_RANK.items())
    back = " ".join(f"WHEN {rank} THEN '{rung}'" for rung, rank in _RUNG_RANK.items())
    # Identifiers and codes come from this module only; values are parameters.
    return f"""(SELECT CASE
            WHEN count(c.id) = 0 THEN
                CASE WHEN {b}.has_toilet IS FALSE THEN 'open_defecation' END
            ELSE CASE max(CASE {facility_rung_sql("c")} {ranks} END) {back} END
        END
        FROM containment_containmentbuilding l
        JOIN containment_containment c ON c.id = l.containment_id
        WHERE l.building_id = {b}.id)"""


def _raw(sql: str) -> RawSQL:
    # Django's RawSQL takes positional parameters; name them in order of appearance.
    params = classification_params()
    order: list[bool] = []

    def take(match: str) -> str:
        order.append(params[match])
        return "%s"

    positional = re.sub(r"%\((\w+)\)s", lambda m: take(m.group(1)), sql)
    return RawSQL(positional, order, output_field=CharField())  # noqa: S611 (module SQL only)


def sfd_class_annotation(table: str = "containment_containment") -> RawSQL:
    return _raw(sfd_class_sql(f'"{table}"'))


def facility_rung_annotation(table: str = "containment_containment") -> RawSQL:
    return _raw(facility_rung_sql(f'"{table}"'))


def building_rung_annotation(table: str = "spatial_building") -> RawSQL:
    return _raw(building_rung_sql(f'"{table}"'))
