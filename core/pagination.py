"""One paging envelope for every JSON list of the API:

    {"count": 1234, "next": "<url>|null", "previous": "<url>|null", "results": [...]}

with `limit` (default 100, at most 1000) and `offset`. A client asking for more than the
most gets the most and a `next` link, never a silent cut. GeoJSON layer lists page the OGC
API way instead (`numberMatched`, `numberReturned`, `next`/`prev` links), which QGIS and
GDAL follow (decision 0009).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Far beyond any register (and within PostgreSQL's bigint OFFSET): a larger offset is a
# mistake or an attack, and gets a 400 rather than a database error.
MAX_OFFSET = 1_000_000_000


class ListPage(LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    @staticmethod
    def _whole(request: Request, name: str, minimum: int, maximum: int) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        try:
            value = int(raw) if len(raw) <= 20 else None
        except ValueError:
            value = None
        if value is None or not minimum <= value <= maximum:
            raise ValidationError(
                {
                    name: [
                        _("Must be a whole number from %(min)s to %(max)s.")
                        % {"min": minimum, "max": maximum}
                    ]
                }
            )
        return value

    def get_limit(self, request: Request) -> int:
        # More than the most is allowed (the most is served, with a `next` link).
        limit = self._whole(request, self.limit_query_param, 1, MAX_OFFSET)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return self._whole(request, self.offset_query_param, 0, MAX_OFFSET) or 0


def paged_response(
    request: Request, items: Any, serializer: type[serializers.Serializer] | None = None
):
    """The page of `items` (a queryset or list) that the request's limit/offset name,
    serialized by `serializer` (items already plain data without one), in the envelope."""
    paginator = ListPage()
    page = paginator.paginate_queryset(items, request)
    data = page if serializer is None else serializer(page, many=True).data
    return paginator.get_paginated_response(data)


def page_schema(serializer: type[serializers.Serializer]) -> serializers.Serializer:
    """The envelope of `serializer` for the OpenAPI schema."""
    return inline_serializer(
        name=f"Paged{serializer.__name__.removesuffix('Serializer')}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer(many=True),
        },
    )


PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description=f"Page size (default {DEFAULT_LIMIT}, at most "
                     f"{MAX_LIMIT})"),
    OpenApiParameter("offset", int, description="Items to skip"),
]  # fmt: skip
