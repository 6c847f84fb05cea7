"""Containment register, compliance rule sets and ward summaries under /api/v1/."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from spatial import selectors as spatial_selectors
from spatial.api.views import (
    FEATURE_COLLECTION,
    LIST_PARAMETERS,
    LayerDetailView,
    LayerListView,
    Resource,
)
from spatial.models import Municipality

from .. import selectors, services
from ..layers import containments_layer
from .serializers import (
    ContainmentFeatureSerializer,
    ContainmentPropertiesSerializer,
    ContainmentQuerySerializer,
    RuleSetInputSerializer,
    RuleSetSerializer,
    WardComplianceSerializer,
)


def _create(**values: Any):
    created = services.containment_create(**values)
    return selectors.containment_with_classes(containment_id=created.pk)


def _update(*, containment, **values: Any):
    updated = services.containment_update(containment=containment, **values)
    return selectors.containment_with_classes(containment_id=updated.pk)


def _resource() -> Resource:
    return Resource(
        containments_layer(),
        ContainmentPropertiesSerializer,
        ContainmentFeatureSerializer,
        selectors.containment_get,
        _create,
        _update,
        services.containment_delete,
        "containment",
    )


CONTAINMENT_PARAMETERS = [
    *LIST_PARAMETERS,
    OpenApiParameter("status", str, description="compliant, non_compliant or unknown"),
    OpenApiParameter("sfd_class", str, description="contained, not_contained, sewered, unknown"),
]


@extend_schema_view(
    get=extend_schema(
        operation_id="containments_list",
        parameters=CONTAINMENT_PARAMETERS,
        responses={200: FEATURE_COLLECTION},
        tags=["containments"],
        summary="Containments with SFD class, JMP rung and compliance, as GeoJSON",
    ),
    post=extend_schema(
        operation_id="containments_create",
        request=OpenApiTypes.OBJECT,
        responses={201: ContainmentFeatureSerializer},
        tags=["containments"],
        summary="Register a containment (a GeoJSON Point Feature)",
    ),
)
class ContainmentListView(LayerListView):
    query_serializer = ContainmentQuerySerializer

    @property
    def resource(self) -> Resource:
        return _resource()


@extend_schema_view(
    get=extend_schema(
        operation_id="containments_retrieve",
        responses={200: ContainmentFeatureSerializer},
        tags=["containments"],
    ),
    put=extend_schema(
        operation_id="containments_update",
        request=OpenApiTypes.OBJECT,
        responses={200: ContainmentFeatureSerializer},
        tags=["containments"],
    ),
    patch=extend_schema(
        operation_id="containments_partial_update",
        request=OpenApiTypes.OBJECT,
        responses={200: ContainmentFeatureSerializer},
        tags=["containments"],
    ),
    delete=extend_schema(
        operation_id="containments_destroy", responses={204: None}, tags=["containments"]
    ),
)
class ContainmentDetailView(LayerDetailView):
    @property
    def resource(self) -> Resource:
        return _resource()


def _municipality_param(request: Request) -> Municipality:
    code = request.query_params.get("municipality")
    if code is None:
        visible = list(spatial_selectors.municipality_list(user=request.user)[:2])
        if len(visible) == 1:
            return visible[0]
        raise ValidationError({"municipality": [_("This field is required.")]})
    try:
        return spatial_selectors.municipality_get(user=request.user, code=code)
    except Municipality.DoesNotExist:
        raise ValidationError(
            {"municipality": [_("Unknown municipality %(code)s.") % {"code": code}]}
        ) from None


class RuleSetListView(APIView):
    @extend_schema(
        operation_id="compliance_rule_sets_list",
        tags=["compliance"],
        parameters=[OpenApiParameter("municipality", str)],
        responses={200: RuleSetSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rule_sets = selectors.rule_set_list(user=request.user)
        if "municipality" in request.query_params:
            rule_sets = rule_sets.filter(municipality=_municipality_param(request))
        return Response(RuleSetSerializer(rule_sets, many=True).data)

    @extend_schema(
        operation_id="compliance_rule_sets_create",
        tags=["compliance"],
        request=RuleSetInputSerializer,
        responses={201: RuleSetSerializer},
        summary="Publish a new rule set version; every containment is re-assessed",
    )
    def post(self, request: Request) -> Response:
        values = RuleSetInputSerializer(data=request.data)
        values.is_valid(raise_exception=True)
        data = dict(values.validated_data)
        municipality = data.pop("municipality")
        if (
            not spatial_selectors.municipality_list(user=request.user)
            .filter(pk=municipality.pk)
            .exists()
        ):
            raise ValidationError({"municipality": [_("Unknown municipality.")]})
        if not selectors.can_manage_rules(user=request.user, municipality=municipality):
            raise exceptions.PermissionDenied(
                _("Only a municipal admin may change the compliance rules.")
            )
        rule_set = services.rule_set_create(
            municipality=municipality, created_by=request.user, **data
        )
        return Response(RuleSetSerializer(rule_set).data, status=status.HTTP_201_CREATED)


class WardComplianceView(APIView):
    @extend_schema(
        operation_id="compliance_by_ward",
        tags=["compliance"],
        parameters=[OpenApiParameter("municipality", str)],
        responses={200: WardComplianceSerializer(many=True)},
        summary="Containments by compliance status per ward, and how often each rule failed",
    )
    def get(self, request: Request) -> Response:
        municipality = _municipality_param(request)
        rows = selectors.compliance_summary_by_ward(municipality=municipality)
        return Response(WardComplianceSerializer(rows, many=True).data)
