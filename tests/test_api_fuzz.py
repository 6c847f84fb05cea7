"""A bounded schemathesis run over the whole OpenAPI description (the same document as
/api/v1/schema/): inputs generated from it, valid and invalid, sent as a logged-in GIS
officer of a town with data. The check is the one that matters for hostile input: no
server error, ever.

Bounded and repeatable (derandomized, a few examples per operation) so it runs in
`make test`; set IMIS_FUZZ_EXAMPLES for a longer hunt.
"""

import os

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from core.roles import MembershipRole

from .factories import BuildingFactory, ContainmentFactory, MembershipFactory

EXAMPLES = int(os.environ.get("IMIS_FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@pytest.fixture
def keep_connection():
    """The WSGI app is called directly (as schemathesis does), so Django's end-of-request
    signal would close the test's database connection; the test client unhooks it too."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(db, town, keep_connection):
    user = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER).user
    building = BuildingFactory(municipality=town.municipality)
    ContainmentFactory(municipality=town.municipality, buildings=[building])
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_api_fail(case, officer_token):
    response = case.call(headers={"Authorization": f"Token {officer_token}"})
    case.validate_response(response, checks=[not_a_server_error])
