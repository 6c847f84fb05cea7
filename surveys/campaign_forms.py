"""The supervisor's forms for setting up a campaign in the browser (issue 24): the campaign
itself, its team (enumerators on wards) and its targets per ward. The choices offered are
what the supervisor may use: his municipalities, his wards, and only users who hold the
enumerator role there. The services check all of it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .questionnaire import QUESTIONNAIRES

MAX_TARGET = 1_000_000


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=120)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    questionnaire_version = forms.ChoiceField(label=_("Questionnaire version"))
    wards = forms.ModelMultipleChoiceField(
        label=_("Wards"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, municipalities, wards, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].widget = forms.HiddenInput()
        self.fields["wards"].queryset = wards
        self.fields["wards"].label_from_instance = lambda ward: (
            _("Ward %(number)s") % {"number": ward.number}
            + (f" · {ward.name}" if ward.name else "")
        )
        versions = sorted(QUESTIONNAIRES, reverse=True)
        self.fields["questionnaire_version"].choices = [(v, v) for v in versions]
        self.fields["questionnaire_version"].initial = versions[0] if versions else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        municipality, wards = data.get("municipality"), data.get("wards") or []
        if municipality and any(ward.municipality_id != municipality.pk for ward in wards):
            self.add_error("wards", _("Choose wards of this municipality."))
        return data


class AssignForm(forms.Form):
    enumerator = forms.ModelChoiceField(
        label=_("Enumerator"), queryset=None, to_field_name="username"
    )
    wards = forms.ModelMultipleChoiceField(
        label=_("Wards"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, enumerators, wards, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enumerator"].queryset = enumerators
        self.fields["enumerator"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})"
            if user.get_full_name()
            else user.get_username()
        )
        self.fields["wards"].queryset = wards
        self.fields["wards"].label_from_instance = lambda ward: (
            _("Ward %(number)s") % {"number": ward.number}
        )


class TargetsForm(forms.Form):
    """One number field per ward of the campaign (`ward_<id>`); empty means no target."""

    def __init__(self, *args: Any, wards, targets: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for ward in wards:
            self.fields[f"ward_{ward.pk}"] = forms.IntegerField(
                label=_("Ward %(number)s") % {"number": ward.number},
                required=False,
                min_value=0,
                max_value=MAX_TARGET,
                initial=targets.get(ward.pk),
            )

    def targets(self) -> dict[int, int | None]:
        return {int(name.removeprefix("ward_")): value for name, value in self.cleaned_data.items()}
