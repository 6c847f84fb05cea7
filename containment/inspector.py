"""The inspector's worklist (issue 25): the containments in his wards that fail the
municipality's rules or cannot be judged for missing data, the failing ones first and,
among them, those never visited or visited longest ago. Sites at the building-approval
stage join the list once the approval register exists (issue 31)."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.db.models.functions import Transform
from django.db.models import Case, F, Max, OuterRef, Q, Subquery, Value, When

from core.roles import INSPECTION_ROLES
from core.scope import user_scope
from spatial import selectors as spatial_selectors

from . import compliance, selectors
from .choices import ComplianceStatus
from .models import ComplianceAssessment, Containment

WORKLIST_LIMIT = 500


def inspection_worklist(*, user: Any, limit: int = WORKLIST_LIMIT) -> list[dict[str, Any]]:
    scope = user_scope(user, INSPECTION_ROLES)
    rows: list[dict[str, Any]] = []
    for municipality in spatial_selectors.municipality_list(user=user):
        if not scope.touches(municipality.pk):
            continue
        rule_set = selectors.active_rule_set(municipality=municipality)
        assessment = ComplianceAssessment.objects.filter(
            containment=OuterRef("pk"), rule_set=rule_set
        )
        containments = (
            scope.filter(Containment.objects.filter(municipality=municipality))
            .annotate(
                status=Subquery(assessment.values("status")[:1]),
                failed=Subquery(assessment.values("failed_rules")[:1]),
                last_visit=Max("inspections__visited_on"),
                point=Transform("geom", 4326),
            )
            .filter(
                Q(status__in=(ComplianceStatus.NON_COMPLIANT, ComplianceStatus.UNKNOWN))
                | Q(status__isnull=True)
            )
            .annotate(
                failing_first=Case(
                    When(status=ComplianceStatus.NON_COMPLIANT, then=Value(0)), default=Value(1)
                )
            )
            .select_related("ward")
            .order_by("failing_first", F("last_visit").asc(nulls_first=True), "code")[
                : limit - len(rows)
            ]
        )
        for c in containments:
            rows.append(
                {
                    "id": c.pk,
                    "code": c.code,
                    "ward": c.ward.number if c.ward else None,
                    "status": c.status or ComplianceStatus.UNKNOWN,
                    "status_label": str(
                        ComplianceStatus(c.status or ComplianceStatus.UNKNOWN).label
                    ),
                    "failed": [str(compliance.RULE_LABELS.get(r, r)) for r in (c.failed or [])],
                    "last_visit": c.last_visit.isoformat() if c.last_visit else None,
                    "type": c.get_containment_type_display(),
                    "lon": round(c.point.x, 6),
                    "lat": round(c.point.y, 6),
                }
            )
        if len(rows) >= limit:
            break
    return rows
