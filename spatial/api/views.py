"""The API of municipalities; the registers' routes come from spatial.api.layer_views."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response

from .. import selectors
from .serializers import MunicipalitySerializer


class MunicipalityListView(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(MunicipalitySerializer)},
        tags=["municipalities"],
    )
    def get(self, request: Request) -> Response:
        municipalities = selectors.municipality_list(user=request.user).order_by("name", "pk")
        return paged_response(request, municipalities, MunicipalitySerializer)
