"""The forms of the holdings pages (issue 31): they check the shape; holdings.importing,
holdings.reconciliation and holdings.services do the work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Feed
from .models import HoldingSettings

REGISTER = "register"  # the holding register itself (holdings.loading), not a feed


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


class TransferForm(forms.Form):
    """An ownership transfer as the register records it from the deed: the new owner (and a
    co-owner), the date, the deed or mutation case number and, if at hand, its scan."""

    happened_on = forms.DateField(
        label=_("Date of the transfer"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence_reference = forms.CharField(
        label=_("Deed or mutation case number"), max_length=80, required=False
    )
    evidence = forms.FileField(label=_("Scan of the deed (PDF, JPEG or PNG)"), required=False)
    name = forms.CharField(label=_("New owner"), max_length=120)
    national_id = forms.CharField(label=_("National ID number"), max_length=30, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    co_owner = forms.CharField(label=_("Co-owner (if any)"), max_length=120, required=False)
