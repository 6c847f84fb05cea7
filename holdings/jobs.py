"""A large revenue feed, or the holding register, imported in the background (issue 31):
the file is kept with a job (core.jobs, the worker the layer imports use), checked or
imported by the worker with its stage shown, and its report kept on the job. The revenue
desk starts one for a file too large to check while the page waits, and shows its
progress; the exports and imports page lists it with the others."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import jobs
from core.models import LayerJob

from . import importing

LAYER = "holdings-feed"  # the jobs' layer name (the feed or "register" is a parameter)


def background(upload: Any) -> bool:
    """Whether a file is large enough to be imported in the background."""
    return upload.size > settings.IMIS["HOLDINGS_BACKGROUND_BYTES"]


@transaction.atomic
def feed_job_start(*, user, municipality, feed: str, upload, commit: bool) -> LayerJob:
    job = LayerJob.objects.create(
        owner=user,
        municipality=municipality,
        kind=LayerJob.Kind.IMPORT,
        layer=LAYER,
        parameters={"feed": feed, "file": upload.name[:200], "commit": commit},
        stage=_("waiting for the worker"),
    )
    jobs.keep_upload(job, upload)
    jobs.defer(job)
    return job


def _result(report) -> dict:
    """The report as the job keeps it: the pages read `line` and `column`, the exports and
    imports page `row` and `field`."""
    result = asdict(report)
    result["problems"] = [{**p, "row": p["line"], "field": p["column"]} for p in result["problems"]]
    return result


def _refused(error: ValidationError) -> jobs.JobError:
    return jobs.JobError(" ".join(m for ms in error.message_dict.values() for m in ms))


def run(job: LayerJob) -> None:
    jobs.progress(job, stage=_("reading the file"))
    content = jobs.uploaded(job).read_bytes()
    name = job.parameters.get("file", "")
    try:
        rows = importing.sheet_rows(content, name)
    except ValidationError as error:
        raise _refused(error) from None
    jobs.progress(job, total=len(rows))
    run = {
        "user": job.owner,
        "municipality": job.municipality,
        "records": rows,
        "commit": bool(job.parameters.get("commit")),
        "file_name": name,
        "stage": lambda text: jobs.progress(job, stage=text),
    }
    feed = job.parameters.get("feed")
    with pghistory.context(user=job.owner_id, import_job=job.pk):
        try:
            report = importing.import_rows(feed=feed, **run)
        except ValidationError as error:
            raise _refused(error) from None
    jobs.progress(job, done=len(rows), result=_result(report))


jobs.register_runner(LAYER, run)
