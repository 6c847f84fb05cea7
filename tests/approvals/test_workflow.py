"""The approval's state machine: every stage in order, each by its owner role (the
municipal admin for any), stamped and kept; rejection with reasons at any open stage;
the design check on the way, by the rule set existing tanks are assessed by."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.choices import Document, Stage
from containment.services import rule_set_create
from core.roles import MembershipRole
from tests.factories import SOUTH, WEST, MembershipFactory, WaterPointFactory, square

from .conftest import member, submitted, with_documents

pytestmark = pytest.mark.django_db


def test_an_application_passes_every_stage_by_its_owner(town, officer, inspector, mayor):
    application = submitted(town, officer)
    assert application.reference.startswith("BA-")
    assert (application.stage, application.ward) == (Stage.RECEIVED, town.west)
    with pytest.raises(ValidationError, match="Missing"):
        services.application_advance(user=officer, application=application)
    with_documents(application, officer)
    steps = [
        (officer, Stage.DOCUMENTS_CHECKED),
        (officer, Stage.PLAN_REVIEWED),
        (officer, Stage.DESIGN_CHECKED),
        (inspector, Stage.SITE_INSPECTED),
        (mayor, Stage.APPROVED),
    ]
    for user, stage in steps:
        others = [u for u in (officer, inspector, mayor) if u != user]
        for other in others:
            with pytest.raises(PermissionDenied):
                services.application_advance(user=other, application=application)
        application = services.application_advance(user=user, application=application, note="ok")
        assert application.stage == stage
    assert application.certificate_number == application.reference.replace("BA-", "BAC-")
    assert application.decided_at is not None
    kept = list(application.stages.values_list("stage", "role", "actor"))
    assert kept == [
        (Stage.RECEIVED, MembershipRole.BUILDING_OFFICER, officer.pk),
        (Stage.DOCUMENTS_CHECKED, MembershipRole.BUILDING_OFFICER, officer.pk),
        (Stage.PLAN_REVIEWED, MembershipRole.BUILDING_OFFICER, officer.pk),
        (Stage.DESIGN_CHECKED, MembershipRole.BUILDING_OFFICER, officer.pk),
        (Stage.SITE_INSPECTED, MembershipRole.INSPECTOR, inspector.pk),
        (Stage.APPROVED, MembershipRole.EXECUTIVE, mayor.pk),
    ]
    times = [e.at for e in application.stages.all()]
    assert times == sorted(times)
    with pytest.raises(ValidationError):
        services.application_advance(user=mayor, application=application)  # building is next


def test_the_municipal_admin_may_act_at_any_stage(town):
    admin = member(town, MembershipRole.MUNICIPAL_ADMIN)
    application = with_documents(submitted(town, admin), admin)
    while application.stage != Stage.APPROVED:
        application = services.application_advance(user=admin, application=application)
    assert set(application.stages.values_list("role", flat=True)) == {
        MembershipRole.MUNICIPAL_ADMIN
    }


@pytest.mark.parametrize("stage", [Stage.RECEIVED, Stage.DOCUMENTS_CHECKED, Stage.PLAN_REVIEWED])
def test_a_rejection_keeps_its_reasons(town, officer, stage):
    application = with_documents(submitted(town, officer), officer)
    while application.stage != stage:
        application = services.application_advance(user=officer, application=application)
    with pytest.raises(ValidationError, match="reasons"):
        services.application_reject(user=officer, application=application, reasons="  ")
    done = services.application_reject(
        user=officer, application=application, reasons="The plot is a khas land."
    )
    assert (done.stage, done.decision_reasons) == (Stage.REJECTED, "The plot is a khas land.")
    assert done.stages.last().note == "The plot is a khas land."
    with pytest.raises(ValidationError):
        services.application_advance(user=officer, application=done)
    with pytest.raises(ValidationError):
        services.application_reject(user=officer, application=done, reasons="again")


def test_the_mayor_rejects_at_the_decision(town, officer, inspector, mayor):
    application = with_documents(submitted(town, officer), officer)
    for user in (officer, officer, officer, inspector):
        application = services.application_advance(user=user, application=application)
    with pytest.raises(PermissionDenied):
        services.application_reject(user=officer, application=application, reasons="no")
    done = services.application_reject(
        user=mayor, application=application, reasons="Setback from the road is 1 m, not 3."
    )
    assert done.stage == Stage.REJECTED
    assert done.certificate_number == ""


def _to_plan_review(town, officer, **design):
    application = with_documents(submitted(town, officer, **design), officer)
    for _ in range(2):
        application = services.application_advance(user=officer, application=application)
    assert application.stage == Stage.PLAN_REVIEWED
    return application


def test_a_design_to_an_open_drain_fails_the_outlet_rule_and_waits(town, officer):
    application = _to_plan_review(town, officer, outlet="open_drain")
    application = services.application_advance(user=officer, application=application)
    assert application.stage == Stage.PLAN_REVIEWED  # not advanced
    assert application.design_status == "non_compliant"
    assert application.design_outcomes["outlet"]["outcome"] == "fail"
    assert application.design_rule_set.version == 1
    assert application.stages.last().data["outcomes"]["outlet"]["code"] == "outlet_forbidden"
    amended = services.application_amend_design(
        user=officer, application=application, outlet="soak_pit"
    )
    assert amended.design_status == ""
    checked = services.application_advance(user=officer, application=amended)
    assert (checked.stage, checked.design_status) == (Stage.DESIGN_CHECKED, "compliant")


def test_the_design_is_judged_by_the_rule_set_in_force(town, officer):
    """A stricter rule set (8 m³ for these 12 people) fails the same 4 m³ tank; a well on
    the register 6 m from the tank fails the well rule though the design says 15 m."""
    rule_set_create(municipality=town.municipality, min_volume_per_user_m3="0.66")
    application = _to_plan_review(town, officer)
    application = services.application_advance(user=officer, application=application)
    assert application.design_rule_set.version == 1
    assert application.design_outcomes["volume"]["outcome"] == "fail"

    WaterPointFactory(municipality=town.municipality, geom=_near(application, 6))
    amended = services.application_amend_design(
        user=officer, application=application, volume_m3="9"
    )
    checked = services.application_advance(user=officer, application=amended)
    assert checked.design_outcomes["volume"]["outcome"] == "pass"
    assert checked.design_outcomes["well"]["outcome"] == "fail"
    assert 5 < checked.design_outcomes["well"]["params"]["distance"] < 7


def _near(application, metres):
    point = application.footprint.point_on_surface
    point.x += metres / 102_600  # a metre of longitude at 22.9 N is 1/102,600 degree
    return point


def test_an_applicant_outside_the_officers_wards_is_refused(town, officer):
    scoped = MembershipFactory(municipality=town.municipality, role=MembershipRole.BUILDING_OFFICER)
    scoped.wards.add(town.east)
    with pytest.raises(PermissionDenied):
        submitted(town, scoped.user)  # the footprint lies in ward 1


def test_a_footprint_outside_the_municipality_is_refused(town, officer):
    with pytest.raises(ValidationError):
        submitted(town, officer, footprint=square(WEST - 0.5, SOUTH, 12))


def test_documents_come_from_the_checklist_and_scans_are_checked(town, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = submitted(town, officer)
    with pytest.raises(ValidationError):
        services.document_receive(user=officer, application=application, kind="horoscope")
    fake = SimpleUploadedFile("deed.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError):
        services.document_receive(
            user=officer, application=application, kind=Document.OWNERSHIP, upload=fake
        )
    scan = SimpleUploadedFile("deed.pdf", b"%PDF-1.4\n%%EOF\n")
    kept = services.document_receive(
        user=officer, application=application, kind=Document.OWNERSHIP, upload=scan
    )
    assert kept.file.name.endswith(f"{application.reference}-ownership.pdf")
    assert services.missing_documents(application) == [
        kind for kind in Document.values if kind != Document.OWNERSHIP
    ]
