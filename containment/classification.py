"""Classifications derived from raw attributes, in SQL so PostGIS computes them for a whole
municipality at once: each containment's SFD class and emptying stage, each household's
JMP ladder rung and SFD fate (where its members' excreta end up).

Rules (shared design, domain reference "Classifications"; docs/indicators.md cites each):
- SFD class: a sewer connection is sewered; effluent to an open drain, water body or open
  ground is not contained; "no containment" is not contained; pits, twin pits and soak pits
  count as not contained where groundwater is at significant risk (everywhere under the
  national setting, else in the wards the municipality's rule set names); a septic tank
  whose outlet is unknown, and a flush to "don't know where", is unknown.
- JMP facility: flush/pour-flush, VIP, pit with slab and composting are improved; pit
  without slab, bucket and hanging latrines are unimproved. Flush straight to an open drain
  or elsewhere is unimproved (MICS6 WS11 code 14, DHS, MDG metadata; the setting
  IMIS["JMP_FLUSH_TO_OPEN_DRAIN_IMPROVED"] can say otherwise, default False); flush to
  "don't know where" is improved with its safe management unknown (WS11 code 18).
- Emptying stage of a containment at the end of the period asked (`stage_sql`): the latest
  emptying on record by then (delivered when a plant confirmed the load, treated when that
  plant was in operation on the day), else the survey's answers (WS12 ever emptied, WS13
  where the contents went), else never emptied or unknown.
- A household is classified by the toilet it usually uses (`Household.facility`); sharing
  is the household's answer (else the containment's). Without a toilet, only members who
  go "in the open" are open defecation; another household's toilet or a public one is
  classified through that toilet when it is on the register, else unknown.
- JMP rung: unimproved; limited (improved, shared); safely managed (improved, not shared,
  and: never emptied with a containment, "treated in situ" (with
  IMIS["JMP_IN_SITU_STRICT"] only when SFD contained); emptied and buried on site; emptied
  and treated at a plant; sewered where the municipality's sewage is treated); else basic.
- SFD fate of the people using a toilet: sewered (treated or not), contained and never
  emptied (safe in situ), emptied and buried, emptied and treated, delivered to a plant
  not in operation, emptied and not delivered, not contained, open defecation, unknown.

Every fragment is written over table aliases and takes its settings as named parameters
supplied by `classification_params()`; a fragment that depends on the period takes the SQL
of the period's last day (`end`).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import CharField
from django.db.models.expressions import RawSQL

from .choices import IMPROVED_TOILETS, SFD_SAFE_FATES, UNCONTAINED_OUTLETS

_PITS = ("unlined_pit", "lined_pit_open_bottom")
# Leach into the ground by design: not contained where groundwater is at risk.
_INFILTRATING = (*_PITS, "twin_pit")
_RUNG_RANK = {"unimproved": 1, "limited": 2, "basic": 3, "safely_managed": 4}
EMPTIED_STAGES = ("emptied", "delivered", "treated", "buried")


def _codes(values) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


def classification_params(municipality=None) -> dict[str, bool]:
    """The settings the SQL takes: national conventions. `sewer_treated` is the national
    answer for sewered containments whose building has no sewer connection on record
    (sewer_treated_sql); `municipality` is accepted for callers that name one."""
    imis = settings.IMIS
    return {
        "flush_to_drain_improved": bool(imis.get("JMP_FLUSH_TO_OPEN_DRAIN_IMPROVED", False)),
        "sewer_treated": bool(imis.get("SEWER_TREATED", False)),
        "pits_groundwater_risk": bool(imis.get("PITS_IN_GROUNDWATER_RISK", False)),
        "in_situ_strict": bool(imis.get("JMP_IN_SITU_STRICT", False)),
    }


def sewer_treated_sql(c: str) -> str:
    """Whether the sewage of sewered containment `c` is treated (NULL when it is not
    sewered): a building it serves is connected to a sewer whose network reaches a
    treatment plant in operation (DrainSegment.reaches, derived by the database); connected
    only to networks that end elsewhere, not treated; without a connection on record, the
    national setting IMIS_SEWER_TREATED."""
    return f"""(CASE WHEN {c}.outlet = 'sewer' THEN coalesce((
            SELECT bool_or(s.reaches = 'plant' AND p.is_active
                           AND (p.closed_on IS NULL OR p.closed_on > current_date))
              FROM containment_containmentbuilding l
              JOIN containment_sewerconnection sc
                ON sc.building_id = l.building_id AND sc.retired_at IS NULL
              JOIN containment_drainsegment s ON s.id = sc.segment_id AND s.retired_at IS NULL
              LEFT JOIN containment_treatmentplant p ON p.id = s.reaches_plant_id
             WHERE l.containment_id = {c}.id), %(sewer_treated)s) END)"""


def groundwater_risk_sql(c: str, rule_set: str | None = None) -> str:
    """Whether containment `c` lies where groundwater is at significant risk: everywhere
    under the national setting PITS_IN_GROUNDWATER_RISK, else in the wards its
    municipality's rule set names (`rule_set`: SQL of that rule set's id; by default the
    newest version of the containment's municipality)."""
    if rule_set is None:
        rule_set = f"""(SELECT r2.id FROM containment_complianceruleset r2
                         WHERE r2.municipality_id = {c}.municipality_id
                         ORDER BY r2.version DESC LIMIT 1)"""
    return f"""(%(pits_groundwater_risk)s OR {c}.ward_id IN (
        SELECT w.id FROM containment_complianceruleset r
          JOIN spatial_ward w ON w.municipality_id = r.municipality_id
         WHERE r.id = {rule_set} AND w.number = ANY(r.groundwater_risk_wards)))"""


def sfd_class_sql(c: str, risk: str | None = None) -> str:
    """SFD containment class of `c`; `risk` is the SQL of whether it lies in a
    groundwater-risk zone (groundwater_risk_sql), where pits, twin pits and soak pits
    infiltrate: not contained."""
    risk = risk or groundwater_risk_sql(c)
    return f"""(CASE
        WHEN {c}.outlet = 'sewer' THEN 'sewered'
        WHEN {c}.containment_type = 'none' AND {c}.outlet = 'dont_know' THEN 'unknown'
        WHEN {c}.containment_type = 'none' THEN 'not_contained'
        WHEN {c}.outlet IN ({_codes(UNCONTAINED_OUTLETS)}) THEN 'not_contained'
        WHEN ({c}.containment_type IN ({_codes(_INFILTRATING)}) OR {c}.outlet = 'soak_pit')
             AND {risk} THEN 'not_contained'
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


def plant_in_operation_sql(p: str, day: str) -> str:
    """Whether plant alias `p` was in operation on `day` (its dated status: a plant closed
    today was still in operation last year). A plant out of operation with no closing date
    counts as never in operation."""
    return f"""(coalesce({p}.opened_on <= {day}, TRUE) AND CASE
        WHEN {p}.closed_on IS NOT NULL THEN {p}.closed_on > {day} ELSE {p}.is_active END)"""


def emptyings_sql(end: str, *, latest_per_containment: bool = False) -> str:
    """The emptyings on record up to `end`, one row each: containment, day, whether a plant
    confirmed its load (delivered) and whether that plant was in operation that day
    (treated). Callers add to the WHERE clause; `latest_per_containment` keeps each
    containment's latest (DISTINCT ON: callers order by containment, then latest first)."""
    distinct = "DISTINCT ON (r.containment_id)" if latest_per_containment else ""
    return f"""SELECT {distinct} r.containment_id, e.emptied_on, d.id IS NOT NULL AS delivered,
               coalesce({plant_in_operation_sql("p", "e.emptied_on")}, FALSE) AS treated
          FROM containment_emptyingrequest r
          JOIN containment_emptying e ON e.request_id = r.id
          LEFT JOIN containment_sludgedelivery d
                 ON d.emptying_id = e.id AND d.status = 'confirmed'
          LEFT JOIN containment_treatmentplant p ON p.id = d.plant_id
         WHERE e.emptied_on <= {end}"""


def last_emptying_lateral(c: str, end: str, alias: str = "le") -> str:
    """A LEFT JOIN LATERAL giving containment alias `c` its latest emptying by `end` as
    `alias` (emptied_on, delivered, treated); for one-record reads such as map layers."""
    return f"""LEFT JOIN LATERAL ({emptyings_sql(end)} AND r.containment_id = {c}.id
         ORDER BY e.emptied_on DESC, e.id DESC LIMIT 1) {alias} ON TRUE"""


def _last(le: str | dict[str, str]) -> dict[str, str]:
    if isinstance(le, dict):
        return le
    return {column: f"{le}.{column}" for column in ("emptied_on", "delivered", "treated")}


def last_emptying_columns(c: str, end: str) -> dict[str, str]:
    """The latest emptying's columns as scalar subqueries, for a per-row annotation."""
    latest = f"""{emptyings_sql(end)} AND r.containment_id = {c}.id
         ORDER BY e.emptied_on DESC, e.id DESC LIMIT 1"""
    return {
        column: f"(SELECT x.{column} FROM ({latest}) x)"
        for column in ("emptied_on", "delivered", "treated")
    }


def plant_days_sql(municipality: str) -> str:
    """The days any plant of `municipality` was in operation, as one multirange (an
    uncorrelated subquery: computed once per statement, and it keeps the statement
    parallel, where a per-row EXISTS would not)."""
    return f"""(SELECT range_agg(daterange(coalesce(p.opened_on, '-infinity'),
                                  coalesce(p.closed_on, 'infinity')))
          FROM containment_treatmentplant p
         WHERE p.municipality_id = {municipality}
           AND (p.is_active OR p.closed_on IS NOT NULL))"""


def stage_sql(c: str, le: str | dict[str, str], end: str, plant_days: str | None = None) -> str:
    """Emptying stage of containment `c` at `end`: 'sewer', 'treated', 'delivered',
    'emptied' (not delivered), 'buried', 'not_emptied' or 'unknown'. `le` is the alias of its
    latest emptying on record (see `emptyings_sql`), or its columns' expressions;
    `plant_days` the municipality's days of plant operation (`plant_days_sql`), else each
    row looks its plants up."""
    last = _last(le)
    day = f"coalesce({c}.last_emptied_on, {end})"
    if plant_days:
        operating = f"coalesce({day} <@ {plant_days}, FALSE)"
    else:
        operating = f"""EXISTS (SELECT 1 FROM containment_treatmentplant p
                              WHERE p.municipality_id = {c}.municipality_id
                                AND {plant_in_operation_sql("p", day)})"""
    return f"""(CASE
        WHEN {c}.outlet = 'sewer' THEN 'sewer'
        WHEN {last["emptied_on"]} IS NOT NULL THEN CASE
            WHEN {last["treated"]} THEN 'treated' WHEN {last["delivered"]} THEN 'delivered'
            ELSE 'emptied' END
        WHEN {c}.ever_emptied IS TRUE OR {c}.times_emptied > 0
             OR {c}.last_emptied_on IS NOT NULL THEN CASE
            -- Surveyed as emptied only after the period: emptied once, so not yet then.
            WHEN {c}.last_emptied_on > {end} THEN
                CASE WHEN {c}.times_emptied = 1 THEN 'not_emptied' ELSE 'unknown' END
            WHEN {c}.sludge_destination = 'buried_on_site' THEN 'buried'
            WHEN {c}.sludge_destination = 'treatment_plant' THEN CASE
                WHEN {operating} THEN 'treated' ELSE 'delivered' END
            ELSE 'emptied' END
        WHEN {c}.ever_emptied IS FALSE THEN 'not_emptied'
        ELSE 'unknown' END)"""


def fate_sql(sfd: str, stage: str, treated: str) -> str:
    """SFD fate of the excreta of people using a toilet of SFD class `sfd` at emptying
    stage `stage`, its sewage treated when sewered as `treated` says (SQL expressions;
    sewer_treated_sql)."""
    return f"""(CASE
        WHEN {stage} = 'sewer' THEN
            CASE WHEN {treated} THEN 'sewer_treated' ELSE 'sewer_not_treated' END
        WHEN {stage} IN ('treated', 'buried') THEN {stage}
        WHEN {stage} = 'delivered' THEN 'delivered_not_treated'
        WHEN {stage} = 'emptied' THEN 'emptied_not_delivered'
        WHEN {sfd} = 'not_contained' THEN 'not_contained'
        WHEN {sfd} = 'contained' AND {stage} = 'not_emptied' THEN 'in_situ'
        ELSE 'unknown' END)"""


def rung_sql(
    *, improved: str, shared: str, sfd: str, stage: str, containment_type: str, treated: str
) -> str:
    """JMP rung of people using a toilet (SQL expressions for its attributes; `treated`:
    sewer_treated_sql), NULL when unknown."""
    return f"""(CASE
        WHEN {improved} IS NULL THEN NULL
        WHEN NOT {improved} THEN 'unimproved'
        WHEN {shared} THEN 'limited'
        WHEN {stage} = 'sewer' THEN
            CASE WHEN {treated} THEN 'safely_managed' ELSE 'basic' END
        WHEN {stage} IN ('treated', 'buried') THEN 'safely_managed'
        WHEN {stage} = 'not_emptied' AND {containment_type} <> 'none'
             AND (NOT %(in_situ_strict)s OR {sfd} = 'contained') THEN 'safely_managed'
        ELSE 'basic' END)"""


def safe_individual_sql(*, rung: str, sfd: str, treated: str) -> str:
    """CWIS "safe individual toilet" (SF-1a, SF-2a, EQ-1): private (basic or better) and
    contained, or sewered to treatment (`treated`: sewer_treated_sql)."""
    return f"""({rung} IN ('basic', 'safely_managed')
        AND ({sfd} = 'contained' OR ({sfd} = 'sewered' AND coalesce({treated}, FALSE))))"""


def shared_toilet_status_sql(t: str, c: str, risk: str | None = None) -> str:
    """ToiletStatus of public or community toilet `t` whose containment row is `c` (NULL
    when none is on record or it is retired): safe when functional, improved, and its
    excreta contained or sewered to treatment, as a safe individual toilet is (CWIS)."""
    sfd = sfd_class_sql(c, risk)
    return f"""(CASE
        WHEN {t}.condition = 'not_functional' THEN 'not_functional'
        WHEN {c}.id IS NULL OR {improved_sql(c)} IS NULL OR {sfd} = 'unknown' THEN 'unknown'
        WHEN {improved_sql(c)} AND ({sfd} = 'contained'
             OR ({sfd} = 'sewered' AND {sewer_treated_sql(c)})) THEN 'safe'
        ELSE 'unsafe' END)"""


def shared_toilet_rung_sql(c: str) -> str:
    """JMP rung of people who go to a public or community toilet on containment `c`:
    limited if improved, unimproved if not, NULL (unknown) without one on record."""
    return f"(CASE {improved_sql(c)} WHEN TRUE THEN 'limited' WHEN FALSE THEN 'unimproved' END)"


# The rung of the public or community toilet household `h` goes to, one row's subquery.
PUBLIC_TOILET_RUNG = f"""(SELECT {shared_toilet_rung_sql("pc")}
      FROM containment_publictoilet pt
      JOIN containment_containment pc ON pc.id = pt.containment_id AND pc.retired_at IS NULL
     WHERE pt.id = h.public_toilet_id AND pt.retired_at IS NULL)"""


def household_rung_sql(h: str, rung: str, public_rung: str = "NULL") -> str:
    """A household's rung: its toilet's `rung`, or where members go without one: in the
    open, or to a public or community toilet (`public_rung`, the rung of the one on
    record; unknown without one)."""
    return f"""(CASE WHEN {h}.facility_id IS NULL THEN
            CASE WHEN {h}.members_go = 'open' THEN 'open_defecation'
                 WHEN {h}.members_go = 'public_toilet' THEN {public_rung} END
        ELSE {rung} END)"""


def household_fate_sql(h: str, fate: str, public_fate: str = "NULL") -> str:
    """A household's SFD fate: its toilet's `fate`, the fate of the public or community
    toilet's containment it goes to (`public_fate`), or open defecation."""
    return f"""(CASE WHEN {h}.facility_id IS NULL THEN
            CASE WHEN {h}.members_go = 'open' THEN 'open_defecation'
                 WHEN {h}.members_go = 'public_toilet' THEN coalesce({public_fate}, 'unknown')
                 ELSE 'unknown' END
        ELSE {fate} END)"""


def sfd_safe_sql(fate: str) -> str:
    return f"({fate} IN ({_codes(SFD_SAFE_FATES)}))"


def facility_rung_sql(c: str, le: str | dict[str, str], end: str, shared: str | None = None) -> str:
    """JMP rung of the toilet on containment `c` (sharing as the containment records it
    unless `shared` says otherwise)."""
    return rung_sql(
        improved=improved_sql(c),
        shared=shared or f"{c}.shared_facility",
        sfd=sfd_class_sql(c),
        stage=stage_sql(c, le, end),
        containment_type=f"{c}.containment_type",
        treated=sewer_treated_sql(c),
    )


def building_rung_sql(b: str) -> str:
    """JMP rung of building alias `b` for a map: the rung of most of its surveyed people
    (the lower rung on a tie), 'unknown' when they answered "don't know", NULL when no
    household is on record (unsurveyed)."""
    ranks = " ".join(f"WHEN '{rung}' THEN {rank}" for rung, rank in _RUNG_RANK.items())
    rung = facility_rung_sql("c", "le", "current_date", shared="coalesce(h.toilet_shared, "
                             "c.shared_facility)")  # fmt: skip
    # Identifiers and codes come from this module only; values are parameters.
    return f"""(SELECT coalesce(x.rung, 'unknown') FROM (
            SELECT {household_rung_sql("h", rung, PUBLIC_TOILET_RUNG)} AS rung,
                   sum(coalesce(h.people_male, 0) + coalesce(h.people_female, 0)
                       + coalesce(h.people_other, 0)) AS people
              FROM containment_household h
              LEFT JOIN containment_containment c
                     ON c.id = h.facility_id AND c.retired_at IS NULL
              {last_emptying_lateral("c", "current_date")}
             WHERE h.building_id = {b}.id GROUP BY 1) x
         ORDER BY x.people DESC, CASE x.rung WHEN 'open_defecation' THEN 0 {ranks}
                  ELSE 5 END
         LIMIT 1)"""


def _raw(sql: str, alias: str) -> RawSQL:
    # Django's RawSQL takes positional parameters; name them in order of appearance.
    params = classification_params()
    order: list[bool] = []

    def take(match: str) -> str:
        order.append(params[match])
        return "%s"

    positional = re.sub(r"%\((\w+)\)s", lambda m: take(m.group(1)), sql)
    return RawSQL(positional, order, output_field=CharField())  # noqa: S611 (module SQL only)


def sfd_class_annotation(table: str = "containment_containment") -> RawSQL:
    return _raw(sfd_class_sql(f'"{table}"'), f'"{table}"')


def facility_rung_annotation(table: str = "containment_containment") -> RawSQL:
    """The containment's facility rung today, its latest emptying looked up per row."""
    c = f'"{table}"'
    return _raw(facility_rung_sql(c, last_emptying_columns(c, "current_date"), "current_date"), c)


def building_rung_annotation(table: str = "spatial_building") -> RawSQL:
    return _raw(building_rung_sql(f'"{table}"'), f'"{table}"')
