"""Reads of the containment register, scoped to the user's municipalities."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet

from core.history import record_history
from core.models import Membership
from core.roles import (
    DESLUDGING_DESK_ROLES,
    INSPECTION_ROLES,
    PERSONAL_DATA_ROLES,
    MembershipRole,
)
from core.scope import holds_role_anywhere, user_scope
from spatial.models import Municipality
from spatial.selectors import User, record_in_scope, scoped

from .classification import facility_rung_annotation, sfd_class_annotation
from .enforcement import HELD
from .models import (
    ComplianceAssessment,
    ComplianceRuleSet,
    ComplianceRun,
    Containment,
    DesludgingPlan,
    EmptyingRequest,
    Inspection,
    InspectionPhoto,
    PlannedVisit,
    ServiceProvider,
    SludgeDelivery,
    TreatmentPlant,
)


def containment_list(*, user: User) -> QuerySet[Containment]:
    """Containments with their SFD class and JMP facility rung annotated, in the user's
    municipalities and wards."""
    return user_scope(user).filter(
        Containment.objects.select_related("ward").annotate(
            sfd_class=sfd_class_annotation(), jmp_rung=facility_rung_annotation()
        )
    )


def containment_get(*, user: User, containment_id: int) -> Containment:
    """Raises Containment.DoesNotExist when unknown or out of the user's scope."""
    return (
        containment_list(user=user)
        .prefetch_related("building_links__building")
        .get(pk=containment_id)
    )


def containment_with_classes(*, containment_id: int) -> Containment:
    """One containment with its classes annotated, unscoped: for rendering the result of a
    write the caller was already allowed to make."""
    return (
        Containment.objects.select_related("ward", "municipality")
        .annotate(sfd_class=sfd_class_annotation(), jmp_rung=facility_rung_annotation())
        .prefetch_related("building_links__building")
        .get(pk=containment_id)
    )


def compliance_summary_by_ward(
    *, municipality: Municipality, ward_ids: Collection[int] | None = None
) -> list[dict]:
    """Per ward (of `ward_ids` only, when given): containments by compliance status under
    the newest rule set, and how often each rule failed. One query."""
    rule_set = active_rule_set(municipality=municipality)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT w.id, w.number, w.name, w.name_bn,
                   count(c.id) AS containments,
                   count(*) FILTER (WHERE a.status = 'compliant') AS compliant,
                   count(*) FILTER (WHERE a.status = 'non_compliant') AS non_compliant,
                   count(*) FILTER (WHERE a.status = 'unknown') AS unknown,
                   count(c.id) FILTER (WHERE a.status IS NULL) AS not_assessed,
                   coalesce((SELECT jsonb_object_agg(k, n) FROM (
                       SELECT e.key AS k, count(*) AS n
                         FROM containment_containment c2
                         JOIN containment_complianceassessment a2
                           ON a2.containment_id = c2.id AND a2.rule_set_id = %(rule_set)s
                         CROSS JOIN jsonb_each(a2.outcomes) e
                        WHERE c2.ward_id = w.id AND c2.retired_at IS NULL
                          AND e.value->>'outcome' = 'fail'
                        GROUP BY e.key) f), '{}'::jsonb) AS failed_rules
              FROM spatial_ward w
              LEFT JOIN containment_containment c
                     ON c.ward_id = w.id AND c.retired_at IS NULL
              LEFT JOIN containment_complianceassessment a
                ON a.containment_id = c.id AND a.rule_set_id = %(rule_set)s
             WHERE w.municipality_id = %(municipality)s
               AND (%(wards)s::bigint[] IS NULL OR w.id = ANY(%(wards)s::bigint[]))
             GROUP BY w.id ORDER BY w.number
            """,
            {
                "municipality": municipality.pk,
                "rule_set": rule_set.pk if rule_set else None,
                "wards": None if ward_ids is None else sorted(ward_ids),
            },
        )
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        # Django leaves jsonb undecoded on raw cursors.
        if isinstance(row["failed_rules"], str):
            row["failed_rules"] = json.loads(row["failed_rules"])
    return rows


def can_manage_rules(*, user: User, municipality: Municipality) -> bool:
    """Rule sets hold for the whole municipality: a ward-limited admin may not change them."""
    return user_scope(user, [MembershipRole.MUNICIPAL_ADMIN]).whole(municipality.pk)


ENFORCEMENT_COLUMNS = [
    "containment",
    "ward",
    "building_bin",
    "holding_number",
    "owner",
    "owner_phone",
    "containment_type",
    "outlet",
    "last_emptied_on",
    "well_distance_m",
    "rule_set_version",
    "outcomes",
]


def enforcement_rows(*, municipality: Municipality, ward_ids: list[int] | None = None):
    """Non-compliant containments under the newest rule set (in `ward_ids` only, when
    given), ward by ward, with the responsible building's BIN, its holdings and their
    current owners from the holding register (else the building's holding number and the
    owner named in the latest request), and the rule outcomes (render them with
    compliance.describe). One query, streamed."""
    rule_set = active_rule_set(municipality=municipality)
    if rule_set is None:
        return
    sql = f"""
        SELECT c.code, w.number, b.bin, coalesce(held.numbers, nullif(b.holding_number, '')),
               coalesce(held.owners, owner.owner_name), owner.owner_phone,
               c.containment_type, c.outlet, c.last_emptied_on,
               round(a.well_distance_m::numeric, 1), %(version)s, a.outcomes
          FROM containment_complianceassessment a
          JOIN containment_containment c ON c.id = a.containment_id AND c.retired_at IS NULL
          LEFT JOIN spatial_ward w ON w.id = c.ward_id
          LEFT JOIN containment_containmentbuilding l
            ON l.containment_id = c.id AND l.is_responsible
          LEFT JOIN spatial_building b ON b.id = l.building_id
          {HELD}
          LEFT JOIN LATERAL (
            SELECT r.owner_name, r.owner_phone FROM containment_emptyingrequest r
             WHERE r.containment_id = c.id AND r.owner_name <> ''
             ORDER BY r.requested_at DESC LIMIT 1) owner ON TRUE
         WHERE a.rule_set_id = %(rule_set)s AND a.status = 'non_compliant'
           AND (%(wards)s::bigint[] IS NULL OR c.ward_id = ANY(%(wards)s::bigint[]))
         ORDER BY w.number, c.code
    """  # noqa: S608 (HELD is a fixed fragment of containment.enforcement)
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(
            sql, {"rule_set": rule_set.pk, "version": rule_set.version, "wards": ward_ids}
        )
        while rows := cursor.fetchmany(2000):
            for row in rows:
                outcomes = row[-1]
                yield (*row[:-1], json.loads(outcomes) if isinstance(outcomes, str) else outcomes)


def active_rule_set(*, municipality: Municipality) -> ComplianceRuleSet | None:
    """The municipality's newest rule set version, or None before any exists."""
    return ComplianceRuleSet.objects.filter(municipality=municipality).order_by("-version").first()


def rule_set_list(*, user: User) -> QuerySet[ComplianceRuleSet]:
    return scoped(ComplianceRuleSet.objects.select_related("municipality"), user)


def current_assessment(*, containment: Containment) -> ComplianceAssessment | None:
    rule_set = active_rule_set(municipality=containment.municipality)
    if rule_set is None:
        return None
    return ComplianceAssessment.objects.filter(containment=containment, rule_set=rule_set).first()


def last_assessed_at(*, assessment: ComplianceAssessment) -> dt.datetime:
    """Its own time, or its rule set's latest run if later (runs write changed rows only)."""
    runs = ComplianceRun.objects.filter(rule_set_id=assessment.rule_set_id)
    run = runs.order_by("-assessed_at").values_list("assessed_at", flat=True).first()
    return max(assessment.assessed_at, run) if run else assessment.assessed_at


# ---------------------------------------------------------------- desludging chain
def may_run_desludging_anywhere(*, user: User) -> bool:
    """Whether `user` takes calls somewhere (the help desk, or a municipal admin)."""
    return holds_role_anywhere(user=user, roles=DESLUDGING_DESK_ROLES)


def can_run_desludging(
    *, user: User, municipality_id: int, containment: Containment | None = None
) -> bool:
    """Whether `user` may record desludging work: for one containment (in his wards), or
    for the whole municipality (plans) when none is named."""
    scope = user_scope(user, DESLUDGING_DESK_ROLES)
    if containment is None:
        return scope.whole(municipality_id)
    return record_in_scope(scope=scope, record=containment)


def _operated(user: User, role: str, relation: str) -> QuerySet:
    """Ids of providers (or plants) the user operates, in municipalities where he holds the
    operator role."""
    model = ServiceProvider if relation == "operated_providers" else TreatmentPlant
    municipalities = Membership.objects.filter(user=user, role=role).values("municipality_id")
    return model.objects.filter(operators=user, municipality_id__in=municipalities).values("pk")


def _requests_visible_to(user: User, queryset: QuerySet, *, plants: bool = True) -> QuerySet:
    """Requests the user sees by role, as operator of the provider doing the job, and (with
    `plants`) as operator of a plant where a load of the job was discharged."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    by_role = (
        user_scope(user, PERSONAL_DATA_ROLES)
        .filter(queryset, ward="containment__ward")
        .values("pk")
    )
    providers = _operated(user, MembershipRole.PROVIDER_OPERATOR, "operated_providers")
    visible = Q(pk__in=by_role) | Q(provider_id__in=providers)
    if plants:
        operated = _operated(user, MembershipRole.PLANT_OPERATOR, "operated_plants")
        visible |= Q(
            pk__in=SludgeDelivery.objects.filter(plant_id__in=operated).values(
                "emptying__request_id"
            )
        )
    return queryset.filter(visible)


def operated_ids(*, user: User, role: str) -> QuerySet:
    """Ids of the providers (PROVIDER_OPERATOR) or plants (PLANT_OPERATOR) the user runs."""
    relation = "operated_providers" if role == MembershipRole.PROVIDER_OPERATOR else "plants"
    return _operated(user, role, relation)


def operates_provider(*, user: User, provider_id: int | None) -> bool:
    return provider_id is not None and (
        _operated(user, MembershipRole.PROVIDER_OPERATOR, "operated_providers")
        .filter(pk=provider_id)
        .exists()
    )


def operates_plant(*, user: User, plant_id: int | None) -> bool:
    return plant_id is not None and (
        _operated(user, MembershipRole.PLANT_OPERATOR, "operated_plants")
        .filter(pk=plant_id)
        .exists()
    )


def emptying_request_list(
    *, user: User, status: str | None = None, ward_id: int | None = None
) -> QuerySet[EmptyingRequest]:
    # Requests carry the applicant's name and phone: only roles that handle them see them,
    # and operators the jobs of their provider or the loads discharged at their plant.
    queryset = _requests_visible_to(
        user,
        EmptyingRequest.objects.select_related(
            "containment",
            "containment__ward",
            "provider",
            "emptying",
            "emptying__vehicle",
            "feedback",
        ).prefetch_related(
            Prefetch(
                "emptying__deliveries",
                queryset=SludgeDelivery.objects.select_related("plant").order_by(
                    "delivered_at", "id"
                ),
            )
        ),
    )
    if status:
        queryset = queryset.filter(status=status)
    if ward_id:
        queryset = queryset.filter(containment__ward_id=ward_id)
    return queryset.order_by("-is_emergency", "-requested_at", "-id")


def emptying_request_get(*, user: User, request_id: int) -> EmptyingRequest:
    return emptying_request_list(user=user).get(pk=request_id)


def sludge_delivery_list(
    *, user: User, status: str | None = None, plant_id: int | None = None
) -> QuerySet[SludgeDelivery]:
    """Loads discharged at plants: a plant's operators see every load discharged at their
    plant (not where else the job's loads went); whoever sees a request by role or as its
    provider sees its loads. No applicant data rides along."""
    queryset = SludgeDelivery.objects.select_related(
        "plant",
        "emptying",
        "emptying__vehicle",
        "emptying__request",
        "emptying__request__provider",
        "emptying__request__containment",
        "emptying__request__containment__ward",
    )
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        plants = _operated(user, MembershipRole.PLANT_OPERATOR, "operated_plants")
        requests = _requests_visible_to(user, EmptyingRequest.objects.all(), plants=False)
        requests = requests.values("pk")
        queryset = queryset.filter(Q(plant_id__in=plants) | Q(emptying__request_id__in=requests))
    if status:
        queryset = queryset.filter(status=status)
    if plant_id:
        queryset = queryset.filter(plant_id=plant_id)
    return queryset.order_by("-delivered_at", "-id")


def sludge_delivery_get(*, user: User, delivery_id: int) -> SludgeDelivery:
    return sludge_delivery_list(user=user).get(pk=delivery_id)


def treatment_plant_list(*, user: User) -> QuerySet[TreatmentPlant]:
    return scoped(TreatmentPlant.objects.all(), user)


def service_provider_list(*, user: User) -> QuerySet[ServiceProvider]:
    return scoped(ServiceProvider.objects.prefetch_related("vehicles", "wards"), user)


def desludging_plan_get(*, user: User, plan_id: int) -> DesludgingPlan:
    return scoped(DesludgingPlan.objects.select_related("municipality"), user).get(pk=plan_id)


def planned_visit_list(*, user: User, plan: DesludgingPlan) -> QuerySet[PlannedVisit]:
    """The plan's visits the user reads: a ward-limited reader sees his wards' visits."""
    visits = PlannedVisit.objects.filter(plan=plan).select_related(
        "containment", "containment__ward"
    )
    return user_scope(user).filter(
        visits, ward="containment__ward", municipality="plan__municipality"
    )


def can_inspect(*, user: User, containment: Containment) -> bool:
    return record_in_scope(scope=user_scope(user, INSPECTION_ROLES), record=containment)


def inspection_list(*, containment: Containment) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(containment=containment)
        .select_related("inspector")
        .prefetch_related("photos")
    )


def inspection_photo_get(*, user: User, photo_id: int) -> InspectionPhoto:
    """A photo of an inspection of a containment in the user's scope; DoesNotExist else."""
    queryset = InspectionPhoto.objects.select_related("inspection")
    return (
        user_scope(user)
        .filter(
            queryset,
            ward="inspection__containment__ward",
            municipality="inspection__containment__municipality",
        )
        .get(pk=photo_id)
    )


def inspection_get(*, user: User, inspection_id: int) -> Inspection:
    queryset = Inspection.objects.select_related("containment")
    return (
        user_scope(user)
        .filter(queryset, ward="containment__ward", municipality="containment__municipality")
        .get(pk=inspection_id)
    )


def containment_history(*, containment: Containment, limit: int = 20) -> list[dict]:
    """Newest first: when, what kind of event, who (when known) and what changed."""
    return record_history(containment, limit=limit)
