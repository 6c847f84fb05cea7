"""/api/v1/holdings/feeds/ and /queue/: the revenue feeds (issue 31). A billing system
pushes its rows as JSON, or a person uploads the file it exported; either is checked,
matched and (unless `dry_run`) written all at once, with a report per row. Rows that
matched no holding wait on the reconciliation queue until resolved or dismissed. All of
it is the work of the registers' editors with the whole municipality in scope."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response

from .. import importing, loading, privacy, reconciliation, selectors
from ..choices import QueueState
from ..models import Holding, QueuedRow
from . import serializers as s
from .views import _municipality, _valid

TAGS = ["holding feeds"]


def _feed_municipality(request: Request, code: str | None):
    if not selectors.may_run_feeds_anywhere(user=request.user):
        raise exceptions.PermissionDenied(_("You may not import revenue feeds."))
    municipality = _municipality(request, code)
    if not selectors.may_run_feeds(user=request.user, municipality=municipality):
        raise exceptions.PermissionDenied(
            _("Revenue feeds are imported by the editors of the whole municipality.")
        )
    return municipality


def _report(report) -> Response:
    return Response(s.FeedReportSerializer(report).data)


class FeedPushView(APIView):
    @extend_schema(
        operation_id="holding_feeds_push",
        tags=TAGS,
        request=s.FeedPushSerializer,
        responses={200: s.FeedReportSerializer},
        summary="A revenue system's rows, matched on holding numbers and written all or "
        "none (dry_run: report only); unmatched rows are queued",
    )
    def post(self, request: Request) -> Response:
        if not selectors.may_run_feeds_anywhere(user=request.user):
            raise exceptions.PermissionDenied(_("You may not import revenue feeds."))
        data = _valid(s.FeedPushSerializer, request)
        municipality = _feed_municipality(request, data.get("municipality"))
        report = importing.import_feed(
            user=request.user,
            municipality=municipality,
            feed=data["feed"],
            records=data["rows"],
            commit=not data["dry_run"],
            first_line=1,
        )
        return _report(report)


class FeedFileView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="holding_feeds_upload",
        tags=TAGS,
        request={"multipart/form-data": s.FeedFileSerializer},
        responses={200: s.FeedReportSerializer},
        summary="A revenue system's export (CSV or XLSX), matched and written all or none "
        "(dry_run: report only); unmatched rows are queued",
    )
    def post(self, request: Request) -> Response:
        report = _from_file(request, s.FeedFileSerializer, _("You may not import revenue feeds."))
        return _report(report)


class RegisterFileView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="holdings_register_upload",
        tags=["holdings"],
        request={"multipart/form-data": s.RegisterFileSerializer},
        responses={200: s.RegisterReportSerializer},
        summary="The holding register loaded from a file (its own export edited, or the "
        "municipality's property register): holdings, buildings and owners written all or "
        "none (dry_run: report only); changed owners are recorded as transfers",
    )
    def post(self, request: Request) -> Response:
        refused = _("You may not load the holding register.")
        report = _from_file(request, s.RegisterFileSerializer, refused)
        return Response(s.RegisterReportSerializer(report).data)


def _from_file(request: Request, serializer, refused: str):
    """A feed's file (or the register's, whose serializer names no feed) read and
    imported, all or none, for the editors of its whole municipality."""
    if not selectors.may_run_feeds_anywhere(user=request.user):
        raise exceptions.PermissionDenied(refused)
    data = _valid(serializer, request)
    municipality = _feed_municipality(request, data.get("municipality"))
    upload = data["file"]
    return importing.import_rows(
        feed=data.get("feed", loading.REGISTER),
        user=request.user,
        municipality=municipality,
        records=importing.sheet_rows(upload.read(), upload.name),
        commit=not data["dry_run"],
        file_name=upload.name,
    )


class FeedImportListView(APIView):
    @extend_schema(
        operation_id="holding_feeds_imports",
        tags=TAGS,
        parameters=[*PAGE_PARAMETERS, OpenApiParameter("municipality", str)],
        responses={200: page_schema(s.FeedImportSerializer)},
        summary="The feeds imported, newest first, with what each did",
    )
    def get(self, request: Request) -> Response:
        if not selectors.may_run_feeds_anywhere(user=request.user):
            raise exceptions.PermissionDenied(_("You may not import revenue feeds."))
        code = request.query_params.get("municipality")
        municipality = _municipality(request, code) if code else None
        found = selectors.feed_imports(user=request.user, municipality=municipality)
        return paged_response(request, found, s.FeedImportSerializer)


class QueueListView(APIView):
    @extend_schema(
        operation_id="holding_queue_list",
        tags=TAGS,
        parameters=[
            *PAGE_PARAMETERS,
            OpenApiParameter("municipality", str),
            OpenApiParameter("state", str, enum=QueueState.values, default=QueueState.OPEN),
        ],
        responses={200: page_schema(s.QueuedRowSerializer)},
        summary="Feed rows that matched no holding, or several, with their candidates",
    )
    def get(self, request: Request) -> Response:
        if not selectors.may_run_feeds_anywhere(user=request.user):
            raise exceptions.PermissionDenied(_("You may not import revenue feeds."))
        code = request.query_params.get("municipality")
        municipality = _municipality(request, code) if code else None
        state = request.query_params.get("state", QueueState.OPEN)
        if state not in QueueState.values:
            raise exceptions.ValidationError({"state": [_("Unknown state.")]})
        found = selectors.queue_list(user=request.user, municipality=municipality, state=state)
        return paged_response(request, found, s.QueuedRowSerializer)


def _queued(request: Request, pk: int) -> QueuedRow:
    try:
        return selectors.queued_row_get(user=request.user, row_id=pk)
    except QueuedRow.DoesNotExist:
        raise exceptions.NotFound() from None


class QueueResolveView(APIView):
    @extend_schema(
        operation_id="holding_queue_resolve",
        tags=TAGS,
        request=s.ResolveSerializer,
        responses={200: s.QueuedRowSerializer},
        summary="Tie a queued row to its holding: written, and the number as the feed "
        "writes it remembered for the next import",
    )
    def post(self, request: Request, pk: int) -> Response:
        row = _queued(request, pk)
        data = _valid(s.ResolveSerializer, request)
        try:
            holding = selectors.holding_get(user=request.user, holding_id=data["holding"])
        except Holding.DoesNotExist:
            raise exceptions.ValidationError({"holding": [_("Unknown holding.")]}) from None
        row = reconciliation.resolve(user=request.user, row=row, holding=holding)
        return Response(s.QueuedRowSerializer(row).data)


class QueueDismissView(APIView):
    @extend_schema(
        operation_id="holding_queue_dismiss",
        tags=TAGS,
        request=s.DismissSerializer,
        responses={200: s.QueuedRowSerializer},
        summary="Leave a queued row unwritten, saying why (kept as dismissed, by whom and when)",
    )
    def post(self, request: Request, pk: int) -> Response:
        row = _queued(request, pk)
        data = _valid(s.DismissSerializer, request)
        row = reconciliation.dismiss(user=request.user, row=row, reason=data["reason"])
        return Response(s.QueuedRowSerializer(row).data)


class PersonalDataLogView(APIView):
    @extend_schema(
        operation_id="holding_personal_data_log",
        tags=["holdings"],
        parameters=[*PAGE_PARAMETERS, OpenApiParameter("municipality", str)],
        responses={200: page_schema(s.PersonalDataAccessSerializer)},
        summary="Who was shown owners' ID numbers and phones, when, and in what",
    )
    def get(self, request: Request) -> Response:
        if not privacy.may_read_log(request.user):
            raise exceptions.PermissionDenied(_("You may not read this log."))
        code = request.query_params.get("municipality")
        municipality = _municipality(request, code) if code else None
        found = selectors.personal_data_log(user=request.user, municipality=municipality)
        return paged_response(request, found, s.PersonalDataAccessSerializer)
