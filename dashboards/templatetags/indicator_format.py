"""Render an indicator's value in its unit: shares as percentages, ratios with two
decimals, days and volumes as numbers."""

from django import template
from django.utils.formats import number_format as django_number_format
from django.utils.translation import gettext as _

from core.local import digits

register = template.Library()


def number_format(value, decimals: int) -> str:
    """Grouped as the page's language groups, in its digits."""
    return digits(django_number_format(value, decimals, force_grouping=True))


@register.filter
def in_unit(value, unit: str) -> str:
    if value is None or value == "":
        return "–"
    if unit == "share":
        return f"{number_format(float(value) * 100, 1)}%"
    if unit == "ratio":
        return number_format(float(value), 2)
    if unit == "days":
        return _("%(days)s days") % {"days": number_format(float(value), 1)}
    return number_format(value, 1 if isinstance(value, float) else 0)


@register.filter
def change_in_unit(value, unit: str) -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ""
    if unit == "share":
        return _("%(sign)s%(points)s points") % {
            "sign": sign,
            "points": number_format(float(value) * 100, 1),
        }
    return sign + number_format(float(value), 2)
