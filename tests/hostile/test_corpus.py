"""Every request of the hostile-input corpus gets a 4xx with a message; nothing is stored."""

import json

import pytest

from containment.models import Containment
from core.roles import MembershipRole
from spatial.models import Building
from surveys.models import Submission
from tests.conftest import client_for
from tests.factories import BuildingFactory, MembershipFactory

from .corpus import cases, encode

pytestmark = pytest.mark.django_db
CASES = cases()


@pytest.fixture
def hostile_town(town):
    officer = MembershipFactory(municipality=town.municipality, role=MembershipRole.GIS_OFFICER)
    building = BuildingFactory(municipality=town.municipality, floor_count=2)
    return client_for(officer.user), building


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "headers"), CASES, ids=[case[0] for case in CASES]
)
def test_hostile_request_is_refused_cleanly(hostile_town, name, method, path, body, headers):
    client, building = hostile_town
    counts = (Building.objects.count(), Containment.objects.count(), Submission.objects.count())
    url = path.format(building=building.pk)
    call = getattr(client, method.lower())
    data = encode(body)
    if data is None:
        response = call(url, **headers)
    else:
        response = call(url, data, content_type="application/json", **headers)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert 400 <= response.status_code < 500, (response.status_code, content[:300])
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(content)
        message = body.get("detail") or body.get("description") or body.get("errors")
        assert message, body
    after = (Building.objects.count(), Containment.objects.count(), Submission.objects.count())
    assert after == counts
    building.refresh_from_db()
    assert building.floor_count == 2
