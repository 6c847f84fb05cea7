"""Septic-tank compliance (BNBC Part 8 Ch. 6, IRF-FSM 2017; numeric values are settings of a
versioned rule set per municipality, see ComplianceRuleSet).

Five rules, each with outcome pass / fail / unknown / not applicable and a reason code with
parameters:
  type      the containment type is an approved one
  outlet    the effluent does not go to a forbidden outlet, and, for the types the rule set
            lists (a septic tank: soak pit or sewer), goes to an allowed one ("don't know"
            is unknown)
  emptying  years since the last emptying (or since construction when never emptied) are at
            most the maximum; not applicable to the types with no emptying interval (single
            pits closed when full, twin pits)
  well      no tube well or dug well closer than the minimum distance (metres, PostGIS); the
            served building's own tube or dug well counts, measured to its footprint; no
            well recorded in the ward at all is unknown, not a pass
  volume    effective volume is at least the per-user figure x the people using it, and at
            least the minimum in all
Status: non-compliant if any rule fails, else unknown if any is unknown, else compliant.

`evaluate()` is the reference, one containment at a time, used by tests and for explaining a
single containment. `assess()` does the same for a whole municipality in one SQL statement;
tests check the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .choices import ComplianceStatus, ContainmentType, Outlet, RuleOutcome
from .compliance_sql import ASSESS_ONE_SQL, ASSESS_SQL, FACTS_SQL, NEAREST_WELLS_SQL
from .models import ComplianceRuleSet, ComplianceRun, Containment

RULES = ("type", "outlet", "emptying", "well", "volume")
RULE_LABELS = {
    "type": gettext_lazy("Containment type"),
    "outlet": gettext_lazy("Outlet"),
    "emptying": gettext_lazy("Regular emptying"),
    "well": gettext_lazy("Distance to wells"),
    "volume": gettext_lazy("Volume"),
}
DAYS_PER_YEAR = Decimal("365.25")


@dataclass(frozen=True)
class ContainmentFacts:
    """What the rules read about one containment; the last two are computed in PostGIS."""

    containment_type: str
    outlet: str
    ever_emptied: bool | None
    last_emptied_on: dt.date | None
    construction_year: int | None
    effective_volume_m3: Decimal | None
    users: int | None
    well_distance_m: float | None
    # Any tube or dug well recorded in the containment's ward, or the building's own.
    well_data: bool = True


def _outcome(outcome: str, code: str, **params: Any) -> dict[str, Any]:
    return {"outcome": outcome, "code": code, "params": params}


def years_since_emptying(facts: ContainmentFacts, as_of: dt.date) -> Decimal | None:
    if facts.last_emptied_on is not None:
        return Decimal((as_of - facts.last_emptied_on).days) / DAYS_PER_YEAR
    if facts.ever_emptied is False and facts.construction_year is not None:
        return Decimal(as_of.year - facts.construction_year)
    return None


def evaluate(
    facts: ContainmentFacts, rules: ComplianceRuleSet, as_of: dt.date
) -> tuple[str, dict[str, dict[str, Any]]]:
    """(status, outcomes) of one containment under one rule set on date `as_of`."""
    outcomes: dict[str, dict[str, Any]] = {}
    if facts.containment_type in rules.approved_types:
        outcomes["type"] = _outcome(RuleOutcome.PASS, "type_approved", type=facts.containment_type)
    else:
        outcomes["type"] = _outcome(
            RuleOutcome.FAIL, "type_not_approved", type=facts.containment_type
        )

    allowed = (rules.outlets_by_type or {}).get(facts.containment_type)
    if facts.outlet in ("", Outlet.DONT_KNOW):
        outcomes["outlet"] = _outcome(RuleOutcome.UNKNOWN, "outlet_unknown")
    elif facts.outlet in rules.forbidden_outlets:
        outcomes["outlet"] = _outcome(RuleOutcome.FAIL, "outlet_forbidden", outlet=facts.outlet)
    elif allowed is not None and facts.outlet not in allowed:
        outcomes["outlet"] = _outcome(
            RuleOutcome.FAIL, "outlet_not_for_type", outlet=facts.outlet,
            type=facts.containment_type,
        )  # fmt: skip
    else:
        outcomes["outlet"] = _outcome(RuleOutcome.PASS, "outlet_allowed", outlet=facts.outlet)

    years = years_since_emptying(facts, as_of)
    maximum = float(rules.max_years_since_emptying)
    if facts.containment_type in (rules.emptying_not_applicable or []):
        outcomes["emptying"] = _outcome(
            RuleOutcome.NOT_APPLICABLE, "emptying_not_applicable", type=facts.containment_type
        )
    elif years is None:
        outcomes["emptying"] = _outcome(RuleOutcome.UNKNOWN, "emptying_unknown")
    else:
        never = facts.last_emptied_on is None
        code = ("never_emptied_" if never else "emptied_") + (
            "overdue" if years > rules.max_years_since_emptying else "recently"
        )
        outcome = RuleOutcome.FAIL if code.endswith("overdue") else RuleOutcome.PASS
        outcomes["emptying"] = _outcome(outcome, code, years=round(float(years), 1), max=maximum)

    minimum = float(rules.min_well_distance_m)
    if facts.well_distance_m is None and not facts.well_data:
        outcomes["well"] = _outcome(RuleOutcome.UNKNOWN, "no_well_data", min=minimum)
    elif facts.well_distance_m is None:
        outcomes["well"] = _outcome(RuleOutcome.PASS, "no_well_recorded", min=minimum)
    elif facts.well_distance_m < minimum:
        outcomes["well"] = _outcome(
            RuleOutcome.FAIL,
            "well_too_close",
            distance=round(facts.well_distance_m, 1),
            min=minimum,
        )
    else:
        outcomes["well"] = _outcome(
            RuleOutcome.PASS,
            "well_far_enough",
            distance=round(facts.well_distance_m, 1),
            min=minimum,
        )

    if facts.effective_volume_m3 is None or facts.users is None:
        outcomes["volume"] = _outcome(RuleOutcome.UNKNOWN, "volume_unknown")
    else:
        required = max(rules.min_volume_per_user_m3 * facts.users, rules.min_total_volume_m3)
        params = {
            "volume": round(float(facts.effective_volume_m3), 2),
            "required": round(float(required), 2),
            "users": facts.users,
        }
        if facts.effective_volume_m3 < required:
            outcomes["volume"] = _outcome(RuleOutcome.FAIL, "volume_too_small", **params)
        else:
            outcomes["volume"] = _outcome(RuleOutcome.PASS, "volume_sufficient", **params)
    return _status(outcomes), outcomes


def _status(outcomes: dict[str, dict[str, Any]]) -> str:
    results = {rule["outcome"] for rule in outcomes.values()}
    if RuleOutcome.FAIL in results:
        return ComplianceStatus.NON_COMPLIANT
    if RuleOutcome.UNKNOWN in results:
        return ComplianceStatus.UNKNOWN
    return ComplianceStatus.COMPLIANT


# ---------------------------------------------------------------- set-based, in PostGIS
def local_today() -> dt.date:
    return timezone.localdate()


def assess(
    *,
    rule_set: ComplianceRuleSet,
    containment_id: int | None = None,
    as_of: dt.date | None = None,
) -> int:
    """Assess every containment of the rule set's municipality (or one) in one statement,
    replacing earlier results of the same rule set. Returns the number of assessments
    written: for a whole municipality only those whose outcome changed, the run itself kept
    as a ComplianceRun."""
    now = timezone.now()
    params = {
        "rule_set": rule_set.pk,
        "municipality": rule_set.municipality_id,
        "containment": containment_id,
        "as_of": as_of or local_today(),
        "now": now,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        if containment_id is not None:
            cursor.execute(ASSESS_ONE_SQL, params)
            return cursor.rowcount
        # The grid of wells and its sort stay in memory (about 60 MB at tier M) instead of
        # spilling to disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # Left by an earlier run in the same transaction (tests; a caller's atomic block).
        cursor.execute("DROP TABLE IF EXISTS pg_temp.compliance_nearest_well")
        cursor.execute(NEAREST_WELLS_SQL, params)
        cursor.execute("ANALYZE pg_temp.compliance_nearest_well")
        cursor.execute(ASSESS_SQL, params)
        changed = cursor.rowcount
        ComplianceRun.objects.create(
            rule_set=rule_set,
            assessed_at=now,
            as_of=params["as_of"],
            containments=Containment.objects.filter(
                municipality_id=rule_set.municipality_id, retired_at__isnull=True
            ).count(),
            changed=changed,
        )
        return changed


def facts_for(*, containment_ids: list[int]) -> dict[int, ContainmentFacts]:
    """The facts the rules read, computed by the same SQL the set-based pass uses."""
    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL + " WHERE c.id = ANY(%(ids)s)", {"ids": containment_ids})
        return {row[0]: ContainmentFacts(*row[1:]) for row in cursor.fetchall()}


# ---------------------------------------------------------------- reasons in words
def describe(rule: str, result: dict[str, Any]) -> str:
    """One rule's outcome as a sentence in the active language."""
    params = result.get("params") or {}
    # "1 year", "0.5 years", "2 years": singular only for exactly one.
    count = 1 if params.get("years") == 1 else 2
    type_label = dict(ContainmentType.choices).get(params.get("type"), params.get("type"))
    outlet_label = dict(Outlet.choices).get(params.get("outlet"), params.get("outlet"))
    texts = {
        "type_approved": _("%(type)s is an approved containment type."),
        "type_not_approved": _("%(type)s is not an approved containment type."),
        "outlet_unknown": _("Where the effluent goes is not known."),
        "outlet_forbidden": _("Effluent goes to a forbidden outlet: %(outlet)s."),
        "outlet_allowed": _("Effluent goes to %(outlet)s."),
        "emptying_unknown": _("When it was last emptied is not known."),
        "emptied_recently": ngettext(
            "Emptied %(years)s year ago (at most %(max)s allowed).",
            "Emptied %(years)s years ago (at most %(max)s allowed).",
            count,
        ),
        "emptied_overdue": ngettext(
            "Last emptied %(years)s year ago; at most %(max)s allowed.",
            "Last emptied %(years)s years ago; at most %(max)s allowed.",
            count,
        ),
        "never_emptied_recently": ngettext(
            "Never emptied, built %(years)s year ago.",
            "Never emptied, built %(years)s years ago.",
            count,
        ),
        "never_emptied_overdue": ngettext(
            "Never emptied in %(years)s year since construction; at most %(max)s allowed.",
            "Never emptied in %(years)s years since construction; at most %(max)s allowed.",
            count,
        ),
        "no_well_recorded": _("No tube well or dug well is recorded within 100 m."),
        "no_well_data": _(
            "No tube well or dug well is recorded in this ward: the distance is not known."
        ),
        "outlet_not_for_type": _("A %(type)s must discharge to an allowed outlet, not %(outlet)s."),
        "emptying_not_applicable": _(
            "A %(type)s is closed or rested when full: no emptying interval applies."
        ),
        "well_too_close": _("A well is %(distance)s m away; at least %(min)s m required."),
        "well_far_enough": _("Nearest well %(distance)s m away (at least %(min)s m required)."),
        "volume_unknown": _("Volume or number of users is not known."),
        "volume_too_small": _(
            "Volume %(volume)s m³ is below the %(required)s m³ needed for %(users)s users."
        ),
        "volume_sufficient": _(
            "Volume %(volume)s m³ is enough for %(users)s users (%(required)s m³ needed)."
        ),
    }
    template = texts.get(result.get("code"), result.get("code", ""))
    return template % {**params, "type": type_label, "outlet": outlet_label}
