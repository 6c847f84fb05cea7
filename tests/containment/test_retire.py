"""A containment is retired, not deleted (soft delete): DELETE with a reason takes it out of
the lists, the OGC API, the planner, compliance and the ward figures, keeps it with its
history and links, and the admin restores it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from containment import planner, services
from containment.models import ComplianceAssessment, Containment
from dashboards import selectors as figures
from spatial import services as spatial_services
from tests.conftest import if_match
from tests.factories import BuildingFactory, ContainmentFactory

pytestmark = pytest.mark.django_db
LIST = reverse("containment-api:containment-list")


def _codes(client, url: str) -> set[str]:
    body = json.loads(b"".join(client.get(url).streaming_content))
    return {feature["properties"]["code"] for feature in body["features"]}


def _containments_counted(municipality) -> int:
    rows = figures.ward_figures_computed(municipality=municipality, year=timezone.localdate().year)
    return sum(row["containments"] or 0 for row in rows)


def test_delete_retires_with_a_reason_and_every_surface_lets_it_go(gis_client, town):
    building = BuildingFactory(municipality=town.municipality)
    kept = ContainmentFactory(municipality=town.municipality, buildings=[building])
    gone = ContainmentFactory(
        municipality=town.municipality, buildings=[building], last_emptied_on=None
    )
    services.rule_set_ensure(municipality=town.municipality)
    assert _containments_counted(town.municipality) == 2
    url = reverse("containment-api:containment-detail", args=[gone.pk])

    too_long = gis_client.delete(f"{url}?reason={'x' * 201}", **if_match(gis_client, url))
    assert too_long.status_code == 400
    assert Containment.objects.filter(pk=gone.pk).exists()

    response = gis_client.delete(
        f"{url}?reason=filled+in+when+the+sewer+came", **if_match(gis_client, url)
    )
    assert response.status_code == 204, response.content
    stored = Containment.all_objects.get(pk=gone.pk)
    assert stored.retired_at is not None
    assert stored.retired_reason == "filled in when the sewer came"
    assert stored.building_links.count() == 1  # links and history are kept
    assert gis_client.get(url).status_code == 404
    assert _codes(gis_client, LIST) == {kept.code}
    assert _codes(gis_client, "/ogc/collections/containments/items") == {kept.code}
    assert _containments_counted(town.municipality) == 1
    # Not assessed again, not planned.
    services.assess_municipality(municipality=town.municipality)
    newest = ComplianceAssessment.objects.filter(containment=gone).order_by("-id").first()
    assert newest is None or newest.assessed_at < stored.retired_at
    plan = planner.plan_create(
        municipality=town.municipality, start_date=dt.date(2026, 7, 2), days=1, daily_trips=20
    )
    assert gone.pk not in set(plan.visits.values_list("containment_id", flat=True))
    events = [e.pgh_label for e in Containment.pgh_event_model.objects.filter(pgh_obj_id=gone.pk)]
    assert events[-1] == "update"

    spatial_services.record_restore(record=stored)
    assert _codes(gis_client, LIST) == {kept.code, gone.code}
    assert _containments_counted(town.municipality) == 2
