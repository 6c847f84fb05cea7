"""The building/household questionnaire (version 1): what an enumerator answers, with the
code lists of the registers, and MICS WS11-WS13 and sharing for sanitation. Answers are
kept raw on the submission; approval maps them onto the registers.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from containment.choices import ContainmentType, Outlet, SludgeDestination, ToiletType
from spatial.choices import FunctionalUse, StructureType, WaterSource

VERSION = "building-v1"


class AnswersV1(serializers.Serializer):
    """Questionnaire building-v1. Unknown keys are refused; every field may be skipped
    except where a skip logic rule says otherwise (see validate)."""

    holding_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    structure_type = serializers.ChoiceField(choices=StructureType.choices, required=False)
    floor_count = serializers.IntegerField(min_value=1, max_value=60, required=False)
    construction_year = serializers.IntegerField(min_value=1800, max_value=2100, required=False)
    functional_use = serializers.ChoiceField(choices=FunctionalUse.choices, required=False)
    household_count = serializers.IntegerField(min_value=0, max_value=500, required=False)
    population_male = serializers.IntegerField(min_value=0, max_value=5000, required=False)
    population_female = serializers.IntegerField(min_value=0, max_value=5000, required=False)
    population_other = serializers.IntegerField(min_value=0, max_value=5000, required=False)
    population_disabled = serializers.IntegerField(min_value=0, max_value=5000, required=False)
    water_source = serializers.ChoiceField(choices=WaterSource.choices, required=False)
    has_toilet = serializers.BooleanField(required=False)
    toilet_count = serializers.IntegerField(min_value=0, max_value=200, required=False)
    # MICS WS11 (facility), sharing, containment, WS12 (ever emptied), WS13 (where to).
    toilet_type = serializers.ChoiceField(choices=ToiletType.choices, required=False)
    toilet_shared = serializers.BooleanField(required=False)
    containment_type = serializers.ChoiceField(choices=ContainmentType.choices, required=False)
    outlet = serializers.ChoiceField(choices=Outlet.choices, required=False)
    length_m = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    width_m = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    depth_m = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    diameter_m = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False
    )
    ever_emptied = serializers.BooleanField(required=False, allow_null=True)
    last_emptied_on = serializers.DateField(required=False)
    sludge_destination = serializers.ChoiceField(choices=SludgeDestination.choices, required=False)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Not a question of this questionnaire.")] for name in unknown}
                )
        return super().to_internal_value(data)

    def validate(self, attrs):
        errors = {}
        if attrs.get("has_toilet") is False and (
            attrs.get("toilet_count") or attrs.get("toilet_type") or attrs.get("containment_type")
        ):
            errors["has_toilet"] = [_("A building without a toilet has no toilet details.")]
        if attrs.get("ever_emptied") is False and attrs.get("last_emptied_on"):
            errors["last_emptied_on"] = [_("Never emptied, yet an emptying date is given.")]
        people = sum(
            attrs.get(k) or 0 for k in ("population_male", "population_female", "population_other")
        )
        if attrs.get("population_disabled") and attrs["population_disabled"] > people:
            errors["population_disabled"] = [_("More people with disabilities than people.")]
        if attrs.get("household_count") == 0 and people > 0:
            errors["household_count"] = [_("People live here, so there is a household.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


QUESTIONNAIRES = {VERSION: AnswersV1}
