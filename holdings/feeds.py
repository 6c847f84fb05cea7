"""The revenue feeds the IMIS imports (issue 31): for each, the columns a file or a push
carries (under the names the municipality's systems give them, in English or Bangla),
how each cell is read, what identifies a row, and the SQL that writes the matched rows.

A feed's rows are matched on the holding number (holdings.numbers, holdings.matching);
the values are checked here first, and a row with a problem stops the whole import."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.imports import as_date, as_text
from core.local import latin_digits

from . import numbers
from .choices import BillingStatus, Feed, LicenceType, WasteFeeStatus, WaterConnection


def _header(name: str) -> str:
    """A column's name compared loosely: NFC, lower case, runs of spaces, '.', '-' and
    '_' as one '_'."""
    text = unicodedata.normalize("NFC", str(name)).strip().lower()
    return re.sub(r"[\s._\-/()]+", "_", text).strip("_")


@lru_cache(maxsize=8192)
def as_money(value: Any) -> Decimal:
    """Taka as the billing systems write them: Bangla or Latin digits, thousands
    separators (1,20,000), a '৳' or 'Tk' sign."""
    text = latin_digits(str(value)).replace(",", "").replace("৳", "").strip()
    text = re.sub(r"(?i)^(tk\.?|bdt)\s*|\s*(tk\.?|bdt|/-)$", "", text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("not an amount of taka")) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("must be zero or more"))
    if number >= Decimal("1e10"):
        raise ValueError(_("too large"))
    return number.quantize(Decimal("0.01"))


@lru_cache(maxsize=8192)
def as_fiscal_year(value: Any) -> str:
    """A Bangladeshi fiscal year (July to June) as 2025-26, from 2025-26, 2025-2026,
    2025/26 or the Bangla of any of them."""
    found = re.fullmatch(r"\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*", latin_digits(str(value)))
    if found is None:
        raise ValueError(_("not a fiscal year (for example 2025-26)"))
    first, second = int(found[1]), int(found[2][-2:])
    if second != (first + 1) % 100 or not 1990 <= first <= timezone.localdate().year + 1:
        raise ValueError(_("not a fiscal year (for example 2025-26)"))
    return f"{first}-{second:02d}"


@lru_cache(maxsize=8192)
def as_local_date(value: Any) -> dt.date:
    """A date as ISO (2026-03-31) or as the municipality writes it (31/03/2026,
    31-03-2026), Bangla digits too."""
    text = latin_digits(str(value)).strip()
    found = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if found:
        try:
            return dt.date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            raise ValueError(_("not a date (YYYY-MM-DD or DD/MM/YYYY)")) from None
    try:
        return as_date(text)
    except ValueError:
        raise ValueError(_("not a date (YYYY-MM-DD or DD/MM/YYYY)")) from None


def as_choice(choices) -> Callable[[Any], str]:
    """A code of `choices`, or its label in English or Bangla."""
    names = {}
    for language in ("en", "bn"):
        with translation.override(language):
            names |= {_header(str(label)): code for code, label in choices.choices}

    def convert(value: Any) -> str:
        text = _header(value)
        if text in choices.values:
            return text
        if text in names:
            return names[text]
        raise ValueError(
            _("unknown value %(value)s; expected one of %(codes)s")
            % {"value": value, "codes": ", ".join(choices.values)}
        )

    return convert


def as_area(value: Any) -> Decimal:
    area = as_money(value)  # digits as the systems write them, zero or more
    if area >= Decimal("1e7"):
        raise ValueError(_("too large (square metres are expected)"))
    return area.quantize(Decimal("0.1"))


def as_list(value: Any) -> list[str]:
    """A cell naming several owners, separated by ';'."""
    return [part.strip() for part in str(value).split(";") if part.strip()]


def as_positional(value: Any) -> list[str]:
    """A cell of values of the owners in their order, a blank part for one without."""
    parts = [part.strip() for part in str(value).split(";")]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def as_bins(value: Any) -> list[str]:
    return [p for p in re.split(r"[\s,;]+", latin_digits(str(value)).strip()) if p]


@dataclass(frozen=True)
class Column:
    name: str
    convert: Callable[[Any], Any]
    aliases: tuple[str, ...] = ()
    required: bool = True

    def names(self) -> set[str]:
        return {_header(self.name), *(_header(a) for a in self.aliases)}


@dataclass(frozen=True)
class FeedSpec:
    feed: Feed
    columns: tuple[Column, ...]
    # The columns that, beside the holding number, identify a row within the feed (a
    # row sent again replaces what it said before).
    identity: tuple[str, ...]
    # The row of the feed's own register a row is written to is identified by the
    # holding: True (a year of a holding) or by its own number alone (False: an account
    # or a licence moves with a correction of its holding).
    per_holding: bool
    # Fills values a feed may leave out from those it gives.
    complete: Callable[[dict], dict] = lambda row: row

    def column_map(self, header: list[str]) -> tuple[dict[str, str], list[str]]:
        return column_map((*HOLDING_COLUMNS, *self.columns), header)


def column_map(columns: tuple[Column, ...], header: list[str]):
    """{file's column: declared column} and the required columns the file lacks."""
    found: dict[str, str] = {}
    for name in header:
        for column in columns:
            if _header(name) in column.names() and column.name not in found.values():
                found[name] = column.name
    missing = [c.name for c in columns if c.required and c.name not in found.values()]
    return found, missing


HOLDING_COLUMNS = (
    Column(
        "holding_number",
        as_text(80),
        (
            "holding",
            "holding_no",
            "holding_num",
            "holding number",
            "হোল্ডিং",
            "হোল্ডিং নং",
            "হোল্ডিং নম্বর",
        ),
    ),
    Column("ward", str, ("ward_no", "ward_number", "ওয়ার্ড", "ওয়ার্ড নং"), required=False),
)

_LAST_PAYMENT = Column(
    "last_payment_on",
    as_local_date,
    ("last_payment", "last_payment_date", "payment_date", "last_paid", "সর্বশেষ পরিশোধ"),
    required=False,
)
_YEAR = Column("fiscal_year", as_fiscal_year, ("year", "fy", "financial_year", "অর্থবছর"))


def _tax(row: dict) -> dict:
    if row.get("arrears") is None:
        row["arrears"] = max(row["assessed"] - row["paid"], Decimal("0.00"))
    return row


def _water(row: dict) -> dict:
    if row.get("billing") is None:
        row["billing"] = BillingStatus.IN_ARREARS if row["arrears"] > 0 else BillingStatus.CURRENT
    return row


def _waste(row: dict) -> dict:
    if row.get("status") is None:
        if row["paid"] >= row["due"]:
            row["status"] = WasteFeeStatus.PAID
        else:
            row["status"] = WasteFeeStatus.PARTLY_PAID if row["paid"] else WasteFeeStatus.UNPAID
    return row


SPECS: dict[str, FeedSpec] = {
    Feed.TAX: FeedSpec(
        Feed.TAX,
        (
            _YEAR,
            Column("assessed", as_money, ("demand", "tax_assessed", "assessment", "ধার্য")),
            Column("paid", as_money, ("collected", "tax_paid", "collection", "আদায়")),
            Column("arrears", as_money, ("due", "outstanding", "বকেয়া"), required=False),
            _LAST_PAYMENT,
        ),
        identity=("fiscal_year",),
        per_holding=True,
        complete=_tax,
    ),
    Feed.WATER: FeedSpec(
        Feed.WATER,
        (
            Column(
                "account_number",
                as_text(40),
                ("account", "account_no", "water_account", "consumer_no", "হিসাব নং"),
            ),
            Column(
                "connection",
                as_choice(WaterConnection),
                ("connection_status", "সংযোগ"),
            ),
            Column("billing", as_choice(BillingStatus), ("billing_status",), required=False),
            Column("arrears", as_money, ("due", "outstanding", "বকেয়া")),
            _LAST_PAYMENT,
        ),
        identity=("account_number",),
        per_holding=False,
        complete=_water,
    ),
    Feed.WASTE: FeedSpec(
        Feed.WASTE,
        (
            _YEAR,
            Column("status", as_choice(WasteFeeStatus), ("fee_status",), required=False),
            Column("due", as_money, ("fee_due", "fee", "ধার্য")),
            Column("paid", as_money, ("fee_paid", "collected", "আদায়")),
            _LAST_PAYMENT,
        ),
        identity=("fiscal_year",),
        per_holding=True,
        complete=_waste,
    ),
    Feed.TRADE_LICENCE: FeedSpec(
        Feed.TRADE_LICENCE,
        (
            Column(
                "licence_number",
                as_text(40),
                (
                    "licence_no",
                    "license_no",
                    "license_number",
                    "trade_licence_no",
                    "ট্রেড লাইসেন্স নং",
                ),
            ),
            Column("business_name", as_text(160), ("business", "name_of_business", "প্রতিষ্ঠান")),
            Column("business_type", as_choice(LicenceType), ("type", "category", "ব্যবসার ধরন")),
            Column("valid_from", as_local_date, ("issued", "issue_date"), required=False),
            Column("valid_until", as_local_date, ("expiry", "expires", "valid_till", "মেয়াদ")),
        ),
        identity=("licence_number",),
        per_holding=False,
    ),
}


def identity(spec: FeedSpec, row: dict) -> str:
    """The row's identity within its feed (the queue's key): the holding number as sent
    and its ward for a per-holding feed, then the feed's own identifying values."""
    own = "|".join(str(row[name]) for name in spec.identity)
    if not spec.per_holding:
        return own
    return f"{numbers.key(row['holding_number'])}|{row.get('ward') or ''}|{own}"
