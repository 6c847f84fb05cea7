"""A large feed file on the revenue desk: checked by the worker with its stage shown, its
report on the desk, then imported from the checked job; a file the worker cannot read
fails with the reason; another person's job is not theirs to see."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core import jobs
from core.models import LayerJob
from core.roles import MembershipRole
from holdings.jobs import LAYER
from holdings.models import FeedImport, TaxStatus
from tests.factories import MembershipFactory

from .conftest import FEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_background(settings, job_files):
    """Every file counts as large."""
    settings.IMIS = {**settings.IMIS, "HOLDINGS_BACKGROUND_BYTES": 10}


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _desk(town) -> str:
    return f"{reverse('holdings:office')}?municipality={town.municipality.code}"


def _post_file(client, town, name: str, content: bytes, action: str = "check"):
    upload = SimpleUploadedFile(name, content)
    return client.post(_desk(town), {"feed": "tax", "action": action, "file": upload})


def test_a_large_feed_is_checked_then_imported_by_the_worker(
    town, holdings, gis_officer, small_background
):
    client = _session(gis_officer)
    answer = _post_file(client, town, "tax.csv", (FEEDS / "tax.csv").read_bytes())
    assert answer.status_code == 302
    job = LayerJob.objects.get(layer=LAYER)
    assert f"job={job.pk}" in answer["Location"]
    waiting = client.get(answer["Location"])
    assert b'http-equiv="refresh"' in waiting.content
    assert b"feed-job-status" in waiting.content

    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == LayerJob.Status.DONE, job.error
    assert (job.result["matched"], job.result["committed"], job.total) == (6, False, 8)
    assert not TaxStatus.objects.exists()
    checked = client.get(answer["Location"])
    assert b'http-equiv="refresh"' not in checked.content
    assert checked.context["report"]["matched"] == 6
    assert b'value="commit-job"' in checked.content

    committed = client.post(answer["Location"], {"action": "commit-job"})
    assert committed.status_code == 302
    importing = LayerJob.objects.exclude(pk=job.pk).get(layer=LAYER)
    assert importing.parameters["commit"] is True
    jobs.run_job(importing.pk)
    importing.refresh_from_db()
    assert importing.result["committed"] is True
    assert TaxStatus.objects.count() == 6
    assert FeedImport.objects.get().submitted_by == gis_officer
    again = client.post(answer["Location"], {"action": "commit-job"})  # the check, once more
    assert again.status_code == 302
    assert LayerJob.objects.filter(layer=LAYER).count() == 2


def test_a_file_the_worker_cannot_read_fails_with_the_reason(town, gis_officer, small_background):
    client = _session(gis_officer)
    answer = _post_file(client, town, "tax.csv", b"year,paid\n2025-26,5\n" * 10)
    job = LayerJob.objects.get(layer=LAYER)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == LayerJob.Status.FAILED
    assert "holding_number" in job.error
    page = client.get(answer["Location"])
    assert job.error.encode() in page.content


def test_another_persons_job_is_not_shown(town, gis_officer, small_background):
    answer = _post_file(_session(gis_officer), town, "tax.csv", (FEEDS / "tax.csv").read_bytes())
    colleague = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.GIS_OFFICER
    ).user
    assert _session(colleague).get(answer["Location"]).status_code == 404
