"""The choices every dashboard page and API takes: municipality, year and ward."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000


class DashboardQueryForm(forms.Form):
    municipality = forms.SlugField(required=False, label=_("Municipality"))
    year = forms.IntegerField(required=False, label=_("Year"))
    ward = forms.IntegerField(required=False, min_value=1, label=_("Ward"))

    def clean_year(self) -> int:
        year = self.cleaned_data.get("year")
        this_year = timezone.localdate().year
        if year is None:
            return this_year
        if not FIRST_YEAR <= year <= this_year:
            raise forms.ValidationError(
                _("Choose a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": this_year}
            )
        return year


class MonthlyReportForm(DashboardQueryForm):
    """A month of a year: the monthly FSM report's choice (not a month still to come)."""

    month = forms.IntegerField(min_value=1, max_value=12, label=_("Month"))

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        year, month = cleaned.get("year"), cleaned.get("month")
        if year is not None and month is not None and (year, month) > (today.year, today.month):
            raise forms.ValidationError(_("Choose a month that has begun."))
        return cleaned


def year_choices(count: int = 6) -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - count, -1))
