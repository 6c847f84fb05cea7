"""The data quality page (/quality/) and its API (/api/v1/dashboards/quality/): parse the
choice of municipality, ward and check, call dashboards/quality.py, render."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import registry
from core.local import local_name
from core.pages import record_url

from . import quality, services

PAGE_SIZE = 100


class QualityQuery(serializers.Serializer):
    municipality = serializers.SlugField(required=False)
    ward = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    check = serializers.ChoiceField(choices=list(quality.CHECKS_BY_CODE), required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=10**9, default=0)
    page = serializers.IntegerField(required=False, min_value=1, max_value=10**6, default=1)


def _records(rows: list[dict], check: quality.Check) -> list[dict]:
    """Each failing record with its page and its place in the map editor."""
    register = registry.get(check.register)
    for row in rows:
        key = row["id"] if register.page_key == "id" else row["label"]
        row["url"] = record_url(register, key)
        row["editor_url"] = f"{reverse('spatial:editor')}#map=20/{row['lat']:.6f}/{row['lon']:.6f}"
    return rows


def _cells(row: dict, label) -> dict:
    """A row of the page's tables: completeness as shares with counts, then each check's
    failing records, in the declared order."""
    return {
        "label": label,
        "ward": row.get("ward"),
        "completeness": [
            {
                **row["completeness"][item.code],
                "share": (
                    row["completeness"][item.code]["known"] / row["completeness"][item.code]["of"]
                    if row["completeness"][item.code]["of"]
                    else None
                ),
            }
            for item in quality.COMPLETENESS
        ],
        "checks": [row["checks"][check.code] for check in quality.CHECKS],
    }


def _definitions() -> dict:
    return {
        "completeness": [
            {"code": item.code, "label": str(item.label), "of": item.register}
            for item in quality.COMPLETENESS
        ],
        "checks": [
            {
                "code": check.code,
                "label": str(check.label),
                "definition": quality.definition(check),
                "register": check.register,
            }
            for check in quality.CHECKS
        ],
    }


def _scope(request, data: dict, not_found: type[Exception], denied: type[Exception]):
    """The municipality, wards and choices the request may check, or the page's or the API's
    own 404 (a place outside the user's reach) and 403 (no editing role anywhere)."""
    try:
        scope = quality.quality_scope(
            user=request.user, code=data.get("municipality"), ward_id=data.get("ward")
        )
    except quality.NotInScope as exc:
        raise not_found from exc
    if scope is None:
        raise denied
    return scope


@require_http_methods(["GET", "POST"])
def quality_page(request: HttpRequest) -> HttpResponse:
    """GET: the page; POST: count again now, then back to the page."""
    if not request.user.is_authenticated:
        if request.method == "POST":
            raise PermissionDenied
        return redirect_to_login(request.get_full_path())
    query = QualityQuery(data=request.GET)
    if not query.is_valid():
        return HttpResponseBadRequest(
            " ".join(str(e) for errors in query.errors.values() for e in errors)
        )
    data = query.validated_data
    municipality, wards, municipalities = _scope(request, data, Http404, PermissionDenied)
    if request.method == "POST":
        services.quality_current(municipality=municipality, wards=wards, recount=True)
        return redirect(request.get_full_path())
    rows, counted_at = services.quality_current(municipality=municipality, wards=wards)
    check = quality.CHECKS_BY_CODE.get(data.get("check", ""))
    listing = None
    if check is not None:
        page = data["page"]
        total, records = quality.check_records(
            municipality=municipality,
            check=check,
            wards=wards,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        listing = {
            "check": check,
            "definition": quality.definition(check),
            "total": total,
            "records": _records(records, check),
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        }
    total = quality.summed(rows)
    context = {
        "municipality": municipality,
        "municipalities": municipalities,
        "counted_at": counted_at,
        "ward": data.get("ward"),
        "wards": [
            {"id": row["ward"], "label": local_name(row["name"], row["name_bn"])} for row in rows
        ]
        if data.get("ward") is None
        else [],
        "rows": [_cells(row, local_name(row["name"], row["name_bn"])) for row in rows],
        "total": _cells(total, _("All wards shown")),
        "trend": [
            _cells(day, day["taken_on"])
            for day in quality.quality_trend(municipality=municipality, wards=wards)
        ],
        "completeness": quality.COMPLETENESS,
        "check_rows": [
            {
                "check": check,
                "definition": quality.definition(check),
                "counts": [row["checks"][check.code] for row in rows],
                "total": total["checks"][check.code],
            }
            for check in quality.CHECKS
        ],
        "listing": listing,
    }
    return render(request, "dashboards/quality.html", context)


def _api_scope(request: Request, data: dict):
    return _scope(request, data, NotFound, ApiPermissionDenied)


_PARAMETERS = [
    OpenApiParameter("municipality", str, description="Municipality code (default: the first)"),
    OpenApiParameter("ward", int, description="One ward's id (default: every ward in reach)"),
]


class QualityApi(APIView):
    @extend_schema(
        operation_id="data_quality",
        parameters=_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        tags=["dashboards"],
        summary="Each ward's completeness of key attributes and failing records per check",
        description="Counted for the whole municipality at most `IMIS_QUALITY_MAX_AGE_S` "
        "seconds ago (`counted_at`); the lists of /quality/<check>/ are read as they stand.",
    )
    def get(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise ApiPermissionDenied
        query = QualityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        municipality, wards, _ = _api_scope(request, query.validated_data)
        rows, counted_at = services.quality_current(municipality=municipality, wards=wards)
        return Response(
            {
                "municipality": municipality.code,
                "counted_at": counted_at,
                "definitions": _definitions(),
                "wards": rows,
                "total": quality.summed(rows),
            }
        )


class QualityCheckApi(APIView):
    @extend_schema(
        operation_id="data_quality_check",
        parameters=[
            *_PARAMETERS,
            OpenApiParameter("limit", int, description="At most this many (100, up to 1,000)"),
            OpenApiParameter("offset", int, description="Skip this many"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        tags=["dashboards"],
        summary="The records failing one data quality check, with their pages and places",
    )
    def get(self, request: Request, check: str) -> Response:
        if not request.user.is_authenticated:
            raise ApiPermissionDenied
        query = QualityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        municipality, wards, _ = _api_scope(request, query.validated_data)
        declared = quality.CHECKS_BY_CODE.get(check)
        if declared is None:
            raise NotFound
        data = query.validated_data
        total, records = quality.check_records(
            municipality=municipality,
            check=declared,
            wards=wards,
            limit=data["limit"],
            offset=data["offset"],
        )
        return Response(
            {
                "check": check,
                "definition": quality.definition(declared),
                "count": total,
                "results": _records(records, declared),
            }
        )
