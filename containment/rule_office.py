"""Rule sets in the municipal admin's hands (issue 26): a draft of the next version, the
preview of its impact, publishing it with a reason, and comparing two versions.

The preview is the publication itself, rolled back: inside a savepoint the draft is
published through services.rule_set_create (the same version number, the same one-pass
re-assessment), the statuses before and after are compared per ward, and the savepoint is
undone. What the preview shows is therefore what publishing does."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from spatial.models import Municipality

from . import services
from .choices import ContainmentType, Outlet
from .models import ComplianceRuleSet, RuleSetDraft
from .selectors import active_rule_set

# The values a version holds (and a draft edits).
FIELDS = (
    "approved_types",
    "forbidden_outlets",
    "outlets_by_type",
    "max_years_since_emptying",
    "sludge_share_to_empty",
    "emptying_not_applicable",
    "groundwater_risk_wards",
    "min_well_distance_m",
    "min_volume_per_user_m3",
    "min_total_volume_m3",
    "notes",
)
DECIMALS = {
    "max_years_since_emptying",
    "sludge_share_to_empty",
    "min_well_distance_m",
    "min_volume_per_user_m3",
    "min_total_volume_m3",
}
CHANGED_LIST = 200


def values_of(rule_set: ComplianceRuleSet | None) -> dict[str, Any]:
    source = rule_set or ComplianceRuleSet()
    return model_to_dict(source, fields=FIELDS)


def _to_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _from_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Decimal(v) if k in DECIMALS and v is not None else v for k, v in values.items()}


def draft_values(*, municipality: Municipality) -> dict[str, Any]:
    """The draft's values, or the active version's when there is no draft."""
    draft = RuleSetDraft.objects.filter(municipality=municipality).first()
    if draft is not None:
        return {**values_of(None), **_from_json(draft.values)}
    return values_of(active_rule_set(municipality=municipality))


def draft_save(*, municipality: Municipality, values: dict[str, Any], by: Any) -> RuleSetDraft:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    draft, _created = RuleSetDraft.objects.update_or_create(
        municipality=municipality, defaults={"values": _to_json(values), "updated_by": by}
    )
    return draft


def _statuses(rule_set: ComplianceRuleSet | None) -> dict[int, tuple[int | None, str]]:
    if rule_set is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.containment_id, w.number, a.status
              FROM containment_complianceassessment a
              JOIN containment_containment c ON c.id = a.containment_id
              LEFT JOIN spatial_ward w ON w.id = c.ward_id
             WHERE a.rule_set_id = %s
            """,
            [rule_set.pk],
        )
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def _impact(before: dict, after: dict) -> dict[str, Any]:
    moves: Counter = Counter()
    changed = []
    for containment_id, (ward, status) in after.items():
        old = before.get(containment_id, (ward, None))[1]
        if old != status:
            moves[(ward, old, status)] += 1
            changed.append((containment_id, ward, old, status))
    rows = [
        {"ward": ward, "before": old, "after": new, "count": count}
        for (ward, old, new), count in sorted(
            moves.items(), key=lambda kv: (kv[0][0] or 0, str(kv[0][1]), kv[0][2])
        )
    ]
    return {"rows": rows, "changed": len(changed), "examples": changed[:CHANGED_LIST]}


def preview(*, municipality: Municipality, values: dict[str, Any]) -> dict[str, Any]:
    """How many containments per ward move between statuses if `values` were published,
    and which (up to CHANGED_LIST). Nothing is kept."""
    before = _statuses(active_rule_set(municipality=municipality))
    with transaction.atomic():
        point = transaction.savepoint()
        try:
            rule_set = services.rule_set_create(municipality=municipality, **values)
            after = _statuses(rule_set)
            version = rule_set.version
        finally:
            transaction.savepoint_rollback(point)
    return {**_impact(before, after), "version": version}


@transaction.atomic
def publish(
    *, municipality: Municipality, values: dict[str, Any], reason: str, by: Any
) -> tuple[ComplianceRuleSet, dict[str, Any]]:
    """Publish `values` as the next version (re-assessing every containment), with the
    reason; the draft is done. Returns the version and the impact it had."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the rules change.")]})
    before = _statuses(active_rule_set(municipality=municipality))
    rule_set = services.rule_set_create(
        municipality=municipality, created_by=by, publish_reason=reason.strip()[:300], **values
    )
    RuleSetDraft.objects.filter(municipality=municipality).delete()
    return rule_set, _impact(before, _statuses(rule_set))


def _shown(name: str, value: Any) -> Any:
    """Lists of codes in words (the reader's language); other values as they are."""
    base = getattr(ComplianceRuleSet._meta.get_field(name), "base_field", None)
    labels = dict(base.choices or []) if base is not None else {}
    if isinstance(value, list) and labels:
        return ", ".join(str(labels.get(code, code)) for code in value) or "–"
    if isinstance(value, dict):  # outlets per type
        types, outlets = dict(ContainmentType.choices), dict(Outlet.choices)
        return (
            "; ".join(
                f"{types.get(kind, kind)}: " + ", ".join(str(outlets.get(o, o)) for o in allowed)
                for kind, allowed in sorted(value.items())
            )
            or "–"
        )
    return value


def compare(first: ComplianceRuleSet, second: ComplianceRuleSet) -> list[dict[str, Any]]:
    """The values that differ between two versions, field by field."""
    a, b = values_of(first), values_of(second)
    return [
        {
            "field": str(ComplianceRuleSet._meta.get_field(name).verbose_name),
            "first": _shown(name, a[name]),
            "second": _shown(name, b[name]),
        }
        for name in FIELDS
        if a[name] != b[name]
    ]
