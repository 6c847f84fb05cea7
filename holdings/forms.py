"""The forms of the holdings pages (issue 31): they check the shape; holdings.importing,
holdings.reconciliation and holdings.services do the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.local import ward_label
from spatial.choices import FunctionalUse

from .choices import Feed
from .loading import REGISTER
from .models import HoldingSettings


class FeedFileForm(forms.Form):
    feed = forms.ChoiceField(
        label=_("Feed"),
        choices=[(REGISTER, _("Holding register (holdings, buildings, owners)")), *Feed.choices],
        initial=Feed.TAX,
    )
    file = forms.FileField(
        label=_("File exported by the system (CSV or XLSX)"),
        help_text=_(
            "Check it first: every row is read and matched to a holding, nothing is written. "
            "Import writes all rows or none; rows that match no holding wait on the queue."
        ),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = HoldingSettings
        fields = [
            "number_pattern",
            "number_example",
            "ward_prefixed",
            "retention_years",
            "renewal_needs_emptying",
        ]


class ResolveForm(forms.Form):
    row = forms.IntegerField(widget=forms.HiddenInput)
    holding = forms.IntegerField(required=False, widget=forms.HiddenInput)
    number = forms.CharField(label=_("Holding number"), max_length=40, required=False)
    ward = forms.IntegerField(label=_("Ward"), min_value=1, required=False)


class DismissForm(forms.Form):
    row = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why it is left unwritten"), max_length=200)


class _OwnersFields(forms.Form):
    name = forms.CharField(label=_("Owner"), max_length=120, required=False)
    national_id = forms.CharField(label=_("National ID number"), max_length=30, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    co_owner = forms.CharField(label=_("Co-owner (if any)"), max_length=120, required=False)

    def owners(self) -> list[dict]:
        data = self.cleaned_data
        owners = [{k: data[k] for k in ("name", "national_id", "phone") if data.get(k)}]
        if data.get("co_owner"):
            owners.append({"name": data["co_owner"]})
        return owners if data.get("name") else []


class _ChangeFields(forms.Form):
    """The deed or order behind a split or merge."""

    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence_reference = forms.CharField(
        label=_("Deed or mutation case number"), max_length=80, required=False
    )
    evidence = forms.FileField(label=_("Scan of the deed (PDF, JPEG or PNG)"), required=False)


class TransferForm(_ChangeFields, _OwnersFields):
    """An ownership transfer as the register records it from the deed: the new owner (and a
    co-owner), the date, the deed or mutation case number and, if at hand, its scan."""

    happened_on = forms.DateField(
        label=_("Date of the transfer"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=_("New owner"), max_length=120)
    field_order = ["happened_on", "evidence_reference", "evidence", "name"]


class HoldingForm(_OwnersFields):
    """A new holding: its ward and number, what the tax system values, the buildings it
    is on (by BIN) and its first owners."""

    ward = forms.ModelChoiceField(label=_("Ward"), queryset=None)
    number = forms.CharField(label=_("Holding number"), max_length=40)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    land_use = forms.ChoiceField(
        label=_("Land use"), choices=[("", "–"), *FunctionalUse.choices], required=False
    )
    annual_valuation = forms.DecimalField(
        label=_("Annual valuation (BDT)"), min_value=0, max_digits=12, decimal_places=2,
        required=False,
    )  # fmt: skip
    buildings = forms.CharField(
        label=_("Buildings (BINs)"),
        max_length=400,
        required=False,
        help_text=_("The BINs of the buildings it is on, separated by spaces."),
    )
    field_order = ["ward", "number", "address", "land_use", "annual_valuation", "buildings"]

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards
        self.fields["ward"].label_from_instance = lambda w: ward_label(
            {"number": w.number, "name_bn": w.name_bn}
        )


PARTS = 3  # the parts a split page offers (a split makes at least two)


class SplitForm(_ChangeFields):
    """The holding split into parts, each numbered and on some of its buildings."""

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(b.pk, b.bin) for b in buildings]
        for n in range(1, PARTS + 1):
            self.fields[f"number_{n}"] = forms.CharField(
                label=_("Part %(n)s: holding number") % {"n": n},
                max_length=40,
                required=n <= 2,
            )
            self.fields[f"buildings_{n}"] = forms.TypedMultipleChoiceField(
                label=_("Part %(n)s: its buildings") % {"n": n},
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def parts(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"number": data[f"number_{n}"], "buildings": data.get(f"buildings_{n}") or []}
            for n in range(1, PARTS + 1)
            if data.get(f"number_{n}")
        ]


class MergeForm(_ChangeFields):
    others = forms.CharField(
        label=_("Holdings merged into this one (numbers, in the same ward)"),
        max_length=300,
        help_text=_("Separate them by commas, e.g. 12, 12/A."),
    )
    number = forms.CharField(label=_("Number of the merged holding"), max_length=40)
    field_order = ["others", "number"]
