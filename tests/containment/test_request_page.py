"""A request's page (issue 25): each step with who took it, the household's messages sent
through the configured backend after each step commits (kept in the outbox, a failing
gateway recorded and the step kept), and the desk's feedback, which closes the request."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from containment import desludging
from containment.models import HouseholdNotice
from core.roles import MembershipRole

from ..factories import MembershipFactory
from .conftest import page_client

pytestmark = pytest.mark.django_db


class BrokenGateway:
    def send(self, *, phone, text):
        raise ConnectionError("gateway down")


def test_households_are_told_when_scheduled_and_emptied(
    chain, django_capture_on_commit_callbacks, caplog
):
    job = chain["job"]
    # The callbacks run as the first context closes: the log is still captured then.
    with caplog.at_level("INFO", "imis.notices"), django_capture_on_commit_callbacks(execute=True):
        desludging.request_schedule(
            request=job, provider=chain["provider"], scheduled_for=timezone.localdate()
        )
        desludging.request_record_emptying(
            request=job, emptied_on=timezone.localdate(), volume_m3=Decimal(2),
            vehicle=chain["vehicle"],
        )  # fmt: skip
    sent = list(HouseholdNotice.objects.filter(request=job).order_by("pk"))
    assert [n.event for n in sent] == ["scheduled", "emptied"]
    assert {n.status for n in sent} == {"sent"}
    assert sent[0].phone == "01712345678"
    assert chain["containment"].code in sent[0].text
    assert "01712345678" in caplog.text  # the logging backend wrote it to the log


def test_a_failing_gateway_keeps_the_step_and_says_why(
    chain, settings, django_capture_on_commit_callbacks
):
    settings.IMIS = {**settings.IMIS, "NOTICE_BACKEND": f"{__name__}.BrokenGateway"}
    with django_capture_on_commit_callbacks(execute=True):
        desludging.request_schedule(
            request=chain["job"], provider=chain["provider"], scheduled_for=timezone.localdate()
        )
    notice = HouseholdNotice.objects.get(request=chain["job"])
    assert (notice.status, notice.error) == ("failed", "gateway down")
    chain["job"].refresh_from_db()
    assert chain["job"].status == "scheduled"


def test_a_rolled_back_step_tells_nobody(chain, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017, PT011
        desludging.request_schedule(
            request=chain["job"], provider=chain["provider"],
            scheduled_for=timezone.localdate() - timezone.timedelta(days=400),
        )  # fmt: skip
    assert not HouseholdNotice.objects.exists()


def test_the_desk_closes_a_discharged_request_with_feedback(town, chain):
    job = chain["job"]
    today = timezone.localdate()
    desludging.request_record_emptying(
        request=job, emptied_on=today, volume_m3=Decimal(2), vehicle=chain["vehicle"]
    )
    desludging.request_record_delivery(
        request=job, plant=chain["plant"], volume_m3=Decimal(2), delivered_at=timezone.now()
    )
    desk_user = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.FSM_HELP_DESK
    ).user
    desk = page_client(desk_user)
    landing = desk.get(reverse("containment:desk"))
    assert reverse("containment:request", args=[job.pk]) in landing.content.decode()
    url = reverse("containment:request", args=[job.pk])
    assert desk.post(url, {"service_quality": "9", "ppe_worn": "yes"}).status_code == 400
    # The crew reads the request but does not close it.
    assert chain["crew"].post(url, {"service_quality": "4", "ppe_worn": "yes"}).status_code == 403
    done = desk.post(url, {"service_quality": "4", "ppe_worn": "no", "comments": "Late"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == "closed"
    assert (job.feedback.service_quality, job.feedback.ppe_worn) == (4, False)
    page = desk.get(url)
    steps = [step["step"] for step in page.context["trail"]]
    assert steps[0] == "Requested"
    assert steps[-1] == "Closed with feedback"
    assert any(step.startswith("Load discharged") for step in steps)
    closed = next(s for s in page.context["trail"] if s["step"] == "Closed with feedback")
    assert closed["user"] == desk_user.username
    assert (
        reverse("containment:request", args=[job.pk])
        not in desk.get(reverse("containment:desk")).content.decode()
    )
