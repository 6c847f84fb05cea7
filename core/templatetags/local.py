"""Numbers in the reader's language: `{{ value|number }}` or `{{ value|number:1 }}` groups
the digits as the language does (12,345 in English; 12,345 and 1,23,456 in Bangla) and
writes Bangla digits on Bangla pages. `{{ text|local_digits }}` only changes the digits."""

from django import template
from django.utils.formats import number_format

from core.local import digits

register = template.Library()


@register.filter
def number(value, decimals=0):
    if value is None or value == "":
        return "–"
    try:
        value = float(value) if int(decimals) else round(float(value))
    except (TypeError, ValueError):
        return value
    return digits(number_format(value, int(decimals), force_grouping=True))


@register.filter
def local_digits(text):
    return digits(text)
