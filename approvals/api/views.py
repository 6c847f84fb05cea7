"""/api/v1/approvals/: building applications (issue 32). Listed and read by the roles of
building approval in their municipality or wards; each step is its owner role's (the
municipal admin may take any); a refusal says which role the step is for."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.parsers import PlainMultiPartParser
from holdings.models import Holding
from spatial.selectors import resolve_municipality

from .. import selectors, services
from ..choices import Stage
from ..models import Application
from . import serializers as s

TAGS = ["building approval"]


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _application(request: Request, pk: int) -> Application:
    try:
        return selectors.application_get(user=request.user, application_id=pk)
    except Application.DoesNotExist:
        raise exceptions.NotFound() from None


def _may(request: Request, application: Application, step: str) -> None:
    """Refuse a step the user may not take now, before reading what they sent."""
    if not selectors.next_steps(user=request.user, application=application)[step]:
        raise exceptions.PermissionDenied(_("This step is not yours to take now."))


def _answer(application: Application, code=status.HTTP_200_OK) -> Response:
    fresh = Application.objects.select_related(
        "municipality", "ward", "holding", "design_rule_set", "building", "containment"
    ).get(pk=application.pk)
    return Response(s.ApplicationSerializer(fresh).data, status=code)


class ApplicationListView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="approvals_list",
        tags=TAGS,
        parameters=[*PAGE_PARAMETERS, OpenApiParameter("stage", str, enum=Stage.values)],
        responses={200: page_schema(s.ApplicationListSerializer)},
        summary="Building applications, newest first",
    )
    def get(self, request: Request) -> Response:
        if not selectors.may_read_anywhere(user=request.user):
            raise exceptions.PermissionDenied()
        stage = request.query_params.get("stage")
        if stage and stage not in Stage.values:
            raise exceptions.ValidationError({"stage": [_("Unknown stage.")]})
        found = selectors.application_list(user=request.user, stage=stage)
        return paged_response(request, found, s.ApplicationListSerializer)

    @extend_schema(
        operation_id="approvals_submit",
        tags=TAGS,
        request=s.ApplicationInputSerializer,
        responses={201: s.ApplicationSerializer},
        summary="Take in an application (the building approval officer)",
    )
    def post(self, request: Request) -> Response:
        if not selectors.may_submit_anywhere(user=request.user):
            raise exceptions.PermissionDenied()
        data = _valid(s.ApplicationInputSerializer, request)
        municipality = resolve_municipality(user=request.user, code=data.pop("municipality", None))
        holding_id = data.pop("holding", None)
        if holding_id is not None:
            data["holding"] = Holding.objects.filter(
                pk=holding_id, municipality=municipality
            ).first()
            if data["holding"] is None:
                raise exceptions.ValidationError({"holding": [_("Unknown holding.")]})
        application = services.application_submit(
            user=request.user, municipality=municipality, **data
        )
        return _answer(application, status.HTTP_201_CREATED)


class ApplicationView(APIView):
    @extend_schema(
        operation_id="approvals_read",
        tags=TAGS,
        responses={200: s.ApplicationSerializer},
        summary="An application with its documents, design check and stages",
    )
    def get(self, request: Request, pk: int) -> Response:
        return _answer(_application(request, pk))


class DocumentView(APIView):
    parser_classes = [PlainMultiPartParser, JSONParser]

    @extend_schema(
        operation_id="approvals_document",
        tags=TAGS,
        request={"multipart/form-data": s.DocumentInputSerializer},
        responses={200: s.ApplicationSerializer},
        summary="A document of the checklist received (with its scan)",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _may(request, application, "documents")
        data = _valid(s.DocumentInputSerializer, request)
        services.document_receive(
            user=request.user, application=application, kind=data["kind"], upload=data.get("file")
        )
        return _answer(application)


class AdvanceView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="approvals_advance",
        tags=TAGS,
        request=s.NoteSerializer,
        responses={200: s.ApplicationSerializer},
        summary="Move the application to its next stage (from the plan review: run the "
        "design check, which moves it only if the design complies)",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _may(request, application, "advance")
        data = _valid(s.NoteSerializer, request)
        application = services.application_advance(
            user=request.user, application=application, note=data.get("note", "")
        )
        return _answer(application)


class RejectView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="approvals_reject",
        tags=TAGS,
        request=s.ReasonsSerializer,
        responses={200: s.ApplicationSerializer},
        summary="Reject the application, with the reasons the applicant reads",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _may(request, application, "reject")
        data = _valid(s.ReasonsSerializer, request)
        application = services.application_reject(
            user=request.user, application=application, reasons=data["reasons"]
        )
        return _answer(application)


class DesignView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="approvals_amend_design",
        tags=TAGS,
        request=s.DesignInputSerializer,
        responses={200: s.ApplicationSerializer},
        summary="The amended design, before the decision (it is checked again)",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _may(request, application, "amend")
        data = _valid(s.DesignInputSerializer, request)
        application = services.application_amend_design(
            user=request.user, application=application, **data
        )
        return _answer(application)


class BuiltView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="approvals_built",
        tags=TAGS,
        request=s.BuiltInputSerializer,
        responses={200: s.ApplicationSerializer},
        summary="The inspector found the building built (as approved, or with what "
        "differs): it and its tank enter the registers",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _may(request, application, "confirm")
        data = dict(_valid(s.BuiltInputSerializer, request))
        application = services.construction_confirm(
            user=request.user,
            application=application,
            as_approved=data.pop("as_approved"),
            differences=data.pop("differences", ""),
            footprint=data.pop("footprint", None),
            **data,
        )
        return _answer(application)
