"""Input parsing and small renderings of the containment API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.pagination import MAX_OFFSET
from spatial.api.serializers import GeometryInputField, StrictFieldsMixin
from spatial.models import Building, Municipality

from .. import compliance, rule_office
from ..choices import ContainmentType, Outlet
from ..models import ComplianceRuleSet, Containment
from ..selectors import current_assessment, last_assessed_at


class ContainmentPropertiesSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    geometry = GeometryInputField(allowed_types=("Point",), required=False)
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False
    )
    buildings = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Building.objects.all(),
        required=False,
        help_text=_("Ids of the buildings it serves; the first is responsible unless named."),
    )
    responsible_building = serializers.PrimaryKeyRelatedField(
        queryset=Building.objects.all(), required=False
    )

    class Meta:
        model = Containment
        fields = [
            "municipality",
            "buildings",
            "responsible_building",
            "containment_type",
            "outlet",
            "toilet_type",
            "shared_facility",
            "users",
            "length_m",
            "width_m",
            "depth_m",
            "diameter_m",
            "volume_m3",
            "construction_year",
            "location",
            "ever_emptied",
            "last_emptied_on",
            "times_emptied",
            "emptied_by",
            "sludge_destination",
            "geometry",
        ]
        validators: list = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not self.partial and not attrs.get("buildings"):
            raise serializers.ValidationError(
                {"buildings": [_("A containment serves at least one building.")]}
            )
        return attrs


def containment_buildings(containment: Containment) -> list[dict[str, Any]]:
    """Every building the containment serves (the layer names the responsible one)."""
    return [
        {
            "id": link.building_id,
            "bin": link.building.bin,
            "holding_number": link.building.holding_number,
            "is_responsible": link.is_responsible,
        }
        for link in containment.building_links.select_related("building").order_by(
            "-is_responsible", "building_id"
        )
    ]


def containment_compliance(containment: Containment) -> dict[str, Any] | None:
    """The newest assessment with each rule's outcome and the reason in words."""
    assessment = current_assessment(containment=containment)
    if assessment is None:
        return None
    return {
        "status": assessment.status,
        "rule_set_version": assessment.rule_set.version,
        "assessed_at": last_assessed_at(assessment=assessment).isoformat(),
        "well_distance_m": assessment.well_distance_m,
        "rules": {
            rule: {
                **assessment.outcomes[rule],
                "reason": compliance.describe(rule, assessment.outcomes[rule]),
            }
            for rule in compliance.RULES
            if rule in assessment.outcomes
        },
    }


class RuleSetInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all()
    )
    approved_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ContainmentType.choices), required=False
    )
    forbidden_outlets = serializers.ListField(
        child=serializers.ChoiceField(choices=Outlet.choices), required=False
    )
    outlets_by_type = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=Outlet.choices)),
        required=False,
        help_text=_("Containment type -> the only outlets that pass for it."),
    )
    emptying_not_applicable = serializers.ListField(
        child=serializers.ChoiceField(choices=ContainmentType.choices), required=False
    )

    class Meta:
        model = ComplianceRuleSet
        # The values a version holds: one declaration with the admin's rules page.
        fields = ["municipality", *rule_office.FIELDS]

    def validate_outlets_by_type(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(ContainmentType.values))
        if unknown:
            raise serializers.ValidationError(
                _("Not a containment type: %(types)s.") % {"types": ", ".join(unknown)}
            )
        return value


class RuleSetSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ComplianceRuleSet
        fields = [
            "id",
            "municipality",
            "version",
            "approved_types",
            "forbidden_outlets",
            "outlets_by_type",
            "max_years_since_emptying",
            "sludge_share_to_empty",
            "emptying_not_applicable",
            "groundwater_risk_wards",
            "min_well_distance_m",
            "min_volume_per_user_m3",
            "min_total_volume_m3",
            "notes",
            "created_at",
        ]


class WardComplianceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    containments = serializers.IntegerField()
    compliant = serializers.IntegerField()
    non_compliant = serializers.IntegerField()
    unknown = serializers.IntegerField()
    not_assessed = serializers.IntegerField()
    failed_rules = serializers.DictField(child=serializers.IntegerField())


class EnforcementQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    municipality = serializers.SlugField(required=False)
    ward = serializers.IntegerField(min_value=1, required=False)
    export = serializers.ChoiceField(choices=["csv", "xlsx"], required=False)
    limit = serializers.IntegerField(min_value=1, required=False, max_value=MAX_OFFSET)
    offset = serializers.IntegerField(min_value=0, required=False, max_value=MAX_OFFSET)
