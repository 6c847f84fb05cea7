"""/api/v1/approvals/: building applications (issue 32). Listed and read by the roles of
building approval in their municipality or wards; each step is its owner role's (the
municipal admin may take any); a refusal says which role the step is for."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.parsers import LimitedJSONParser, PlainMultiPartParser
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
    parser_classes = [LimitedJSONParser]

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


class _StepView(APIView):
    """A step of the application: refused unless it is the user's now, then the input
    checked and the service run; the answer is the application as it stands."""

    parser_classes = [LimitedJSONParser]
    step = ""
    input_serializer: type = s.NoteSerializer

    def act(self, request: Request, application: Application, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _may(request, application, self.step)
        self.act(request, application, dict(_valid(self.input_serializer, request)))
        return _answer(application)


def _schema(operation_id: str, serializer, summary: str, multipart: bool = False):
    request = {"multipart/form-data": serializer} if multipart else serializer
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            tags=TAGS,
            request=request,
            responses={200: s.ApplicationSerializer},
            summary=summary,
        )
    )


@_schema(
    "approvals_document",
    s.DocumentInputSerializer,
    "A document of the checklist received (with its scan)",
    multipart=True,
)
class DocumentView(_StepView):
    parser_classes = [PlainMultiPartParser, LimitedJSONParser]
    step, input_serializer = "documents", s.DocumentInputSerializer

    def act(self, request, application, data):
        services.document_receive(
            user=request.user, application=application, kind=data["kind"], upload=data.get("file")
        )


@_schema(
    "approvals_advance",
    s.NoteSerializer,
    "Move the application to its next stage (from the plan review: run the design check, "
    "which moves it only if the design complies)",
)
class AdvanceView(_StepView):
    step, input_serializer = "advance", s.NoteSerializer

    def act(self, request, application, data):
        services.application_advance(
            user=request.user, application=application, note=data.get("note", "")
        )


@_schema(
    "approvals_reject",
    s.ReasonsSerializer,
    "Reject the application, with the reasons the applicant reads",
)
class RejectView(_StepView):
    step, input_serializer = "reject", s.ReasonsSerializer

    def act(self, request, application, data):
        services.application_reject(
            user=request.user, application=application, reasons=data["reasons"]
        )


@_schema(
    "approvals_amend_design",
    s.DesignInputSerializer,
    "The amended design, before the decision (it is checked again)",
)
class DesignView(_StepView):
    step, input_serializer = "amend", s.DesignInputSerializer

    def act(self, request, application, data):
        services.application_amend_design(user=request.user, application=application, **data)


@_schema(
    "approvals_built",
    s.BuiltInputSerializer,
    "The inspector found the building built (as approved, or with what differs): it and "
    "its tank enter the registers",
)
class BuiltView(_StepView):
    step, input_serializer = "confirm", s.BuiltInputSerializer

    def act(self, request, application, data):
        services.construction_confirm(
            user=request.user,
            application=application,
            as_approved=data.pop("as_approved"),
            differences=data.pop("differences", ""),
            footprint=data.pop("footprint", None),
            **data,
        )
