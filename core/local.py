"""Names and numbers in the reader's language: a record's Bangla name on Bangla pages when it
has one, and Bangla digits (with grouping) in Bangla text."""

from __future__ import annotations

import re

from django.utils.translation import get_language
from django.utils.translation import gettext as _

BANGLA_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def bangla() -> bool:
    return (get_language() or "").startswith("bn")


def digits(text) -> str:
    """`text` (a number or a string) with Bangla digits on Bangla pages."""
    text = str(text)
    return text.translate(BANGLA_DIGITS) if bangla() else text


def local_name(name: str | None, name_bn: str | None) -> str:
    return (name_bn if bangla() and name_bn else name) or ""


class LocalName:
    """For models with `name` and `name_bn`: `local_name` is the one the reader reads."""

    @property
    def local_name(self) -> str:
        return local_name(self.name, self.name_bn)


def ward_label(row) -> str:
    """A ward as readers name it: its Bangla name on Bangla pages when it has one, else
    "Ward 3" in the page's language and digits (`row`: a mapping with number, name_bn)."""
    if bangla() and row.get("name_bn"):
        return row["name_bn"]
    return _("Ward %(number)s") % {"number": digits(row["number"])}


# Bangladeshi mobile numbers: 01 and an operator digit 3-9, then eight digits (11 in all),
# written with or without the country code (+880 / 880), spaces or dashes, in Bangla or
# Latin digits.
_MOBILE = re.compile(r"^01[3-9]\d{8}$")
_LATIN_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def latin_digits(text: str) -> str:
    """`text` with Bangla digits written as Latin ones (what the registers hold)."""
    return str(text).translate(_LATIN_DIGITS)


def bangladesh_mobile(value: str) -> str:
    """`value` as an 11-digit mobile number (01XXXXXXXXX), or ValueError."""
    text = re.sub(r"[\s\-()]", "", str(value).translate(_LATIN_DIGITS))
    if text.startswith("+880"):
        text = "0" + text[4:].lstrip("0")
    elif text.startswith("880") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.match(text):
        raise ValueError(value)
    return text
