"""The building/household questionnaire (version 1): what an enumerator answers, with the
code lists of the registers, and MICS WS11-WS13 and sharing for sanitation. Answers are
kept raw on the submission; approval maps them onto the registers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from containment.choices import (
    ContainmentType,
    EmptyingMethod,
    MembersGo,
    Outlet,
    SludgeDestination,
    ToiletType,
)
from core.serializers import PresentFieldsMixin
from spatial.choices import FunctionalUse, StructureType, WaterSource

VERSION = "building-v1"


@dataclass(frozen=True)
class AskedWhen:
    """A question is asked only when another one's answer `is` (or `isNot`) `value`; the
    field app hides it otherwise, and the server refuses an answer to it."""

    question: str
    relation: str  # "is" or "isNot"
    value: Any

    def holds(self, answers: dict) -> bool:
        given = answers.get(self.question)
        return given == self.value if self.relation == "is" else given != self.value


def skipped_errors(answers: dict, skips: dict[str, tuple[AskedWhen, ...]]) -> dict:
    """An error for each answer to a question its skip rules leave out."""
    errors = {}
    for name, rules in skips.items():
        if answers.get(name) is None:
            continue
        for rule in rules:
            if not rule.holds(answers):
                errors[name] = [
                    _("Not asked when the answer to %(question)s is %(value)s.")
                    % {"question": rule.question, "value": answers.get(rule.question)}
                ]
                break
    return errors


_WITH_TOILET = AskedWhen("has_toilet", "isNot", False)
_EMPTIED = AskedWhen("ever_emptied", "isNot", False)
_SHARED = AskedWhen("toilet_shared", "is", True)


class HouseholdAnswers(PresentFieldsMixin, serializers.Serializer):
    """One household of the building: its members, and the toilet it usually uses (the
    building's, another household's or a public one, or none: then where members go)."""

    people_male = serializers.IntegerField(min_value=0, max_value=500, required=False)
    people_female = serializers.IntegerField(min_value=0, max_value=500, required=False)
    people_other = serializers.IntegerField(min_value=0, max_value=500, required=False)
    uses_building_toilet = serializers.BooleanField()
    toilet_shared = serializers.BooleanField(required=False)
    sharing_households = serializers.IntegerField(min_value=2, max_value=100, required=False)
    members_go = serializers.ChoiceField(choices=MembersGo.choices, required=False)

    skips = {
        "members_go": (AskedWhen("uses_building_toilet", "isNot", True),),
        "sharing_households": (_SHARED,),
    }

    def validate(self, attrs):
        errors = _household_errors(
            has_toilet=attrs["uses_building_toilet"],
            shared=attrs.get("toilet_shared"),
            sharing=attrs.get("sharing_households"),
            members_go=attrs.get("members_go"),
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _household_errors(*, has_toilet, shared, sharing, members_go) -> dict:
    errors = {}
    if members_go and has_toilet:
        errors["members_go"] = [_("A household that uses a toilet does not say where else.")]
    if sharing is not None and shared is not True:
        errors["sharing_households"] = [_("Only a shared toilet has households sharing it.")]
    return errors


class AnswersV1(PresentFieldsMixin, serializers.Serializer):
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
    emptied_by = serializers.ChoiceField(choices=EmptyingMethod.choices, required=False)
    sludge_destination = serializers.ChoiceField(choices=SludgeDestination.choices, required=False)
    # WS15: how many households share the toilet; WS11 code 95 (no facility): where members
    # go. For a building of several households, one answer each (else one household holds
    # the building's residents).
    sharing_households = serializers.IntegerField(min_value=2, max_value=100, required=False)
    members_go = serializers.ChoiceField(choices=MembersGo.choices, required=False)
    households = serializers.ListField(
        child=HouseholdAnswers(), required=False, min_length=1, max_length=100
    )

    # The skip logic (surveys/form.py gives it to the field app).
    skips = {
        **dict.fromkeys(
            ("toilet_count", "toilet_type", "toilet_shared", "containment_type", "outlet",
             "length_m", "width_m", "depth_m", "diameter_m", "ever_emptied"),
            (_WITH_TOILET,),
        ),
        **dict.fromkeys(
            ("last_emptied_on", "emptied_by", "sludge_destination"), (_WITH_TOILET, _EMPTIED)
        ),
        "sharing_households": (_WITH_TOILET, _SHARED),
        "members_go": (AskedWhen("has_toilet", "isNot", True),),
    }  # fmt: skip

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
        has_toilet = attrs.get("has_toilet") is True or bool(attrs.get("toilet_type"))
        errors.update(
            _household_errors(
                has_toilet=has_toilet,
                shared=attrs.get("toilet_shared"),
                sharing=attrs.get("sharing_households"),
                members_go=attrs.get("members_go"),
            )
        )
        for name, messages in skipped_errors(attrs, self.skips).items():
            errors.setdefault(name, messages)
        households = attrs.get("households")
        if households:
            count = attrs.get("household_count")
            if count is not None and count != len(households):
                errors["households"] = [
                    _("%(count)s households counted, %(answered)s answered.")
                    % {"count": count, "answered": len(households)}
                ]
            members = sum(
                (h.get("people_male") or 0) + (h.get("people_female") or 0)
                + (h.get("people_other") or 0)
                for h in households
            )  # fmt: skip
            if people and members != people:
                errors.setdefault("households", []).append(
                    _("The households' members add up to %(members)s, the residents to %(people)s.")
                    % {"members": members, "people": people}
                )
            if attrs.get("has_toilet") is False and any(
                h["uses_building_toilet"] for h in households
            ):
                errors.setdefault("households", []).append(
                    _("The building has no toilet, yet a household uses it.")
                )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


QUESTIONNAIRES = {VERSION: AnswersV1}
