"""Exports and imports as background jobs: started here (services), run by the procrastinate
worker (core.tasks), watched by the user through LayerJob's progress.

A job's files live in IMIS["JOB_FILES_DIR"]/<job id>/: the uploaded file of an import, the
written file of an export. They are removed with the job after IMIS["JOB_KEEP_HOURS"].
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app

from . import imports, io, registry
from .features import LayerQuery, count_features, stream_feature_collection
from .models import LayerJob
from .pagination import MAX_OFFSET
from .reads import FeatureRead, layer_query
from .registry import collections

logger = logging.getLogger(__name__)

EXPORT_FORMATS = {
    # format: (file extension, content type)
    "gpkg": ("gpkg", "application/geopackage+sqlite3"),
    "shp": ("zip", "application/zip"),
    "geojson": ("geojson", "application/geo+json"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
UPLOAD_NAME = "upload"
# Progress is written at most this often (features) so a big job does not flood the table.
PROGRESS_STEP = 2000


class JobError(Exception):
    """A job that cannot finish for a reason the user can act on; the message says it."""


def job_folder(job: LayerJob) -> Path:
    return Path(settings.IMIS["JOB_FILES_DIR"]) / str(job.pk)


def job_file(job: LayerJob) -> Path | None:
    """The export's written file, when there is one."""
    if job.kind != LayerJob.Kind.EXPORT or job.status != LayerJob.Status.DONE:
        return None
    path = job_folder(job) / job.file_name
    return path if job.file_name and path.is_file() else None


# The worker's queue and the task that runs a job (core/tasks.py, which calls run_job
# here: deferred by name, so that this module does not import it back).
QUEUE = "layers"
# Named when the runner was the spatial app's: a job queued before it moved still runs.
RUN_TASK = "spatial.run_layer_job"


def defer(job: LayerJob) -> None:
    # The Django connector writes the queue row in this transaction: no job without its row.
    app.configure_task(name=RUN_TASK, queue=QUEUE).defer(job_id=job.pk)


# ------------------------------------------------------------------------------- services
@transaction.atomic
def export_job_start(
    *,
    user,
    layer: str,
    fmt: str,
    ward_id: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    area=None,
    ids: list[int] | None = None,
    crs: str = "EPSG:4326",
) -> LayerJob:
    """Queue an export; `area` is a GEOS (Multi)Polygon drawn by the user, kept as GeoJSON;
    `ids` the records chosen in an attribute table."""
    job = LayerJob.objects.create(
        owner=user,
        kind=LayerJob.Kind.EXPORT,
        layer=layer,
        parameters={
            "format": fmt,
            "ward": ward_id,
            "bbox": list(bbox) if bbox else None,
            "area": json.loads(area.geojson) if area is not None else None,
            "ids": sorted(set(ids)) if ids else None,
            "crs": crs,
        },
        stage=_("waiting for the worker"),
    )
    defer(job)
    return job


@transaction.atomic
def import_job_start(
    *,
    user,
    municipality: Any,
    layer: str,
    upload,
    source_layer: str | None = None,
    commit: bool = False,
    crs: str | None = None,
) -> LayerJob:
    """Keep the uploaded file in the job's folder and queue the check (or the commit)."""
    job = LayerJob.objects.create(
        owner=user,
        municipality=municipality,
        kind=LayerJob.Kind.IMPORT,
        layer=layer,
        parameters={
            "file": Path(getattr(upload, "name", "") or UPLOAD_NAME).name[:200],
            "layer": source_layer,
            "commit": commit,
            "crs": crs,
        },
        stage=_("waiting for the worker"),
    )
    keep_upload(job, upload)
    defer(job)
    return job


@transaction.atomic
def import_job_commit(*, checked: LayerJob) -> LayerJob:
    """Queue the commit of a checked import: the same file, as a new job. Refused unless the
    check finished without a problem."""
    report = checked.result or {}
    if (
        checked.kind != LayerJob.Kind.IMPORT
        or checked.status != LayerJob.Status.DONE
        or checked.parameters.get("commit")
        or report.get("problem_count", 1)
    ):
        raise JobError(_("Only a checked import with no problems can be committed."))
    checked = LayerJob.objects.select_for_update().get(pk=checked.pk)
    if checked.parameters.get("commit_job"):
        raise JobError(
            _("This file is already being imported (job %(job)s).")
            % {"job": checked.parameters["commit_job"]}
        )
    job = LayerJob.objects.create(
        owner=checked.owner,
        municipality=checked.municipality,
        kind=LayerJob.Kind.IMPORT,
        layer=checked.layer,
        parameters={**checked.parameters, "commit": True, "checked_job": checked.pk},
        stage=_("waiting for the worker"),
    )
    folder = job_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(job_folder(checked) / UPLOAD_NAME, folder / UPLOAD_NAME)
    checked.parameters = {**checked.parameters, "commit_job": job.pk}
    checked.save(update_fields=["parameters"])
    defer(job)
    return job


def jobs_purge(*, now=None) -> int:
    """Delete jobs (and their files) older than IMIS["JOB_KEEP_HOURS"]; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMIS["JOB_KEEP_HOURS"])
    old = list(LayerJob.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True))
    for pk in old:
        shutil.rmtree(Path(settings.IMIS["JOB_FILES_DIR"]) / str(pk), ignore_errors=True)
    LayerJob.objects.filter(pk__in=old).delete()
    return len(old)


# ------------------------------------------------------------------------- the worker side
def progress(job: LayerJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    LayerJob.objects.filter(pk=job.pk).update(**fields)


# Jobs of other apps (a revenue feed's file): their layer name -> the function that runs
# one, registered by the app (its AppConfig.ready); it reads the job's parameters and
# uploaded file, reports progress and leaves its report in the job's result.
RUNNERS: dict[str, Callable[[LayerJob], None]] = {}


def register_runner(name: str, runner: Callable[[LayerJob], None]) -> None:
    RUNNERS[name] = runner


def keep_upload(job: LayerJob, upload) -> None:
    """The uploaded file, kept in the job's folder for the worker."""
    folder = job_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / UPLOAD_NAME, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def uploaded(job: LayerJob) -> Path:
    upload = job_folder(job) / UPLOAD_NAME
    if not upload.is_file():
        raise JobError(_("The uploaded file is gone; upload it again."))
    return upload


def run_job(job_id: int) -> None:
    """Run one queued job to its end; failures are recorded on the job, never raised, so the
    worker goes on with the next one."""
    job = LayerJob.objects.select_related("owner", "municipality").filter(pk=job_id).first()
    if job is None or job.status != LayerJob.Status.QUEUED:
        return
    progress(job, status=LayerJob.Status.RUNNING, started_at=timezone.now(), stage="")
    try:
        if job.layer in RUNNERS:
            RUNNERS[job.layer](job)
        elif job.kind == LayerJob.Kind.EXPORT:
            _run_export(job)
        else:
            _run_import(job)
    except (JobError, io.UploadError) as error:
        progress(
            job,
            status=LayerJob.Status.FAILED,
            error=str(error),
            finished_at=timezone.now(),
        )
        return
    except Exception:
        logger.exception("Layer job %s failed", job.pk)
        progress(
            job,
            status=LayerJob.Status.FAILED,
            error=_("The job failed unexpectedly; the administrators can see why in the log."),
            finished_at=timezone.now(),
        )
        return
    progress(job, status=LayerJob.Status.DONE, finished_at=timezone.now(), stage=_("done"))


def _export_query(job: LayerJob) -> LayerQuery:
    parameters = job.parameters
    bbox = parameters.get("bbox")
    area = parameters.get("area")
    return layer_query(
        user=job.owner,
        roles=registry.readers(job.layer),
        read=FeatureRead(
            bbox=tuple(bbox) if bbox else None,
            ward_id=parameters.get("ward"),
            ids=tuple(parameters["ids"]) if parameters.get("ids") else None,
        ),
        area_wkb=bytes(GEOSGeometry(json.dumps(area)).wkb) if area else None,
        limit=MAX_OFFSET,
        crs=io.FILE_CRS[parameters.get("crs") or "EPSG:4326"],
    )


def _run_export(job: LayerJob) -> None:
    layer = collections().get(job.layer)
    if layer is None:
        raise JobError(_("Unknown layer."))
    fmt = job.parameters["format"]
    query = _export_query(job)
    progress(job, stage=_("counting features"))
    total = count_features(layer, query)
    progress(job, total=total, stage=_("writing the file"))
    folder = job_folder(job)
    folder.mkdir(parents=True, exist_ok=True)
    extension = EXPORT_FORMATS[fmt][0]
    ward = job.parameters.get("ward")
    name = f"{job.layer}{'-ward-' + str(ward) if ward else ''}.{extension}"
    last = [0]

    def written(count: int) -> None:
        if count - last[0] >= PROGRESS_STEP or count >= total:
            last[0] = count
            progress(job, done=min(count, total))

    if fmt in ("gpkg", "shp"):
        path = io.write_vector(
            layer, query, fmt, folder, progress=lambda share: written(round(share * total))
        )
        path.rename(folder / name)
    elif fmt == "geojson":
        with open(folder / name, "wb") as out:
            for part in stream_feature_collection(
                layer,
                query,
                number_matched=total,
                links=[],
                progress=written,
                crs_member=True,
                copy=True,
            ):
                out.write(part)
    elif fmt == "csv":
        with open(folder / name, "w", encoding="utf-8", newline="") as out:
            for line in io.iter_csv(layer, query, progress=written):
                out.write(line)
    else:
        io.write_xlsx(layer, query, folder / name, progress=written)
    shutil.rmtree(folder / "shp", ignore_errors=True)
    progress(job, done=total, file_name=name, result={"features": total})


def _run_import(job: LayerJob) -> None:
    folder = job_folder(job)
    upload = uploaded(job)
    extracted = folder / "files"
    shutil.rmtree(extracted, ignore_errors=True)
    extracted.mkdir()
    try:
        progress(job, stage=_("reading the file"))
        limit = settings.IMIS["MAX_IMPORT_BYTES"]
        read = io.read_upload(
            upload,
            folder=extracted,
            layer=job.parameters.get("layer"),
            limits=io.UploadLimits(max_bytes=limit),
            crs=job.parameters.get("crs"),
        )
    finally:
        shutil.rmtree(extracted, ignore_errors=True)
    commit = bool(job.parameters.get("commit"))
    progress(job, total=len(read.records), stage=_("checking rows"))

    def checked(count: int) -> None:
        progress(job, done=count)

    def writing() -> None:
        progress(job, stage=_("writing to the register"))

    # The history of every record the import writes names its owner and this job.
    with pghistory.context(user=job.owner_id, import_job=job.pk):
        request = imports.ImportRequest.from_file(
            read,
            municipality=job.municipality,
            layer=job.layer,
            commit=commit,
            progress=checked,
            before_write=writing,
        )
        report = imports.import_layer(request)
    progress(
        job,
        done=len(read.records),
        result=asdict(report) | {"source_crs": read.source_crs},
    )
