"""The users of a public or community toilet counted over time, under
/api/v1/public-toilets/<id>/counts/: read by whoever may read the block, recorded by those
who edit the registers."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from spatial import selectors as spatial_selectors
from spatial.api.serializers import StrictFieldsMixin

from .. import services
from ..models import PublicToilet, PublicToiletCount


class ToiletCountInputSerializer(StrictFieldsMixin, serializers.Serializer):
    counted_on = serializers.DateField()
    women = serializers.IntegerField(min_value=0, max_value=100_000)
    men = serializers.IntegerField(min_value=0, max_value=100_000)
    rating = serializers.DecimalField(
        max_digits=2, decimal_places=1, min_value=1, max_value=5, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_counted_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("The date lies in the future."))
        return value


class ToiletCountSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicToiletCount
        fields = ["id", "toilet", "counted_on", "women", "men", "rating", "note"]


def _toilet(request: Request, pk: int) -> PublicToilet:
    return spatial_selectors.record_get(model=PublicToilet, user=request.user, record_id=pk)


class ToiletCountsView(APIView):
    @extend_schema(
        operation_id="public_toilet_counts_list",
        tags=["public-toilets"],
        parameters=PAGE_PARAMETERS,
        responses={200: page_schema(ToiletCountSerializer)},
        summary="The block's user counts, newest first",
    )
    def get(self, request: Request, pk: int) -> Response:
        toilet = _toilet(request, pk)
        return paged_response(request, toilet.counts.order_by("-counted_on"), ToiletCountSerializer)

    @extend_schema(
        operation_id="public_toilet_counts_record",
        tags=["public-toilets"],
        request=ToiletCountInputSerializer,
        responses={201: ToiletCountSerializer, 200: ToiletCountSerializer},
        summary="Record a day's count of users (200: that day's count corrected)",
    )
    def post(self, request: Request, pk: int) -> Response:
        toilet = _toilet(request, pk)
        if not spatial_selectors.can_edit_record(user=request.user, record=toilet):
            raise exceptions.PermissionDenied(_("You may not edit this register."))
        data = ToiletCountInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count, created = services.toilet_count_record(toilet=toilet, **data.validated_data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ToiletCountSerializer(count).data, status=code)
