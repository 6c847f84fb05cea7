"""Reads of the containment register, scoped to the user's municipalities."""

from __future__ import annotations

from django.db.models import QuerySet

from spatial.models import Municipality
from spatial.selectors import User, visible_municipality_ids

from .classification import facility_rung_annotation, sfd_class_annotation
from .models import ComplianceAssessment, ComplianceRuleSet, Containment


def _scoped(queryset: QuerySet, user: User) -> QuerySet:
    ids = visible_municipality_ids(user)
    return queryset if ids is None else queryset.filter(municipality_id__in=ids)


def containment_list(*, user: User) -> QuerySet[Containment]:
    """Containments with their SFD class and JMP facility rung annotated."""
    return _scoped(
        Containment.objects.select_related("ward").annotate(
            sfd_class=sfd_class_annotation(), jmp_rung=facility_rung_annotation()
        ),
        user,
    )


def containment_get(*, user: User, containment_id: int) -> Containment:
    """Raises Containment.DoesNotExist when unknown or out of the user's scope."""
    return (
        containment_list(user=user)
        .prefetch_related("building_links__building")
        .get(pk=containment_id)
    )


def active_rule_set(*, municipality: Municipality) -> ComplianceRuleSet | None:
    """The municipality's newest rule set version, or None before any exists."""
    return ComplianceRuleSet.objects.filter(municipality=municipality).order_by("-version").first()


def rule_set_list(*, user: User) -> QuerySet[ComplianceRuleSet]:
    return _scoped(ComplianceRuleSet.objects.select_related("municipality"), user)


def current_assessment(*, containment: Containment) -> ComplianceAssessment | None:
    rule_set = active_rule_set(municipality=containment.municipality)
    if rule_set is None:
        return None
    return ComplianceAssessment.objects.filter(containment=containment, rule_set=rule_set).first()
