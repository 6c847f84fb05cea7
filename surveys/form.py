"""The questionnaire as the field app renders it (issue 23): every question of a version in
order, with its words, its kind, its code list as labels, its limits, and when it is asked
(skip logic), read from the same serializer the server validates with (surveys/
questionnaire.py), so the phone and the server cannot disagree about what an answer may be.
The skip rules are the serializers' own (`skips`): the phone hides a question they leave
out, and the server refuses an answer to it (questionnaire.skipped_errors)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .questionnaire import QUESTIONNAIRES

_YES_NO = [[True, _("Yes")], [False, _("No")]]

# What the enumerator reads: the question, in the survey's words.
QUESTIONS = {
    "holding_number": _("Holding number (from the tax bill or the plate)"),
    "structure_type": _("What is the building made of?"),
    "floor_count": _("How many floors?"),
    "construction_year": _("Year it was built"),
    "functional_use": _("What is the building used for?"),
    "household_count": _("How many households live here?"),
    "population_male": _("Residents: male"),
    "population_female": _("Residents: female"),
    "population_other": _("Residents: other gender"),
    "population_disabled": _("Residents with a disability"),
    "water_source": _("Main source of drinking water"),
    "has_toilet": _("Does the building have a toilet?"),
    "toilet_count": _("How many toilets?"),
    "toilet_type": _("What kind of toilet is it?"),
    "toilet_shared": _("Is the toilet shared with other households?"),
    "containment_type": _("Where does the toilet empty into?"),
    "outlet": _("Where does the tank or pit overflow to?"),
    "length_m": _("Tank length (m)"),
    "width_m": _("Tank width (m)"),
    "depth_m": _("Tank depth (m)"),
    "diameter_m": _("Pit diameter (m), if round"),
    "ever_emptied": _("Has it ever been emptied?"),
    "last_emptied_on": _("When was it last emptied?"),
    "emptied_by": _("How was it emptied?"),
    "sludge_destination": _("Where did the contents go?"),
    "sharing_households": _("How many households share it?"),
    "members_go": _("Where do the members usually go instead?"),
    "households": _("Each household"),
    "people_male": _("Members: male"),
    "people_female": _("Members: female"),
    "people_other": _("Members: other gender"),
    "uses_building_toilet": _("Does this household use the building's toilet?"),
}


def _question(name: str, field: serializers.Field, skips: dict) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name,
        "label": str(QUESTIONS.get(name, name)),
        "required": bool(field.required),
    }
    if isinstance(field, serializers.ListField) and isinstance(field.child, serializers.Serializer):
        entry["kind"] = "repeat"
        entry["questions"] = _questions(field.child)
    elif isinstance(field, serializers.BooleanField):
        entry["kind"] = "yes_no"
        entry["choices"] = [[value, str(label)] for value, label in _YES_NO]
        if getattr(field, "allow_null", False):
            entry["choices"].append([None, str(_("Does not know"))])
    elif isinstance(field, serializers.ChoiceField):
        entry["kind"] = "choice"
        entry["choices"] = [[value, str(label)] for value, label in field.choices.items()]
    elif isinstance(field, serializers.IntegerField):
        entry["kind"] = "integer"
    elif isinstance(field, serializers.DecimalField):
        entry["kind"] = "decimal"
        entry["decimals"] = field.decimal_places
    elif isinstance(field, serializers.DateField):
        entry["kind"] = "date"
    else:
        entry["kind"] = "text"
        entry["maxLength"] = getattr(field, "max_length", None)
    for limit in ("min_value", "max_value", "min_length", "max_length"):
        value = getattr(field, limit, None)
        if value is not None and entry["kind"] != "text":
            entry[limit.replace("_value", "").replace("_length", "Count")] = float(value)
    if name in skips:
        # Asked only when each other question's answer is (or is not) the value.
        entry["askedWhen"] = [
            {"question": rule.question, rule.relation: rule.value} for rule in skips[name]
        ]
    return entry


def _questions(serializer: serializers.Serializer) -> list[dict[str, Any]]:
    skips = getattr(serializer, "skips", {})
    return [_question(name, field, skips) for name, field in serializer.fields.items()]


def definition(version: str) -> dict[str, Any]:
    """The questionnaire `version` as the field app renders it (KeyError if unknown)."""
    questionnaire = QUESTIONNAIRES[version]()
    return {"version": version, "questions": _questions(questionnaire)}
