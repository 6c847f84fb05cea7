"""Input parsing and small renderings of the containment API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from config.pagination import MAX_OFFSET
from core.features import COORDINATE_DECIMALS
from spatial.api.serializers import GeometryInputField, StrictFieldsMixin
from spatial.models import Building, Municipality

from .. import compliance, selectors
from ..choices import ContainmentType, Outlet
from ..models import ComplianceRuleSet, Containment
from ..selectors import current_assessment


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


class ContainmentFeatureSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(precision=COORDINATE_DECIMALS, read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ward_number = serializers.IntegerField(source="ward.number", read_only=True, default=None)
    sfd_class = serializers.CharField(read_only=True)
    jmp_rung = serializers.CharField(read_only=True, allow_null=True)
    buildings = serializers.SerializerMethodField()
    compliance = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Containment
        geo_field = "geom"
        fields = [
            "id",
            "municipality",
            "code",
            "ward",
            "ward_number",
            "buildings",
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
            "effective_volume_m3",
            "construction_year",
            "location",
            "ever_emptied",
            "last_emptied_on",
            "times_emptied",
            "emptied_by",
            "sludge_destination",
            "sfd_class",
            "jmp_rung",
            "compliance",
            "history",
            "created_at",
            "updated_at",
            "geom",
        ]

    def get_buildings(self, obj: Containment) -> list[dict[str, Any]]:
        return [
            {
                "id": link.building_id,
                "bin": link.building.bin,
                "holding_number": link.building.holding_number,
                "is_responsible": link.is_responsible,
            }
            for link in obj.building_links.all()
        ]

    def get_history(self, obj: Containment) -> list[dict[str, Any]]:
        """The latest changes (database-trigger history: every write path is recorded)."""
        return selectors.containment_history(containment=obj)

    def get_compliance(self, obj: Containment) -> dict[str, Any] | None:
        assessment = current_assessment(containment=obj)
        if assessment is None:
            return None
        return {
            "status": assessment.status,
            "rule_set_version": assessment.rule_set.version,
            "assessed_at": assessment.assessed_at,
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
        fields = [
            "municipality",
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
        ]

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
