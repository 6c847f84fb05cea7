"""/api/v1/jobs/: exports and imports run by the background worker, with their progress.

Start an export (POST jobs/exports/) or an import check (POST jobs/imports/, multipart),
poll GET jobs/<id>/ for progress, then download (GET jobs/<id>/file/) or, for a check with
no problems, commit it (POST jobs/<id>/commit/). A job is visible to its owner only.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import imports, io, jobs, reads
from core.attributes import MAX_IDS
from core.files import private_file_response
from core.models import LayerJob
from core.pagination import PAGE_PARAMETERS, page_schema, paged_response
from core.parsers import PlainMultiPartParser
from core.registry import collections

from .. import selectors
from ..models import Municipality, Ward
from .imports import import_upload
from .layer_views import require_editor
from .serializers import AreaField, BBoxField, StrictFieldsMixin


class LayerJobSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    commit_url = serializers.SerializerMethodField()

    class Meta:
        model = LayerJob
        fields = [
            "id",
            "url",
            "kind",
            "layer",
            "municipality",
            "parameters",
            "status",
            "status_label",
            "stage",
            "done",
            "total",
            "percent",
            "result",
            "error",
            "file_name",
            "file_url",
            "commit_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_percent(self, job: LayerJob) -> int | None:
        if job.status == LayerJob.Status.DONE:
            return 100
        if not job.total:
            return None
        return min(100, int(100 * job.done / job.total))

    def get_url(self, job: LayerJob) -> str:
        return reverse("spatial-api:layer-job", args=[job.pk])

    def get_file_url(self, job: LayerJob) -> str | None:
        if job.kind == LayerJob.Kind.EXPORT and job.status == LayerJob.Status.DONE:
            return reverse("spatial-api:layer-job-file", args=[job.pk])
        return None

    def get_commit_url(self, job: LayerJob) -> str | None:
        committable = (
            job.kind == LayerJob.Kind.IMPORT
            and job.status == LayerJob.Status.DONE
            and not job.parameters.get("commit")
            and not job.parameters.get("commit_job")
            and (job.result or {}).get("problem_count") == 0
        )
        return reverse("spatial-api:layer-job-commit", args=[job.pk]) if committable else None


class ExportJobInputSerializer(StrictFieldsMixin, serializers.Serializer):
    layer = serializers.CharField(max_length=40)
    format = serializers.ChoiceField(choices=list(jobs.EXPORT_FORMATS), default="gpkg")
    ward = serializers.IntegerField(min_value=1, required=False)
    bbox = BBoxField(required=False)
    area = AreaField(required=False)
    # Only these records (an attribute table's selection).
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        allow_empty=False,
        max_length=MAX_IDS,
    )
    crs = serializers.ChoiceField(choices=list(io.FILE_CRS), default="EPSG:4326")

    def validate_layer(self, value: str) -> str:
        user = self.context["request"].user if "request" in self.context else None
        if value not in collections() or (user and not reads.readable(value, user)):
            raise serializers.ValidationError(_("Unknown layer."))
        return value


class ImportJobInputSerializer(serializers.Serializer):
    layer = serializers.ChoiceField(choices=imports.importable_layers())
    file = serializers.FileField()
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False
    )
    source_layer = serializers.CharField(required=False, max_length=200)
    commit = serializers.BooleanField(default=False)
    crs = serializers.ChoiceField(
        choices=list(io.FILE_CRS),
        required=False,
        help_text="The CRS of a CSV's coordinates (other formats say their own); default EPSG:4326",
    )


def _job_or_404(request: Request, pk: int) -> LayerJob:
    try:
        return selectors.layer_job_get(user=request.user, job_id=pk)
    except LayerJob.DoesNotExist:
        raise exceptions.NotFound(_("No such job.")) from None


def _accepted(job: LayerJob) -> Response:
    body = LayerJobSerializer(job).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class LayerJobListView(APIView):
    @extend_schema(
        operation_id="layer_jobs_list",
        tags=["jobs"],
        parameters=PAGE_PARAMETERS,
        responses=page_schema(LayerJobSerializer),
        summary="Your exports and imports, newest first",
    )
    def get(self, request: Request) -> Response:
        queryset = selectors.layer_jobs_for_user(user=request.user)
        return paged_response(request, queryset, LayerJobSerializer)


class ExportJobView(APIView):
    @extend_schema(
        operation_id="layer_jobs_export",
        tags=["jobs"],
        request=ExportJobInputSerializer,
        responses={202: LayerJobSerializer},
        summary="Start an export of a layer in the background",
    )
    def post(self, request: Request) -> Response:
        data = ExportJobInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ward_id = values.get("ward")
        if ward_id is not None:
            try:
                selectors.ward_get(user=request.user, ward_id=ward_id)
            except Ward.DoesNotExist:
                raise exceptions.ValidationError({"ward": [_("Unknown ward.")]}) from None
        job = jobs.export_job_start(
            user=request.user,
            layer=values["layer"],
            fmt=values["format"],
            ward_id=ward_id,
            bbox=values.get("bbox"),
            area=values.get("area"),
            ids=values.get("ids"),
            crs=values["crs"],
        )
        return _accepted(job)


class ImportJobView(APIView):
    parser_classes = [PlainMultiPartParser]

    @extend_schema(
        operation_id="layer_jobs_import",
        tags=["jobs"],
        request={"multipart/form-data": ImportJobInputSerializer},
        responses={202: LayerJobSerializer, 413: OpenApiTypes.OBJECT},
        summary="Check (or, with commit, import) a file in the background",
    )
    def post(self, request: Request) -> Response:
        values, municipality = import_upload(request, ImportJobInputSerializer)
        job = jobs.import_job_start(
            user=request.user,
            municipality=municipality,
            layer=values["layer"],
            upload=values["file"],
            source_layer=values.get("source_layer"),
            commit=values["commit"],
            crs=values.get("crs"),
        )
        return _accepted(job)


class LayerJobView(APIView):
    @extend_schema(
        operation_id="layer_jobs_retrieve",
        tags=["jobs"],
        responses=LayerJobSerializer,
        summary="One of your jobs, with its progress and (for imports) the report",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(LayerJobSerializer(_job_or_404(request, pk)).data)


class LayerJobCommitView(APIView):
    @extend_schema(
        operation_id="layer_jobs_commit",
        tags=["jobs"],
        request=None,
        responses={202: LayerJobSerializer},
        summary="Import a checked file that had no problems",
    )
    def post(self, request: Request, pk: int) -> Response:
        checked = _job_or_404(request, pk)
        if checked.municipality is not None:
            require_editor(request.user, checked.municipality)
        try:
            job = jobs.import_job_commit(checked=checked)
        except jobs.JobError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return _accepted(job)


class LayerJobFileView(APIView):
    @extend_schema(
        operation_id="layer_jobs_file",
        tags=["jobs"],
        responses={200: OpenApiTypes.BINARY},
        summary="Download a finished export",
    )
    def get(self, request: Request, pk: int):
        job = _job_or_404(request, pk)
        path = jobs.job_file(job)
        if path is None:
            raise exceptions.NotFound(_("This job has no file to download (yet)."))
        content_type = jobs.EXPORT_FORMATS[job.parameters["format"]][1]
        return private_file_response(
            path, filename=job.file_name, content_type=content_type, as_attachment=True
        )
