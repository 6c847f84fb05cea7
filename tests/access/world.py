"""The town the access matrix runs in: one municipality with two wards (A = west, B = east),
one of everything an endpoint can name, and the principals of the policy."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.gis.geos import LineString, Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from approvals import services as approval_services
from approvals.choices import Document, Stage
from citizens import certificates
from citizens import services as citizen_services
from containment import complaints, crew, desludging, inspections
from containment.models import (
    ComplaintPhoto,
    Containment,
    DrainSegment,
    PublicToilet,
    ServiceProvider,
    SewerConnection,
    Vehicle,
)
from containment.planner import plan_create
from core import jobs
from core.roles import MembershipRole
from dashboards import saved_analyses
from holdings import importing
from holdings import services as holding_services
from holdings.models import QueuedRow
from spatial.models import (
    Building,
    DiseaseCaseCount,
    WaterBody,
    WaterPoint,
    WaterSample,
    WaterSupplyLine,
)
from surveys import services as survey_services
from surveys.models import KoboMapping, Submission
from tests.approvals.conftest import proposal as approval_proposal
from tests.conftest import make_town
from tests.factories import (
    NORTH,
    SPLIT,
    BuildingFactory,
    ContainmentFactory,
    DrainSegmentFactory,
    MembershipFactory,
    PublicToiletFactory,
    RoadFactory,
    SewerConnectionFactory,
    TreatmentPlantFactory,
    UserFactory,
    WaterBodyFactory,
    WaterPointFactory,
    WaterSampleFactory,
    WaterSupplyLineFactory,
    square,
    town_campaign,
)

PRINCIPALS = (
    "anonymous",
    "enumerator_a",
    "enumerator_b",
    "supervisor_a",
    "supervisor_b",
    "gis_officer",
    "gis_officer_b",
    "executive",
    "executive_b",
    "help_desk",
    "help_desk_b",
    "inspector_b",
    "admin_b",
    "plant_operator",
    "other_admin",
    "public_token",
)


@dataclass
class World:
    town: object
    other: object
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)


def build_world() -> World:
    town = make_town()
    other = make_town(offset=1.0)
    town.municipality.publishes_dashboard = True
    town.municipality.save()
    world = World(town=town, other=other)

    def member(role, municipality, wards=()):
        membership = MembershipFactory(municipality=municipality, role=role)
        for ward in wards:
            membership.wards.add(ward)
        return membership.user

    m = town.municipality
    world.users = {
        "enumerator_a": member(MembershipRole.ENUMERATOR, m, [town.west]),
        "enumerator_b": member(MembershipRole.ENUMERATOR, m, [town.east]),
        "supervisor_a": member(MembershipRole.SURVEY_SUPERVISOR, m, [town.west]),
        "supervisor_b": member(MembershipRole.SURVEY_SUPERVISOR, m, [town.east]),
        "gis_officer": member(MembershipRole.GIS_OFFICER, m),
        "executive": member(MembershipRole.EXECUTIVE, m),
        # Ward-limited memberships of every kind of role (a ward councillor is executive_b):
        # the data asked about is in ward A, so each must be refused it.
        "gis_officer_b": member(MembershipRole.GIS_OFFICER, m, [town.east]),
        "executive_b": member(MembershipRole.EXECUTIVE, m, [town.east]),
        "help_desk": member(MembershipRole.FSM_HELP_DESK, m),
        "help_desk_b": member(MembershipRole.FSM_HELP_DESK, m, [town.east]),
        "inspector_b": member(MembershipRole.INSPECTOR, m, [town.east]),
        "admin_b": member(MembershipRole.MUNICIPAL_ADMIN, m, [town.east]),
        "plant_operator": member(MembershipRole.PLANT_OPERATOR, m),
        "other_admin": member(MembershipRole.MUNICIPAL_ADMIN, other.municipality),
        "public_token": UserFactory(),
    }
    world.tokens["public_token"] = Token.objects.create(user=world.users["public_token"]).key

    building = BuildingFactory(municipality=m, geom=square(90.81, 22.93, 12))
    # In ward A only, like everything else asked about.
    road = RoadFactory(municipality=m, geom=LineString((90.805, 22.93), (90.815, 22.93), srid=4326))
    containment = ContainmentFactory(municipality=m, buildings=[building])
    water_point = WaterPointFactory(municipality=m, geom=Point(90.812, 22.931, srid=4326))
    water_body = WaterBodyFactory(municipality=m, geom=square(90.813, 22.932, 25))
    pipe = WaterSupplyLineFactory(
        municipality=m, geom=LineString((90.806, 22.931), (90.809, 22.931), srid=4326)
    )
    sample = WaterSampleFactory(
        municipality=m, water_point=water_point, geom=Point(90.812, 22.931, srid=4326)
    )
    toilet = PublicToiletFactory(
        municipality=m, containment=containment, geom=Point(90.8115, 22.9305, srid=4326)
    )
    sewer = DrainSegmentFactory(
        municipality=m, geom=LineString((90.807, 22.9302), (90.809, 22.9302), srid=4326)
    )
    connection = SewerConnectionFactory(
        municipality=m, building=building, segment=sewer, geom=Point(90.807, 22.9302, srid=4326)
    )
    provider = ServiceProvider.objects.create(municipality=m, name="Vacutug")
    provider.wards.add(town.west)
    Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=3)
    # By the road, so that the vehicle's day can be routed (depot unrecorded: from the plant).
    plant = TreatmentPlantFactory(municipality=m, geom=Point(90.814, 22.9302, srid=4326))
    plant.operators.add(world.users["plant_operator"])
    request = desludging.request_create(
        containment=containment, applicant_name="Rahim", applicant_phone="01711000000"
    )
    # A second job of ward A, emptied and discharged at the plant, waiting for the plant.
    emptied = desludging.request_create(
        containment=ContainmentFactory(municipality=m, buildings=[building]),
        applicant_name="Karim",
        applicant_phone="01811000000",
    )
    desludging.request_schedule(
        request=emptied, provider=provider, scheduled_for=timezone.localdate()
    )
    desludging.request_record_emptying(
        request=emptied,
        emptied_on=timezone.localdate(),
        volume_m3=Decimal("2"),
        vehicle=provider.vehicles.get(),
    )
    load = desludging.request_record_delivery(
        request=emptied,
        plant=plant,
        volume_m3=Decimal("2"),
        delivered_at=timezone.now(),
    )
    emptying_photo = crew.emptying_add_photo(
        emptying=emptied.emptying,
        upload=SimpleUploadedFile("load.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
    )
    complaint = complaints.complaint_create(
        municipality=m,
        kind="overflowing_tank",
        assigned_role="inspector",
        description="Overflowing into the lane",
        created_by=world.users["help_desk"],
        building=building,
        caller_name="Jamal",
        caller_phone="01712000111",
    )
    inspection = inspections.inspection_record(
        containment=containment,
        inspector=world.users["gis_officer"],
        visited_on=dt.date(2026, 1, 10),
        outcome="compliant",
    )
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    inspection_photo = inspections.inspection_add_photo(
        inspection=inspection, upload=SimpleUploadedFile("tank.png", png, "image/png")
    )
    plan = plan_create(municipality=m, start_date=dt.date(2026, 12, 6), days=2)
    campaign = town_campaign(town, ends_on=dt.date(2026, 12, 31))
    survey_services.assignment_create(
        campaign=campaign, enumerator=world.users["enumerator_a"], ward=town.west
    )
    centre = building.geom.centroid
    submission = submission_by(world.users["enumerator_a"], campaign, centre)
    submission_photo, _created = survey_services.submission_add_photo(
        submission=submission,
        enumerator=world.users["enumerator_a"],
        upload=SimpleUploadedFile("house.png", png, "image/png"),
    )
    kobo_mapping = KoboMapping.objects.create(
        municipality=m,
        name="Ward census form",
        questionnaire_version="building-v1",
        columns={"instance": "KEY", "gps": "location"},
    )
    job = jobs.export_job_start(user=world.users["gis_officer"], layer="wards", fmt="csv")
    jobs.run_job(job.pk)  # done, so its file can be asked for
    disease_case = DiseaseCaseCount.objects.create(
        municipality=m,
        ward=town.west,
        month=dt.date(2026, 10, 1),
        disease="cholera",
        cases=3,
        source="Upazila Health Complex",
    )
    saved = saved_analyses.saved_analysis_create(
        user=world.users["gis_officer"],
        municipality=m,
        name="Around the old bazar",
        tool="area",
        parameters={"geometry": {"type": "Point", "coordinates": [90.81, 22.93]}, "buffer_m": 300},
    )
    holding = holding_services.holding_create(
        municipality=m, ward=town.west, number="12/A", buildings=[building]
    )
    (ownership,) = holding_services.owners_set(
        holding=holding, owners=[{"name": "Rahima Begum", "phone": "01712000222"}]
    )
    change = holding_services.ownership_transfer(
        user=world.users["gis_officer"],
        holding=holding,
        owners=[{"name": "Shapla Khatun"}],
        happened_on=dt.date(2026, 3, 1),
        evidence_reference="Deed 101/2026",
    )
    holding_services.change_attach_evidence(
        change=change,
        upload=SimpleUploadedFile("deed.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    importing.import_feed(
        user=world.users["gis_officer"],
        municipality=m,
        feed="tax",
        records=[{"holding": "999", "ward": "1", "year": "2025-26", "assessed": "5", "paid": "0"}],
        commit=True,
    )
    approver = member(MembershipRole.MUNICIPAL_ADMIN, m)  # not a principal: takes every step
    application = approval_services.application_submit(
        user=approver,
        municipality=m,
        **approval_proposal(footprint=square(SPLIT - 0.004, NORTH - 0.004, 12)),
    )
    for kind in Document.values:
        approval_services.document_receive(user=approver, application=application, kind=kind)
    while application.stage != Stage.APPROVED:
        application = approval_services.application_advance(user=approver, application=application)
    # A citizen's certificate of the holding, issued by the town's executive (the councillor
    # of ward A is not a principal), followed by its reference; the complaint's photo.
    case = citizen_services.certificate_apply(
        holding=holding, kind="holding", applicant_name="Shapla", applicant_phone="01712000333"
    )
    certificate = citizen_services.certificate_approve(
        certificate=case.certificate, user=world.users["executive"]
    )
    complaint_photo = ComplaintPhoto.objects.create(
        complaint=complaint,
        image=SimpleUploadedFile("lane.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
    )
    world.ids = {
        "certificate": certificate.pk,
        "reference": case.reference,
        "signed": certificates.signature(certificate),
        "complaint_photo": complaint_photo.pk,
        "application": application.pk,
        "ward": town.west.pk,
        "holding": holding.pk,
        "ownership": ownership.pk,
        "holding_change": change.pk,
        "queued_row": QueuedRow.objects.get(municipality=m).pk,
        "saved_analysis": saved.pk,
        "disease_case": disease_case.pk,
        "building": building.pk,
        "road": road.pk,
        "containment": containment.pk,
        "water_point": water_point.pk,
        "water_body": water_body.pk,
        "water_supply_line": pipe.pk,
        "water_sample": sample.pk,
        "public_toilet": toilet.pk,
        "drain": sewer.pk,
        "sewer_connection": connection.pk,
        "request": request.pk,
        "delivery": load.pk,
        "emptied_request": emptied.pk,
        "complaint": complaint.pk,
        "person": world.users["help_desk"].pk,
        "vehicle": provider.vehicles.get().pk,
        "plant": plant.pk,
        "emptying_photo": emptying_photo.pk,
        "inspection": inspection.pk,
        "inspection_photo": inspection_photo.pk,
        "submission_photo": submission_photo.pk,
        "plan": plan.pk,
        "campaign": campaign.pk,
        "submission": submission.pk,
        "kobo_mapping": kobo_mapping.pk,
        "provider": provider.pk,
        "job": job.pk,
        "code": m.code,
        # Record pages (core.pages) name a record by its register's natural key.
        "page_keys": {
            "buildings": Building.objects.get(pk=building.pk).bin,
            "roads": road.pk,
            "containments": Containment.objects.get(pk=containment.pk).code,
            "water-points": WaterPoint.objects.get(pk=water_point.pk).code,
            "water-bodies": WaterBody.objects.get(pk=water_body.pk).code,
            "water-supply-lines": WaterSupplyLine.objects.get(pk=pipe.pk).code,
            "water-samples": WaterSample.objects.get(pk=sample.pk).code,
            "public-toilets": PublicToilet.objects.get(pk=toilet.pk).code,
            "drains": DrainSegment.objects.get(pk=sewer.pk).code,
            "sewer-connections": SewerConnection.objects.get(pk=connection.pk).code,
        },
    }
    return world


def submission_by(enumerator, campaign, point) -> Submission:
    from tests.conftest import client_for

    body = {
        "client_uuid": str(uuid.uuid4()),
        "campaign": campaign.pk,
        "device_time": "2026-07-15T10:30:00+06:00",
        "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
        "gps_accuracy_m": 5.0,
        "answers": {
            "floor_count": 3,
            "functional_use": "residential",
            "household_count": 2,
            "population_male": 4,
            "population_female": 5,
            "has_toilet": True,
            "toilet_type": "flush",
            "containment_type": "septic_tank",
            "outlet": "soak_pit",
            "ever_emptied": False,
        },
    }
    response = client_for(enumerator).post(
        "/api/v1/surveys/submissions/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return Submission.objects.get(pk=response.json()["id"])
