"""Campaign set-up in the browser's forms (issue 24): a new campaign, its team (only users
holding the enumerator role; only the supervisor's wards), targets per ward; and the
progress figures behind the progress page (per enumerator and day, the day's points)."""

import datetime as dt
import json
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import reverse

from core.roles import MembershipRole
from surveys import selectors, services
from surveys.models import Assignment, SurveyCampaign, WardTarget

from ..factories import (
    MembershipFactory,
    UserFactory,
    enumerator_of,
    survey_team,
    town_campaign,
)

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def supervisor_of(town, *wards):
    membership = MembershipFactory(
        municipality=town.municipality, role=MembershipRole.SURVEY_SUPERVISOR
    )
    membership.wards.add(*wards)
    return membership.user


def new_campaign(client, town, **changes):
    values = {
        "municipality": town.municipality.pk,
        "name": "Ward census 2026",
        "starts_on": "2026-12-06",
        "ends_on": "2027-01-31",
        "questionnaire_version": "building-v1",
        "wards": [town.west.pk, town.east.pk],
        **changes,
    }
    return client.post(reverse("surveys:campaign-new"), values)


def test_a_supervisor_creates_a_campaign_and_goes_on_to_its_team(town):
    client = browser(supervisor_of(town))
    page = client.get(reverse("surveys:campaign-new"))
    assert page.status_code == 200
    assert b"building-v1" in page.content
    response = new_campaign(client, town)
    campaign = SurveyCampaign.objects.get(name="Ward census 2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:team", args=[campaign.pk])
    assert set(campaign.wards.values_list("number", flat=True)) == {1, 2}
    assert campaign.created_by is not None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"ends_on": "2026-11-30"}, "cannot end before it starts"),
        ({"wards": []}, "This field is required"),
        ({"questionnaire_version": "building-v9"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_a_bad_campaign_is_shown_again_with_its_errors_and_nothing_kept(town, change, words):
    response = new_campaign(browser(supervisor_of(town)), town, **change)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not SurveyCampaign.objects.exists()


def test_a_ward_limited_supervisor_offers_and_accepts_only_his_wards(town):
    client = browser(supervisor_of(town, town.east))
    page = client.get(reverse("surveys:campaign-new")).content.decode()
    assert f'value="{town.east.pk}"' in page
    assert f'value="{town.west.pk}"' not in page
    assert new_campaign(client, town).status_code == 400
    assert new_campaign(client, town, wards=[town.east.pk]).status_code == 302


def test_who_holds_no_supervising_role_may_not_create_a_campaign(town):
    enumerator = enumerator_of(town, "rahim")
    assert browser(enumerator).get(reverse("surveys:campaign-new")).status_code == 403
    assert new_campaign(browser(enumerator), town).status_code == 403
    assert not SurveyCampaign.objects.exists()


def test_the_team_offers_only_enumerators_and_assigns_them_to_wards(town):
    campaign = town_campaign(town)
    supervisor = supervisor_of(town)
    rahim = enumerator_of(town, "rahim")
    MembershipFactory(
        municipality=town.municipality,
        role=MembershipRole.GIS_OFFICER,
        user=UserFactory(username="gis"),
    )
    client = browser(supervisor)
    url = reverse("surveys:team", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert 'value="rahim"' in page
    assert 'value="gis"' not in page

    refused = client.post(url, {"action": "assign", "enumerator": "gis", "wards": [town.west.pk]})
    assert refused.status_code == 400
    assert not Assignment.objects.exists()

    done = client.post(
        url, {"action": "assign", "enumerator": "rahim", "wards": [town.west.pk, town.east.pk]}
    )
    assert done.status_code == 302
    assert set(
        Assignment.objects.filter(enumerator=rahim).values_list("ward__number", flat=True)
    ) == {1, 2}
    # The assignment gives the ward-limited enumerator the wards (so his phone reads them).
    assert "Enumerator assigned." in client.get(url).content.decode()

    east = Assignment.objects.get(enumerator=rahim, ward=town.east)
    assert client.post(url, {"action": "unassign", "assignment": east.pk}).status_code == 302
    assert list(Assignment.objects.values_list("ward__number", flat=True)) == [1]


def test_targets_per_ward_are_saved_and_shown_beside_coverage(town):
    campaign = town_campaign(town)
    client = browser(supervisor_of(town))
    url = reverse("surveys:team", args=[campaign.pk])
    bad = client.post(url, {"action": "targets", f"ward_{town.west.pk}": "-4"})
    assert bad.status_code == 400
    assert not WardTarget.objects.exists()
    saved = client.post(
        url, {"action": "targets", f"ward_{town.west.pk}": "120", f"ward_{town.east.pk}": ""}
    )
    assert saved.status_code == 302
    rows = {row["number"]: row for row in selectors.campaign_coverage(campaign=campaign)}
    assert rows[1]["target"] == 120
    assert rows[2]["target"] is None
    client.post(url, {"action": "targets", f"ward_{town.west.pk}": ""})
    assert not WardTarget.objects.exists()


def test_a_ward_limited_supervisor_cannot_touch_another_wards_assignment(town):
    campaign = town_campaign(town)
    rahim = enumerator_of(town, "rahim")
    west = services.assignment_create(campaign=campaign, enumerator=rahim, ward=town.west)
    client = browser(supervisor_of(town, town.east))
    url = reverse("surveys:team", args=[campaign.pk])
    assert client.post(url, {"action": "unassign", "assignment": west.pk}).status_code == 404
    assert (
        client.post(
            url, {"action": "assign", "enumerator": "rahim", "wards": [town.west.pk]}
        ).status_code
        == 400
    )
    assert list(Assignment.objects.values_list("pk", flat=True)) == [west.pk]


# ------------------------------------------------------------------ progress
def submit(enumerator, campaign, *, lon, device_time):
    return services.submission_receive(
        enumerator=enumerator,
        campaign=campaign,
        client_uuid=uuid.uuid4(),
        device_time=device_time,
        point=Point(lon, 22.93, srid=4326),
        gps_accuracy_m=5,
        answers={},
    )


def test_progress_per_enumerator_and_day_and_the_days_points(town):
    campaign, supervisor, enumerator = survey_team(town)
    other = enumerator_of(town, "karim")
    services.assignment_create(campaign=campaign, enumerator=other, ward=town.west)
    day_one = dt.datetime(2026, 7, 20, 10, tzinfo=dt.UTC)
    for k in range(3):
        submit(enumerator, campaign, lon=90.8101 + k * 0.0004, device_time=day_one)
    submit(other, campaign, lon=90.8103, device_time=day_one)
    submit(other, campaign, lon=90.8105, device_time=day_one + dt.timedelta(days=1))

    progress = selectors.campaign_progress(campaign=campaign)
    cells = {
        (row["enumerator"], str(row["day"])): row["submissions"]
        for row in progress["enumerator_days"]
    }
    assert cells == {
        (enumerator.username, "2026-07-20"): 3,
        ("karim", "2026-07-20"): 1,
        ("karim", "2026-07-21"): 1,
    }
    assert [row["submissions"] for row in progress["days"]] == [4, 1]

    client = browser(supervisor)
    url = reverse("surveys-api:day-points", args=[campaign.pk])
    points = json.loads(client.get(url, {"day": "2026-07-20"}).content)
    assert len(points["features"]) == 4
    assert {f["properties"]["enumerator"] for f in points["features"]} == {
        enumerator.username,
        "karim",
    }
    first = points["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["status"] == "pending"
    assert client.get(url, {"day": "20-07-2026"}).status_code == 400
    assert client.get(url).status_code == 400
    page = client.get(reverse("surveys:progress", args=[campaign.pk]))
    assert page.status_code == 200
    assert b"progress-chart" in page.content
