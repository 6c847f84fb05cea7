"""GET /api/v1/search/?q=: the search box's answers (core.search)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .search import MAX_LENGTH, search


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_LENGTH * 2, allow_blank=True, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False, default=10)


class SearchView(APIView):
    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="BIN, holding number, code or road name, from its start (Latin or "
                "Bangla digits)",
            ),
            OpenApiParameter("limit", int, description="At most this many per register (10)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        tags=["search"],
        summary="Find records by what people call them, exact matches first",
    )
    def get(self, request: Request) -> Response:
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = search(
            user=request.user, text=query.validated_data["q"], limit=query.validated_data["limit"]
        )
        return Response({"results": results})
