"""The citizens' forms (issue 33): the shape of what is typed; the rules are in the
services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from containment.choices import ComplaintKind
from core.local import bangladesh_mobile

from .choices import CertificateKind

# What a citizen may complain about: not the service itself (the service's own feedback
# asks that), and not "other" without words (the description carries it).
CITIZEN_COMPLAINTS = [
    (k.value, k.label)
    for k in (
        ComplaintKind.OVERFLOWING_TANK,
        ComplaintKind.ILLEGAL_DISCHARGE,
        ComplaintKind.PUBLIC_TOILET,
        ComplaintKind.BLOCKED_DRAIN,
        ComplaintKind.OTHER,
    )
]
PHONE_HELP = _("Give a mobile number of 11 digits starting 013 to 019, e.g. 01712345678.")


def _phone(label):
    return forms.CharField(
        label=label,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )


class PhoneMixin:
    def _mobile(self, field: str) -> str:
        try:
            return bangladesh_mobile(self.cleaned_data[field])
        except ValueError:
            raise forms.ValidationError(PHONE_HELP) from None


class LookupForm(forms.Form):
    ward = forms.TypedChoiceField(label=_("Ward"), coerce=int)
    number = forms.CharField(
        label=_("Holding number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        required=False,
        help_text=_(
            "The code printed on your holding tax bill, or the code we sent to the phone "
            "registered for the holding."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )

    def __init__(self, *args, wards=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", "—"), *wards]


class EmptyingForm(PhoneMixin, forms.Form):
    containment = forms.TypedChoiceField(label=_("Tank or pit"), coerce=int)
    applicant_name = forms.CharField(label=_("Your name"), max_length=120)
    applicant_phone = _phone(_("Your mobile number"))
    proposed_date = forms.DateField(
        label=_("Preferred day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    access_notes = forms.CharField(
        label=_("How the crew finds and reaches the tank"),
        max_length=300,
        required=False,
        help_text=_("Lane width, gate, where the lid is."),
    )

    def __init__(self, *args, containments=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["containment"].choices = list(containments)

    def clean_applicant_phone(self) -> str:
        return self._mobile("applicant_phone")

    def clean_proposed_date(self) -> dt.date | None:
        return self.cleaned_data["proposed_date"]


class CertificateForm(PhoneMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Certificate"), choices=CertificateKind.choices, widget=forms.RadioSelect
    )
    applicant_name = forms.CharField(label=_("Your name"), max_length=120)
    applicant_phone = _phone(_("Your mobile number"))
    purpose = forms.CharField(
        label=_("What it is for"),
        max_length=200,
        required=False,
        help_text=_("For example: a bank loan, a school admission, a passport."),
    )

    def clean_applicant_phone(self) -> str:
        return self._mobile("applicant_phone")


class ComplaintForm(PhoneMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What is wrong"), choices=CITIZEN_COMPLAINTS, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Describe it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    place = forms.CharField(
        label=_("Place or landmark"),
        max_length=200,
        required=False,
        help_text=_("A road, a shop or a mosque nearby, so the inspector finds it."),
    )
    latitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png", "capture": "environment"}
        ),
    )
    caller_name = forms.CharField(label=_("Your name"), max_length=120)
    caller_phone = _phone(_("Your mobile number"))

    def clean_caller_phone(self) -> str:
        return self._mobile("caller_phone")

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        data["location"] = (
            Point(longitude, latitude, srid=4326)
            if latitude is not None and longitude is not None
            else None
        )
        if data["location"] is None and not data.get("place"):
            self.add_error("place", _("Place the problem on the map, or name the place."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
