"""The crew's and the treatment plant's pages (issue 25): the crew sees its own jobs and
records the emptying (with photos and problems) and the discharge (at a plant or
elsewhere); the plant confirms or rejects loads, keeps its daily log and laboratory
results, and the results give CWIS SF-1f and SF-1g."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from containment.choices import DeliveryStatus, SludgeDestination
from containment.models import (
    Containment,
    Emptying,
    EmptyingPhoto,
    LabSample,
    PlantDailyLog,
    ServiceProvider,
    SludgeDelivery,
)
from core.roles import MembershipRole
from dashboards import reports

from ..factories import operator_of
from .conftest import PNG, page_client

pytestmark = pytest.mark.django_db


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def emptying_form(chain, **changes):
    form = {
        "finished_at": _now(),
        "volume_m3": "2.5",
        "vehicle": chain["vehicle"].pk,
        "trips": "1",
        "cost_bdt": "1500",
        "receipt_number": "R-17",
        "problems": ["no_cover", "garbage"],
        "problem_notes": "Slab broken open",
    }
    form.update(changes)
    return form


def test_the_crew_sees_its_jobs_and_no_one_elses(town, chain):
    day = chain["crew"].get(reverse("containment:crew"))
    assert day.status_code == 200
    text = day.content.decode()
    assert chain["containment"].code in text
    assert "Lane behind the mosque" in text
    assert day.context["config"]["points"][0]["kind"] == "empty"
    # Another provider's crew has its own (empty) day; the job is not his to open.
    other = ServiceProvider.objects.create(municipality=town.municipality, name="Other")
    stranger = page_client(operator_of(other, MembershipRole.PROVIDER_OPERATOR))
    assert (
        chain["containment"].code not in stranger.get(reverse("containment:crew")).content.decode()
    )
    job_url = reverse("containment:crew-job", args=[chain["job"].pk])
    assert stranger.get(job_url).status_code == 404
    # Whoever operates no provider has no crew page.
    assert chain["operator"].get(reverse("containment:crew")).status_code == 403


def test_the_crew_records_the_emptying_with_photos_and_problems(chain):
    url = reverse("containment:crew-job", args=[chain["job"].pk])
    form = emptying_form(chain)
    form["photos"] = [SimpleUploadedFile("a.png", PNG, "image/png")]
    response = chain["crew"].post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    emptying = Emptying.objects.get(request=chain["job"])
    assert emptying.volume_m3 == Decimal("2.5")
    assert emptying.cost_bdt == Decimal(1500)
    assert emptying.problems == ["garbage", "no_cover"]
    assert emptying.finished_at is not None
    photo = EmptyingPhoto.objects.get(emptying=emptying)
    image = chain["crew"].get(reverse("containment:emptying-photo", args=[photo.pk]))
    assert image.status_code == 200
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    # Next, the same page asks for the discharge.
    assert b"Record the discharge" in chain["crew"].get(url).content


def test_a_bad_photo_keeps_nothing(chain):
    url = reverse("containment:crew-job", args=[chain["job"].pk])
    form = emptying_form(chain, photos=[SimpleUploadedFile("a.png", b"not an image", "image/png")])
    response = chain["crew"].post(url, form)
    assert response.status_code == 400
    assert "JPEG or PNG" in response.content.decode()
    assert not Emptying.objects.filter(request=chain["job"]).exists()
    chain["job"].refresh_from_db()
    assert chain["job"].status == "scheduled"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"volume_m3": "20"}, "do not fit"),
        ({"finished_at": "2999-01-01T10:00"}, "lies in the future"),
        ({"problems": ["smell"]}, "valid choice"),
    ],
)
def test_a_refused_emptying_is_shown_again(chain, changes, message):
    url = reverse("containment:crew-job", args=[chain["job"].pk])
    response = chain["crew"].post(url, emptying_form(chain, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Emptying.objects.filter(request=chain["job"]).exists()


def _emptied(chain):
    url = reverse("containment:crew-job", args=[chain["job"].pk])
    assert chain["crew"].post(url, emptying_form(chain)).status_code == 302
    return url


def test_a_load_taken_elsewhere_is_untreated_and_waits_for_nobody(chain):
    url = _emptied(chain)
    form = {"destination": "open_ground", "place": "Field by the canal", "volume_m3": "2.5",
            "delivered_at": _now()}  # fmt: skip
    with_plant = chain["crew"].post(url, {**form, "plant": chain["plant"].pk})
    assert with_plant.status_code == 400
    assert chain["crew"].post(url, form).status_code == 302
    load = SludgeDelivery.objects.get(emptying__request=chain["job"])
    assert (load.status, load.plant, load.place) == ("untreated", None, "Field by the canal")
    containment = Containment.objects.get(pk=chain["containment"].pk)
    assert containment.sludge_destination == SludgeDestination.OPEN_GROUND
    plant_page = chain["operator"].get(reverse("containment:plant"))
    assert plant_page.context["waiting"] == []


def test_the_plant_confirms_or_rejects_at_its_gate(chain):
    url = _emptied(chain)
    at_plant = {"destination": "treatment_plant", "plant": chain["plant"].pk, "volume_m3": "2.5",
                "delivered_at": _now()}  # fmt: skip
    assert chain["crew"].post(url, at_plant).status_code == 302
    load = SludgeDelivery.objects.get(emptying__request=chain["job"])
    desk = chain["operator"].get(reverse("containment:plant"))
    assert [row["load"].pk for row in desk.context["waiting"]] == [load.pk]
    assert "Rahima" not in desk.content.decode()  # the plant sees the job, not the household
    decide = reverse("containment:plant-load", args=[load.pk])
    no_reason = chain["operator"].post(decide, {"decision": "reject", f"r{load.pk}-reason": ""})
    assert no_reason.status_code == 400
    # The crew cannot decide at the plant's gate.
    assert chain["crew"].post(decide, {"decision": "reject"}).status_code == 403
    rejected = chain["operator"].post(
        decide, {"decision": "reject", f"r{load.pk}-reason": "Too much solid waste"}
    )
    assert rejected.status_code == 302
    load.refresh_from_db()
    assert (load.status, load.reject_reason) == ("rejected", "Too much solid waste")
    # The crew takes it again; this time the plant confirms it.
    assert chain["crew"].post(url, at_plant).status_code == 302
    again = SludgeDelivery.objects.get(emptying__request=chain["job"], status="discharged")
    decide = reverse("containment:plant-load", args=[again.pk])
    confirmed = chain["operator"].post(
        decide,
        {f"c{again.pk}-volume_received_m3": "2.4", f"c{again.pk}-received_at": _now()},
    )
    assert confirmed.status_code == 302
    again.refresh_from_db()
    assert (again.status, again.volume_received_m3) == (
        DeliveryStatus.CONFIRMED,
        Decimal("2.40"),
    )
    day = chain["operator"].get(reverse("containment:plant"))
    assert day.context["logged"]["loads"] == 1


def test_the_daily_log_is_kept_and_corrected(chain):
    log_url = reverse("containment:plant-log")
    today = timezone.localdate()
    first = {"day": today.isoformat(), "operating": "on", "hours_operated": "8",
             "effluent_m3": "12.5", "notes": "Pump 2 down for an hour"}  # fmt: skip
    assert chain["operator"].post(log_url, first).status_code == 302
    assert chain["operator"].post(log_url, {**first, "hours_operated": "7.5"}).status_code == 302
    log = PlantDailyLog.objects.get(plant=chain["plant"], day=today)
    assert log.hours_operated == Decimal("7.5")
    assert log.events.count() == 2  # the correction keeps the first version in history
    for bad in ({"hours_operated": "25"}, {"day": (today + dt.timedelta(days=1)).isoformat()},
                {"operating": "", "hours_operated": "3"}):  # fmt: skip
        assert chain["operator"].post(log_url, {**first, **bad}).status_code == 400
    assert PlantDailyLog.objects.count() == 1


def test_lab_results_are_judged_and_give_sf_1f_and_sf_1g(town, chain):
    lab_url = reverse("containment:plant-lab")
    today = timezone.localdate()
    report = reports.indicator_report(municipality=town.municipality, year=today.year)
    by_code = {i["code"]: i for i in report["cwis"]}
    assert not by_code["SF-1g"]["available"]
    assert not by_code["SF-1f"]["available"]

    def effluent(bod):
        return {"kind": "effluent", "effluent-sampled_on": today.isoformat(),
                "effluent-laboratory": "DPHE zonal lab", "effluent-result_bod5": bod,
                "effluent-result_tss": "60"}  # fmt: skip

    assert chain["operator"].post(lab_url, effluent("35")).status_code == 302
    assert chain["operator"].post(lab_url, effluent("52")).status_code == 302
    sludge = {"kind": "treated_sludge", "treated_sludge-sampled_on": today.isoformat(),
              "treated_sludge-result_helminth_eggs": "1"}  # fmt: skip
    assert chain["operator"].post(lab_url, sludge).status_code == 302
    samples = LabSample.objects.filter(plant=chain["plant"])
    failed = samples.get(results__parameter="bod5", results__value=52)
    assert not failed.meets_standards
    assert {r.parameter: r.limit for r in failed.results.all()}["bod5"] == "≤ 40 mg/L"
    # WHO's "below 1 egg per gram": one egg fails.
    assert not samples.get(sample_type="treated_sludge").meets_standards

    report = reports.indicator_report(municipality=town.municipality, year=today.year)
    by_code = {i["code"]: i for i in report["cwis"]}
    assert (by_code["SF-1g"]["numerator"], by_code["SF-1g"]["denominator"]) == (1, 2)
    assert by_code["SF-1g"]["value"] == 0.5
    assert (by_code["SF-1f"]["value"], by_code["SF-1f"]["denominator"]) == (0.0, 1)
    # No result at all, or a parameter of the other kind, is refused.
    empty = {"kind": "effluent", "effluent-sampled_on": today.isoformat()}
    assert chain["operator"].post(lab_url, empty).status_code == 400
    assert (
        chain["operator"]
        .post(lab_url, {**effluent("10"), "effluent-result_bod5": "-1"})
        .status_code
        == 400
    )
    assert samples.count() == 3


def test_the_api_takes_a_discharge_elsewhere(chain):
    _emptied(chain)
    url = reverse("containment-api:request-delivery", args=[chain["job"].pk])
    body = {"destination": "buried_on_site", "volume_m3": "2.5",
            "delivered_at": timezone.now().isoformat()}  # fmt: skip
    response = chain["crew"].post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["delivery"]["destination"] == "buried_on_site"
    assert response.json()["delivery"]["plant_name"] == ""
    unknown = chain["crew"].post(
        url, {**body, "destination": "dont_know"}, content_type="application/json"
    )
    assert unknown.status_code == 400
