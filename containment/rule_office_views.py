"""The municipal admin's rules page (issue 26): the draft of the next version, the preview
of its impact per ward, publishing with a reason, and comparing two versions. Thin: the
form checks the shape, containment/rule_office.py previews and publishes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core import people
from core.forms import add_service_errors
from core.local import ward_label

from . import rule_office
from .choices import ComplianceStatus, ContainmentType, Outlet
from .models import ComplianceRuleSet, Containment

EDITED = (
    "approved_types",
    "forbidden_outlets",
    "emptying_not_applicable",
    "outlets_by_type",
    "groundwater_risk_wards",
    "max_years_since_emptying",
    "sludge_share_to_empty",
    "min_well_distance_m",
    "min_volume_per_user_m3",
    "min_total_volume_m3",
    "notes",
)


class RulesForm(forms.ModelForm):
    approved_types = forms.MultipleChoiceField(
        label=gettext_lazy("Approved containment types"), choices=ContainmentType.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    forbidden_outlets = forms.MultipleChoiceField(
        label=gettext_lazy("Forbidden outlets"), choices=Outlet.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    emptying_not_applicable = forms.MultipleChoiceField(
        label=gettext_lazy("Types with no emptying interval"), choices=ContainmentType.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("Why the rules change (to publish)"), max_length=300, required=False
    )

    class Meta:
        model = ComplianceRuleSet
        fields = [name for name in EDITED if name != "outlets_by_type"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        wards = municipality.wards.order_by("number").values_list("number", flat=True)
        self.fields["groundwater_risk_wards"] = forms.TypedMultipleChoiceField(
            label=gettext_lazy("Wards at significant groundwater risk"),
            help_text=gettext_lazy(
                "Pits and soak pits there leach into the groundwater (not contained)."
            ),
            choices=[(n, ward_label({"number": n})) for n in wards],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        # One field per containment type: the outlets that alone pass for it (none ticked:
        # any outlet that is not forbidden).
        allowed = (self.initial or {}).get("outlets_by_type") or {}
        for code, label in ContainmentType.choices:
            self.fields[f"outlets_{code}"] = forms.MultipleChoiceField(
                label=gettext_lazy("Only these outlets pass for: %(type)s") % {"type": label},
                choices=Outlet.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=allowed.get(code, []),
            )

    def clean(self):
        cleaned = super().clean()
        cleaned["outlets_by_type"] = {
            code: cleaned[f"outlets_{code}"]
            for code in ContainmentType.values
            if cleaned.get(f"outlets_{code}")
        }
        return cleaned

    def _post_clean(self) -> None:
        """The service validates the version it builds."""


def _municipality(request: HttpRequest):
    municipality = people.administered(user=request.user).first()
    if municipality is None:
        raise PermissionDenied
    return municipality


STATUS_LABELS = dict(ComplianceStatus.choices)


def _labelled(impact: dict) -> dict:
    codes = dict(
        Containment.all_objects.filter(pk__in=[row[0] for row in impact["examples"]]).values_list(
            "pk", "code"
        )
    )
    for row in impact["rows"]:
        row["before_label"] = STATUS_LABELS.get(row["before"], _("not assessed"))
        row["after_label"] = STATUS_LABELS.get(row["after"], row["after"])
    impact["codes"] = [
        {"code": codes.get(pk, pk), "ward": ward, "before": STATUS_LABELS.get(old, "–"),
         "after": STATUS_LABELS.get(new, new)}
        for pk, ward, old, new in impact["examples"]
    ]  # fmt: skip
    return impact


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    versions = list(
        ComplianceRuleSet.objects.filter(municipality=municipality)
        .select_related("created_by")
        .order_by("-version")
    )
    current = rule_office.draft_values(municipality=municipality)
    form = RulesForm(request.POST or None, initial=current, municipality=municipality)
    action = request.POST.get("action", "")
    impact = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = {**current, **{k: form.cleaned_data[k] for k in EDITED}}
            try:
                if action == "save":
                    rule_office.draft_save(
                        municipality=municipality, values=values, by=request.user
                    )
                    messages.success(request, _("The draft is saved."))
                    return redirect(reverse("containment:office-rules"))
                if action == "preview":
                    impact = _labelled(
                        rule_office.preview(municipality=municipality, values=values)
                    )
                    status = 200
                elif action == "publish":
                    rule_set, done = rule_office.publish(
                        municipality=municipality,
                        values=values,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                    messages.success(
                        request,
                        _("Version %(version)s is published; %(count)s containments changed.")
                        % {"version": rule_set.version, "count": done["changed"]},
                    )
                    return redirect(reverse("containment:office-rules"))
            except ValidationError as error:
                add_service_errors(form, error)
    compared = None
    first, second = request.GET.get("compare"), request.GET.get("with")
    by_version = {str(v.version): v for v in versions}
    if first in by_version and second in by_version:
        compared = {
            "first": by_version[first],
            "second": by_version[second],
            "rows": rule_office.compare(by_version[first], by_version[second]),
        }
    return render(
        request,
        "containment/rules_office.html",
        {
            "municipality": municipality,
            "versions": versions,
            "active": versions[0] if versions else None,
            "form": form,
            "impact": impact,
            "compared": compared,
        },
        status=status,
    )
