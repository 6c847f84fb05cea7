"""/api/v1/holdings/: the holding register (issue 31). Holdings are read by whoever reads
personal data in their ward, with owners' ID numbers and phones masked; edited (and
transferred, split, merged) by the registers' editors of their ward; an owner's ID number
and phone are shown whole by one endpoint, to the roles that may see them, each time
logged; the export leaves them out unless the exporting role may see them."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tables
from core.files import private_file_response
from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.parsers import PlainMultiPartParser
from spatial import selectors as spatial_selectors
from spatial.models import Building, Ward

from .. import privacy, selectors, services
from ..models import Holding, HoldingChange, Ownership
from . import serializers as s

TAGS = ["holdings"]


def _client(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _municipality(request: Request, code: str | None):
    return spatial_selectors.resolve_municipality(user=request.user, code=code)


def _ward(municipality, number: int) -> Ward:
    try:
        return municipality.wards.get(number=number)
    except Ward.DoesNotExist:
        raise ValidationError({"ward": [_("No ward %(n)s here.") % {"n": number}]}) from None


def _buildings(municipality, bins: list[str]) -> list[Building]:
    found = {b.bin: b for b in Building.objects.filter(municipality=municipality, bin__in=bins)}
    unknown = [b for b in bins if b not in found]
    if unknown:
        raise ValidationError({"buildings": [_("Unknown BINs: %(b)s") % {"b": unknown}]})
    return [found[b] for b in bins]


def _editable(request: Request, holding: Holding) -> None:
    if not selectors.may_edit(
        user=request.user, municipality_id=holding.municipality_id, ward_id=holding.ward_id
    ):
        raise exceptions.PermissionDenied(_("You may not edit this holding."))


def _holding(request: Request, pk: int) -> Holding:
    try:
        return selectors.holding_get(user=request.user, holding_id=pk)
    except Holding.DoesNotExist:
        raise exceptions.NotFound() from None


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _detail(request: Request, pk: int, code=status.HTTP_200_OK) -> Response:
    return Response(s.HoldingDetailSerializer(_holding(request, pk)).data, status=code)


LIST_FILTERS = [
    OpenApiParameter("municipality", str, description="The municipality's code"),
    OpenApiParameter("ward", int, description="The ward's number"),
    OpenApiParameter("number", str, description="A holding number, written any way"),
    OpenApiParameter("in_arrears", bool, description="Only holdings with tax arrears"),
]


def _listed(request: Request):
    if not selectors.may_read_anywhere(user=request.user):
        raise exceptions.PermissionDenied(_("You may not read holdings."))
    params = request.query_params
    code = params.get("municipality")
    municipality = _municipality(request, code) if code else None
    ward_id = None
    if params.get("ward"):
        if municipality is None:
            municipality = _municipality(request, None)
        try:
            ward_id = _ward(municipality, int(params["ward"])).pk
        except ValueError:
            raise ValidationError({"ward": [_("Give the ward's number.")]}) from None
    return municipality, selectors.holding_list(
        user=request.user,
        municipality=municipality,
        ward_id=ward_id,
        number=params.get("number"),
        in_arrears=params.get("in_arrears") in ("1", "true", "yes"),
    )


class HoldingListView(APIView):
    @extend_schema(
        operation_id="holdings_list",
        tags=TAGS,
        parameters=[*PAGE_PARAMETERS, *LIST_FILTERS],
        responses={200: page_schema(s.HoldingSerializer)},
        summary="Holdings with their buildings, current owners (ID and phone masked) and "
        "latest tax arrears",
    )
    def get(self, request: Request) -> Response:
        return paged_response(request, _listed(request)[1], s.HoldingSerializer)

    @extend_schema(
        operation_id="holdings_create",
        tags=TAGS,
        request=s.HoldingInputSerializer,
        responses={201: s.HoldingDetailSerializer},
        summary="Register a holding on its buildings, with its owners",
    )
    def post(self, request: Request) -> Response:
        if not selectors.may_edit_anywhere(user=request.user):
            raise exceptions.PermissionDenied(_("You may not edit the registers."))
        data = _valid(s.HoldingInputSerializer, request)
        municipality = _municipality(request, data.pop("municipality", None))
        ward = _ward(municipality, data.pop("ward"))
        if not selectors.may_edit(
            user=request.user, municipality_id=municipality.pk, ward_id=ward.pk
        ):
            raise exceptions.PermissionDenied(_("You may not edit holdings of this ward."))
        owners = data.pop("owners", [])
        buildings = _buildings(municipality, data.pop("buildings", []))
        holding = services.holding_create(
            municipality=municipality, ward=ward, buildings=buildings, **data
        )
        if owners:
            services.owners_set(holding=holding, owners=owners)
        return _detail(request, holding.pk, status.HTTP_201_CREATED)


class HoldingView(APIView):
    @extend_schema(
        operation_id="holdings_retrieve",
        tags=TAGS,
        responses={200: s.HoldingDetailSerializer},
        summary="A holding with its owners, former owners, tax years, water accounts, "
        "solid-waste fees and trade licences",
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)

    @extend_schema(
        operation_id="holdings_update",
        tags=TAGS,
        request=s.HoldingUpdateSerializer,
        responses={200: s.HoldingDetailSerializer},
        summary="Correct a holding's number, ward, attributes or buildings",
    )
    def patch(self, request: Request, pk: int) -> Response:
        holding = _holding(request, pk)
        _editable(request, holding)
        data = _valid(s.HoldingUpdateSerializer, request)
        data.pop("municipality", None)
        if "ward" in data:
            data["ward"] = _ward(holding.municipality, data["ward"])
        buildings = data.pop("buildings", None)
        if buildings is not None:
            buildings = _buildings(holding.municipality, buildings)
        services.holding_update(holding=holding, buildings=buildings, **data)
        return _detail(request, pk)


class HoldingTransferView(APIView):
    @extend_schema(
        operation_id="holdings_transfer",
        tags=TAGS,
        request=s.TransferSerializer,
        responses={200: s.HoldingDetailSerializer},
        summary="Record an ownership transfer (who, when, on what deed)",
    )
    def post(self, request: Request, pk: int) -> Response:
        holding = _holding(request, pk)
        _editable(request, holding)
        data = _valid(s.TransferSerializer, request)
        services.ownership_transfer(user=request.user, holding=holding, **data)
        return _detail(request, pk)


class HoldingSplitView(APIView):
    @extend_schema(
        operation_id="holdings_split",
        tags=TAGS,
        request=s.HoldingSplitSerializer,
        responses={201: s.ChangeSerializer},
        summary="Split a holding into new ones (it is retired, its history kept)",
    )
    def post(self, request: Request, pk: int) -> Response:
        holding = _holding(request, pk)
        _editable(request, holding)
        data = _valid(s.HoldingSplitSerializer, request)
        for part in data["parts"]:
            if "ward" in part:
                part["ward"] = _ward(holding.municipality, part["ward"])
            part["buildings"] = _buildings(holding.municipality, part.get("buildings", []))
        change = services.holding_split(user=request.user, holding=holding, **data)
        return Response(s.ChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class HoldingMergeView(APIView):
    @extend_schema(
        operation_id="holdings_merge",
        tags=TAGS,
        request=s.HoldingMergeSerializer,
        responses={201: s.ChangeSerializer},
        summary="Merge holdings into one (they are retired, their history kept)",
    )
    def post(self, request: Request) -> Response:
        if not selectors.may_edit_anywhere(user=request.user):
            raise exceptions.PermissionDenied(_("You may not edit the registers."))
        data = _valid(s.HoldingMergeSerializer, request)
        holdings = [_holding(request, pk) for pk in dict.fromkeys(data.pop("holdings"))]
        for holding in holdings:
            _editable(request, holding)
        if "ward" in data:
            data["ward"] = _ward(holdings[0].municipality, data["ward"])
        change = services.holding_merge(user=request.user, holdings=holdings, **data)
        return Response(s.ChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class PersonalDataView(APIView):
    @extend_schema(
        operation_id="holdings_owner_personal_data",
        tags=TAGS,
        responses={200: s.PersonalDataSerializer},
        summary="An owner's national ID number and phone, whole (the roles that may see "
        "them; each view is logged with who and when)",
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            ownership = selectors.ownership_get(user=request.user, ownership_id=pk)
        except Ownership.DoesNotExist:
            raise exceptions.NotFound() from None
        holding = ownership.holding
        if not privacy.may_unmask(
            request.user, municipality_id=holding.municipality_id, ward_id=holding.ward_id
        ):
            raise exceptions.PermissionDenied(_("You may see these only masked."))
        shown = privacy.owner_unmasked(
            user=request.user, owner=ownership.owner, client_address=_client(request)
        )
        response = Response(shown)
        response["Cache-Control"] = "no-store"
        return response


class HoldingExportView(APIView):
    @extend_schema(
        operation_id="holdings_export",
        tags=TAGS,
        parameters=[
            *LIST_FILTERS,
            OpenApiParameter("file_format", str, enum=["csv", "xlsx"], default="csv"),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="The holdings as a table; owners' ID numbers and phones only for the roles "
        "that may see them (and then logged)",
    )
    def get(self, request: Request):
        kind = request.query_params.get("file_format", "csv")
        if kind not in ("csv", "xlsx"):
            raise ValidationError({"file_format": [_("Choose csv or xlsx.")]})
        municipality, holdings = _listed(request)
        if municipality is None:
            municipality = _municipality(request, None)
            holdings = holdings.filter(municipality=municipality)
        whole = privacy.may_unmask(request.user, municipality_id=municipality.pk, ward_id=None)
        header = ["ward", "holding_number", "address", "land_use", "annual_valuation",
                  "valuation_year", "floor_area_m2", "buildings", "owners", "tax_year",
                  "arrears"]  # fmt: skip
        if whole:
            header += ["national_ids", "phones"]
            privacy.log_export(
                user=request.user,
                municipality_id=municipality.pk,
                records=holdings.count(),
                client_address=_client(request),
            )
        return tables.file_response(kind, header, _rows(holdings, whole), name="holdings")


def _rows(holdings, whole: bool):
    for h in holdings.iterator(chunk_size=2000):
        owners = [o.owner for o in h.current]
        row = [h.ward.number, h.number, h.address, h.land_use, h.annual_valuation,
               h.valuation_year, h.floor_area_m2, " ".join(b.bin for b in h.buildings.all()),
               "; ".join(o.name for o in owners),
               h.tax_year or "", h.arrears]  # fmt: skip
        if whole:
            row += ["; ".join(o.national_id for o in owners), "; ".join(o.phone for o in owners)]
        yield row


class EvidenceUploadSerializer(serializers.Serializer):
    evidence = serializers.FileField(help_text="The deed or order: PDF, JPEG or PNG, 10 MB")


class ChangeEvidenceView(APIView):
    """The scanned document behind a transfer, split or merge: kept privately, read by
    whoever reads one of the change's holdings, attached by their editors."""

    parser_classes = [PlainMultiPartParser]

    def _change(self, request: Request, pk: int) -> HoldingChange:
        try:
            return selectors.change_get(user=request.user, change_id=pk)
        except HoldingChange.DoesNotExist:
            raise exceptions.NotFound() from None

    @extend_schema(
        operation_id="holdings_change_evidence",
        tags=TAGS,
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="The document behind a recorded change",
    )
    def get(self, request: Request, pk: int):
        change = self._change(request, pk)
        if not change.evidence:
            raise exceptions.NotFound(_("No document was attached."))
        path = Path(change.evidence.path)
        return private_file_response(path, filename=path.name)

    @extend_schema(
        operation_id="holdings_change_evidence_attach",
        tags=TAGS,
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={200: s.ChangeSerializer},
        summary="Attach the scanned deed or order to a recorded change",
    )
    def post(self, request: Request, pk: int) -> Response:
        change = self._change(request, pk)
        holdings = [*change.before.all(), *change.after.all()]
        if not any(
            selectors.may_edit(
                user=request.user, municipality_id=h.municipality_id, ward_id=h.ward_id
            )
            for h in holdings
        ):
            raise exceptions.PermissionDenied(_("You may not edit this holding."))
        data = _valid(EvidenceUploadSerializer, request)
        services.change_attach_evidence(change=change, upload=data["evidence"])
        return Response(s.ChangeSerializer(change).data)
