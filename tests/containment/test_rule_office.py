"""Rule sets in the admin's hands (issue 26): a draft kept between visits, a preview of the
impact that equals the re-assessment publishing then performs, publishing with a reason,
comparing two versions; nothing kept by a preview; only the admin of the whole
municipality."""

from decimal import Decimal

import pytest
from django.urls import reverse

from containment import services
from containment.models import ComplianceAssessment, ComplianceRuleSet, RuleSetDraft
from core.roles import MembershipRole

from ..factories import BuildingFactory, ContainmentFactory, MembershipFactory
from .conftest import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruled_town(town):
    for outlet in ("soak_pit", "soak_pit", "open_drain", "drain_field"):
        building = BuildingFactory(municipality=town.municipality)
        ContainmentFactory(municipality=town.municipality, buildings=[building], outlet=outlet,
                           users=4, construction_year=2015)  # fmt: skip
    services.rule_set_ensure(municipality=town.municipality)
    mayor = MembershipFactory(municipality=town.municipality, role=MembershipRole.MUNICIPAL_ADMIN)
    return town, page_client(mayor.user)


def form(**changes):
    values = {"approved_types": ["septic_tank", "lined_pit_open_bottom"],
              "forbidden_outlets": ["open_drain", "water_body", "open_ground"],
              "emptying_not_applicable": [], "max_years_since_emptying": "3",
              "sludge_share_to_empty": "0.5", "min_well_distance_m": "10",
              "min_volume_per_user_m3": "0.13", "min_total_volume_m3": "1",
              "notes": ""}  # fmt: skip
    values.update(changes)
    return values


def statuses(rule_set):
    return dict(
        ComplianceAssessment.objects.filter(rule_set=rule_set).values_list(
            "containment_id", "status"
        )
    )


def test_the_preview_equals_what_publishing_does(ruled_town):
    town, mayor = ruled_town
    url = reverse("containment:office-rules")
    before = statuses(ComplianceRuleSet.objects.get(municipality=town.municipality))
    stricter = form(forbidden_outlets=["open_drain", "water_body", "open_ground", "soak_pit"])
    shown = mayor.post(url, {**stricter, "action": "preview"})
    assert shown.status_code == 200, shown.content.decode()[:3000]
    impact = shown.context["impact"]
    # Nothing is kept by a preview.
    assert ComplianceRuleSet.objects.filter(municipality=town.municipality).count() == 1
    assert statuses(ComplianceRuleSet.objects.get(municipality=town.municipality)) == before
    assert impact["version"] == 2
    # Publishing without a reason is refused; with one, it does exactly what was shown.
    assert mayor.post(url, {**stricter, "action": "publish"}).status_code == 400
    assert (
        mayor.post(
            url, {**stricter, "action": "publish", "reason": "Soak pits near wells"}
        ).status_code
        == 302
    )
    published = ComplianceRuleSet.objects.get(municipality=town.municipality, version=2)
    assert published.publish_reason == "Soak pits near wells"
    after = statuses(published)
    changed = {pk for pk, status in after.items() if before.get(pk) != status}
    assert impact["changed"] == len(changed)
    assert {row[0] for row in impact["examples"]} == changed
    assert sum(row["count"] for row in impact["rows"]) == len(changed)


def test_a_draft_is_kept_until_published(ruled_town):
    town, mayor = ruled_town
    url = reverse("containment:office-rules")
    assert (
        mayor.post(url, {**form(max_years_since_emptying="2.5"), "action": "save"}).status_code
        == 302
    )
    assert (
        RuleSetDraft.objects.get(municipality=town.municipality).values["max_years_since_emptying"]
        == "2.5"
    )
    page = mayor.get(url)
    assert page.context["form"].initial["max_years_since_emptying"] == Decimal("2.5")
    assert mayor.post(url, {**form(max_years_since_emptying="2.5"), "action": "publish",
                            "reason": "Every 2.5 years"}).status_code == 302  # fmt: skip
    assert not RuleSetDraft.objects.exists()
    compared = mayor.get(url, {"compare": "1", "with": "2"}).context["compared"]
    fields = {row["field"]: (row["first"], row["second"]) for row in compared["rows"]}
    assert fields["maximum years since last emptying"] == (Decimal("3.0"), Decimal("2.5"))


@pytest.mark.parametrize(
    "changes",
    [
        {"sludge_share_to_empty": "1.5"},
        {"approved_types": ["palace"]},
        {"min_well_distance_m": "500"},
    ],
)
def test_impossible_rules_are_refused(ruled_town, changes):
    town, mayor = ruled_town
    url = reverse("containment:office-rules")
    assert mayor.post(url, {**form(**changes), "action": "preview"}).status_code == 400
    assert (
        mayor.post(url, {**form(**changes), "action": "publish", "reason": "x"}).status_code == 400
    )
    assert ComplianceRuleSet.objects.filter(municipality=town.municipality).count() == 1


def test_only_the_admin_of_the_whole_municipality(ruled_town):
    town, _mayor = ruled_town
    inspector = MembershipFactory(municipality=town.municipality, role=MembershipRole.INSPECTOR)
    assert page_client(inspector.user).get(reverse("containment:office-rules")).status_code == 403


def test_outlets_per_type_and_groundwater_wards_are_edited_on_the_page(ruled_town):
    town, mayor = ruled_town
    url = reverse("containment:office-rules")
    page = mayor.get(url)
    fields = page.context["form"].fields
    assert fields["outlets_septic_tank"].initial == ["soak_pit", "sewer"]  # the default
    assert [value for value, _label in fields["groundwater_risk_wards"].choices] == [1, 2]
    changes = form(outlets_septic_tank=["soak_pit"], groundwater_risk_wards=["2"])
    assert (
        mayor.post(url, {**changes, "action": "publish", "reason": "Wells in ward 2"}).status_code
        == 302
    )
    published = ComplianceRuleSet.objects.get(municipality=town.municipality, version=2)
    assert published.outlets_by_type == {"septic_tank": ["soak_pit"]}
    assert published.groundwater_risk_wards == [2]
    compared = mayor.get(url, {"compare": "1", "with": "2"}).context["compared"]
    rows = {row["field"]: row["second"] for row in compared["rows"]}
    assert rows["allowed outlets per containment type"] == "Septic tank: Soak pit"
    assert (
        mayor.post(url, {**form(groundwater_risk_wards=["9"]), "action": "save"}).status_code == 400
    )
