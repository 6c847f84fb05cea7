from django import forms
from django.utils.translation import gettext_lazy as _


class MunicipalityForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Short, lower case, used in addresses: for example lakshmipur."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    name_bn = forms.CharField(label=_("Name in Bangla"), max_length=120)
    boundary = forms.FileField(
        label=_("Official boundary"),
        help_text=_(
            "A GeoPackage, GeoJSON or zipped Shapefile with the boundary as polygons, in any "
            "coordinate system the file states (BTM, UTM 46N, WGS 84)."
        ),
    )
