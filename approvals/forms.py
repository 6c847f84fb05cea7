"""The forms of the building approval pages (issue 32): they check the shape; the
services check the rules and who acts."""

from __future__ import annotations

import json

from django import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.utils.translation import gettext_lazy as _

from containment.choices import ContainmentType, Outlet
from spatial.choices import FunctionalUse

from .choices import Document

MAX_FOOTPRINT_BYTES = 2 * 2**20


def polygon_of(text: str):
    """The first polygon of a GeoJSON geometry, feature or feature collection (WGS 84)."""
    try:
        value = json.loads(text)
    except ValueError:
        raise forms.ValidationError(_("Not GeoJSON.")) from None
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        value = (value.get("features") or [{}])[0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    try:
        geometry = GEOSGeometry(json.dumps(value), srid=4326)
    except (GEOSException, ValueError, TypeError):
        raise forms.ValidationError(_("Not a GeoJSON geometry.")) from None
    if geometry.geom_type == "MultiPolygon" and len(geometry) == 1:
        geometry = geometry[0]
    if geometry.geom_type != "Polygon" or not geometry.valid:
        raise forms.ValidationError(_("The footprint must be one valid polygon."))
    return geometry


class ApplicationForm(forms.Form):
    applicant_name = forms.CharField(label=_("Applicant"), max_length=120)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20, required=False)
    holding_number = forms.CharField(
        label=_("Holding number (if the plot has one)"), max_length=40, required=False
    )
    plot = forms.CharField(label=_("Plot (mouza, dag and khatian)"), max_length=200)
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=60)
    functional_use = forms.ChoiceField(label=_("Use"), choices=FunctionalUse.choices)
    occupants = forms.IntegerField(
        label=_("People who will live or work in it"), min_value=1, max_value=100_000
    )
    footprint = forms.CharField(
        label=_("Footprint drawn on the map"), required=False, widget=forms.HiddenInput
    )
    footprint_file = forms.FileField(
        label=_("Or the footprint as a GeoJSON file"),
        required=False,
        help_text=_("A polygon in WGS 84 longitude and latitude, as QGIS saves GeoJSON."),
    )
    containment_type = forms.ChoiceField(
        label=_("Proposed containment"), choices=ContainmentType.choices
    )
    volume_m3 = forms.DecimalField(
        label=_("Effective volume (m³)"), min_value=0, max_digits=7, decimal_places=2
    )
    outlet = forms.ChoiceField(label=_("Outlet"), choices=Outlet.choices)
    well_distance_m = forms.DecimalField(
        label=_("Distance to the nearest well, as designed (m)"),
        min_value=0, max_digits=7, decimal_places=2, required=False,
    )  # fmt: skip
    water_body_distance_m = forms.DecimalField(
        label=_("Distance to the nearest water body, as designed (m)"),
        min_value=0, max_digits=7, decimal_places=2, required=False,
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        upload = data.get("footprint_file")
        if upload is not None:
            if upload.size > MAX_FOOTPRINT_BYTES:
                self.add_error("footprint_file", _("The file is larger than 2 MB."))
                return data
            try:
                data["footprint"] = polygon_of(upload.read().decode("utf-8-sig"))
            except (forms.ValidationError, UnicodeDecodeError) as error:
                self.add_error("footprint_file", getattr(error, "messages", [str(error)]))
        elif data.get("footprint"):
            try:
                data["footprint"] = polygon_of(data["footprint"])
            except forms.ValidationError as error:
                self.add_error("footprint_file", error.messages)
        else:
            self.add_error("footprint_file", _("Draw the footprint or give its file."))
        return data


class DocumentsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=Document.choices)
    file = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BuiltForm(forms.Form):
    as_approved = forms.TypedChoiceField(
        label=_("What was built"),
        choices=[("yes", _("As approved")), ("no", _("Differently"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    differences = forms.CharField(
        label=_("What differs"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    outlet = forms.ChoiceField(
        label=_("The tank's outlet as built"),
        choices=[("", _("as approved")), *Outlet.choices],
        required=False,
    )
