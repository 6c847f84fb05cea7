"""Forms of the crew's and the treatment plant's pages (issue 25). They check the shape of
the input and offer only what the user may choose (the job's provider's vehicles, the
municipality's plants); the chain's services check the rest again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.local import bangladesh_mobile

from . import lab_standards
from .choices import ComplaintKind, ComplaintStatus, EmptyingProblem, SludgeDestination
from .models.complaints import ASSIGNABLE_ROLES

MAX_PHOTOS = 5


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _volume(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=6, decimal_places=2, min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )  # fmt: skip


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos; each is checked by the service (JPEG or PNG, 8 MB)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png", "capture": ""})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(count)s photos.") % {"count": MAX_PHOTOS}, code="too_many"
            )
        return [super(PhotosField, self).clean(one, initial) for one in files]


class EmptyingForm(forms.Form):
    finished_at = forms.DateTimeField(label=_("Finished at"), widget=DateTimeInput)
    volume_m3 = _volume(_("Volume emptied (m³)"))
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=None)
    trips = forms.IntegerField(label=_("Trips"), min_value=1, max_value=50, initial=1)
    cost_bdt = forms.DecimalField(
        label=_("Fee collected (BDT)"), max_digits=9, decimal_places=2, min_value=0,
        required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40, required=False)
    crew = forms.CharField(label=_("Crew"), max_length=200, required=False)
    problems = forms.MultipleChoiceField(
        label=_("Problems met"), choices=EmptyingProblem.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    problem_notes = forms.CharField(
        label=_("Notes on the problems"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    photos = PhotosField(label=_("Photos"), required=False)

    def __init__(self, *args: Any, vehicles, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles
        self.fields["vehicle"].label_from_instance = lambda v: (
            f"{v.registration} · {v.capacity_m3} m³"
        )
        if vehicles.count() == 1:
            self.fields["vehicle"].initial = vehicles.first()


class DischargeForm(forms.Form):
    destination = forms.ChoiceField(
        label=_("Where the crew took the sludge"),
        choices=[c for c in SludgeDestination.choices if c[0] != SludgeDestination.DONT_KNOW],
        initial=SludgeDestination.TREATMENT_PLANT,
        widget=forms.RadioSelect,
    )
    plant = forms.ModelChoiceField(label=_("Treatment plant"), queryset=None, required=False)
    place = forms.CharField(label=_("Where (if not a plant)"), max_length=200, required=False)
    volume_m3 = _volume(_("Volume discharged (m³)"))
    delivered_at = forms.DateTimeField(label=_("Discharged at"), widget=DateTimeInput)

    def __init__(self, *args: Any, plants, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plant"].queryset = plants
        if plants.count() == 1:
            self.fields["plant"].initial = plants.first()


class ConfirmLoadForm(forms.Form):
    volume_received_m3 = _volume(_("Volume received (m³)"))
    received_at = forms.DateTimeField(label=_("Received at"), widget=DateTimeInput)


class RejectLoadForm(forms.Form):
    reason = forms.CharField(label=_("Why the load is rejected"), max_length=200)


class DailyLogForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput)
    operating = forms.BooleanField(label=_("The plant operated"), required=False, initial=True)
    hours_operated = forms.DecimalField(
        label=_("Hours operated"), max_digits=4, decimal_places=1, min_value=0, max_value=24,
        required=False,
    )  # fmt: skip
    effluent_m3 = forms.DecimalField(
        label=_("Effluent discharged (m³)"), max_digits=8, decimal_places=2, min_value=0,
        required=False,
    )  # fmt: skip
    sludge_removed_m3 = forms.DecimalField(
        label=_("Treated sludge removed (m³)"), max_digits=8, decimal_places=2, min_value=0,
        required=False,
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Notes and incidents"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class LabSampleForm(forms.Form):
    """One sample of one kind: a field per parameter of its standard, with the limit shown."""

    sampled_on = forms.DateField(label=_("Sample date"), widget=DateInput)
    laboratory = forms.CharField(label=_("Laboratory"), max_length=120, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args: Any, sample_type: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", sample_type)
        super().__init__(*args, **kwargs)
        self.sample_type = sample_type
        for parameter in lab_standards.STANDARDS[sample_type]:
            self.fields[f"result_{parameter.code}"] = forms.DecimalField(
                label=f"{parameter.label} ({parameter.unit})",
                help_text=_("Standard: %(limit)s") % {"limit": parameter.limit_text},
                max_digits=12, decimal_places=3, min_value=0, required=False,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )  # fmt: skip

    def results(self) -> dict[str, Decimal | None]:
        return {
            name.removeprefix("result_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("result_")
        }


class FeedbackForm(forms.Form):
    service_quality = forms.TypedChoiceField(
        label=_("How the household rates the service"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    ppe_worn = forms.TypedChoiceField(
        label=_("Did the crew wear protective equipment?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("About"), choices=ComplaintKind.choices)
    where = forms.CharField(
        label=_("Holding number, BIN or containment code"), max_length=60, required=False,
        help_text=_("Leave empty when the place has none (a drain, a public toilet)."),
    )  # fmt: skip
    place = forms.CharField(label=_("Place or landmark"), max_length=200, required=False)
    caller_name = forms.CharField(label=_("Caller's name"), max_length=120, required=False)
    caller_phone = forms.CharField(
        label=_("Mobile number"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("What the caller says"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    assigned_role = forms.ChoiceField(label=_("Hand to"), choices=ASSIGNABLE_ROLES)

    def clean_caller_phone(self) -> str:
        value = self.cleaned_data["caller_phone"]
        if not value:
            return ""
        try:
            return bangladesh_mobile(value)
        except ValueError:
            raise forms.ValidationError(
                _("Give a mobile number of 11 digits starting 013 to 019, e.g. 01712345678.")
            ) from None

    def clean(self):
        data = super().clean()
        if not data.get("where") and not data.get("place"):
            self.add_error("place", _("Say where: a holding, BIN or code, or a landmark."))
        return data


class ComplaintChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComplaintStatus.choices)
    assigned_role = forms.ChoiceField(label=_("Assigned to"), choices=ASSIGNABLE_ROLES)
    resolution = forms.CharField(
        label=_("What was done"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
