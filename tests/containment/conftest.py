"""Fixtures of the desludging chain's pages: a job scheduled to a provider, with its crew
and the plant's operator logged in."""

import pytest
from django.test import Client

from containment.models import ServiceProvider, Vehicle
from core.roles import MembershipRole

from ..factories import TreatmentPlantFactory, operator_of, scheduled_job

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def page_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


@pytest.fixture
def chain(town):
    provider = ServiceProvider.objects.create(municipality=town.municipality, name="Vacutug")
    provider.wards.add(town.west)
    vehicle = Vehicle.objects.create(provider=provider, registration="L-1", capacity_m3=3)
    plant = TreatmentPlantFactory(municipality=town.municipality, name="Lakshmipur FSTP")
    job = scheduled_job(provider, access_notes="Lane behind the mosque")
    containment = job.containment
    crew = operator_of(provider, MembershipRole.PROVIDER_OPERATOR)
    operator = operator_of(plant, MembershipRole.PLANT_OPERATOR)
    return {
        "job": job,
        "containment": containment,
        "provider": provider,
        "vehicle": vehicle,
        "plant": plant,
        "crew": page_client(crew),
        "operator": page_client(operator),
    }
