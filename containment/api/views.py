"""Containment register, compliance rule sets and ward summaries under /api/v1/."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.permissions import require_role_anywhere
from core.roles import PERSONAL_DATA_ROLES, MembershipRole
from core.scope import user_scope
from spatial import selectors as spatial_selectors
from spatial.models import Municipality, Ward

from .. import compliance, exports, selectors, services
from .serializers import (
    EnforcementQuerySerializer,
    RuleSetInputSerializer,
    RuleSetSerializer,
    WardComplianceSerializer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _municipality_param(request: Request) -> Municipality:
    return spatial_selectors.resolve_municipality(
        user=request.user, code=request.query_params.get("municipality")
    )


class RuleSetListView(APIView):
    @extend_schema(
        operation_id="compliance_rule_sets_list",
        tags=["compliance"],
        parameters=[OpenApiParameter("municipality", str), *PAGE_PARAMETERS],
        responses={200: page_schema(RuleSetSerializer)},
    )
    def get(self, request: Request) -> Response:
        rule_sets = selectors.rule_set_list(user=request.user)
        if "municipality" in request.query_params:
            rule_sets = rule_sets.filter(municipality=_municipality_param(request))
        rule_sets = rule_sets.order_by("municipality__name", "-version")
        return paged_response(request, rule_sets, RuleSetSerializer)

    @extend_schema(
        operation_id="compliance_rule_sets_create",
        tags=["compliance"],
        request=RuleSetInputSerializer,
        responses={201: RuleSetSerializer},
        summary="Publish a new rule set version; every containment is re-assessed",
    )
    def post(self, request: Request) -> Response:
        require_role_anywhere(
            request.user,
            [MembershipRole.MUNICIPAL_ADMIN],
            _("Only a municipal admin may change the compliance rules."),
        )
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
        rows = selectors.compliance_summary_by_ward(
            municipality=municipality,
            ward_ids=spatial_selectors.ward_limit(user=request.user, municipality=municipality),
        )
        return Response(WardComplianceSerializer(rows, many=True).data)


class EnforcementListView(APIView):
    """Non-compliant containments to follow up, per ward; JSON, or a file with
    `export=csv` (streamed) or `export=xlsx`."""

    @extend_schema(
        operation_id="compliance_enforcement_list",
        tags=["compliance"],
        parameters=[
            OpenApiParameter("municipality", str),
            OpenApiParameter("ward", int),
            OpenApiParameter("export", str, enum=["csv", "xlsx"]),
            *PAGE_PARAMETERS,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request):
        query = EnforcementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        municipality = _municipality_param(request)
        scope = user_scope(request.user, PERSONAL_DATA_ROLES)
        if not scope.touches(municipality.pk):
            # Owners' names and phones: not for survey staff.
            raise exceptions.PermissionDenied(_("Your role does not show owners' details."))
        ward_id = None
        ward_ids = None if scope.whole(municipality.pk) else scope.limited_ward_ids
        if "ward" in params:
            if ward_ids is not None and params["ward"] not in ward_ids:
                raise ValidationError({"ward": [_("Unknown ward %(ward)s.") % params]})
            try:
                ward = spatial_selectors.ward_get(user=request.user, ward_id=params["ward"])
            except Ward.DoesNotExist:
                raise ValidationError({"ward": [_("Unknown ward %(ward)s.") % params]}) from None
            ward_id = ward.pk
            ward_ids = [ward_id]
        rows = selectors.enforcement_rows(municipality=municipality, ward_ids=ward_ids)
        name = f"enforcement-{municipality.code}" + (f"-ward-{ward.number}" if ward_id else "")
        export = params.get("export")
        if export == "csv":
            response = StreamingHttpResponse(
                exports.enforcement_csv(rows, language=get_language()),
                content_type="text/csv; charset=utf-8",
            )
        elif export == "xlsx":
            response = HttpResponse(
                exports.enforcement_xlsx(rows, title=_("Enforcement list")),
                content_type=XLSX,
            )
        else:
            keys = selectors.ENFORCEMENT_COLUMNS
            return paged_response(
                request,
                [
                    {
                        **dict(zip(keys[:-1], row[:-1], strict=True)),
                        "reasons": [
                            compliance.describe(rule, result)
                            for rule, result in row[-1].items()
                            if result.get("outcome") == "fail"
                        ],
                    }
                    for row in rows
                ],
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
        return response
