"""Holding numbers as the municipality's systems write them, and the key they are matched
by (issue 31).

The tax, water and trade licence systems each write a holding's number their own way:
Bangla or Latin digits, leading zeros, '-', '/', '.' or spaces between its parts, a suffix
letter for a flat ("12A", "12/A", "12-ক"), a label ("Holding No. 12") and sometimes the
ward before it ("04-0012", "W4/12", "ওয়ার্ড ৪, হোল্ডিং ১২"). The key of a number is its
parts with Latin digits, no leading zeros and letters in capitals, joined by '/': all of
the above give the key "12" (or "12/A") and, where they name one, the ward 4.

`readings` lists what a feed's row may mean, best first; holdings.matching looks each
reading up in SQL. Pure functions: no database."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from core.local import latin_digits

# Words that say the next number is the ward, and labels that carry no number, as written
# in English and in Bangla (compared after NFC normalisation and capitals).
_WARD_WORDS = ("W", "WD", "WARD", "WNO", "ওয়ার্ড", "ওয়ার্ড", "ওয়ার্ড", "ওঃ")
_LABEL_WORDS = (
    "H",
    "HOLDING",
    "HOLD",
    "HNO",
    "NO",
    "NUMBER",
    "NUM",
    "হোল্ডিং",
    "হোল্ডিং",
    "নং",
    "নম্বর",
    "নম্বর",
    "নাম্বার",
)


def _nfc(word: str) -> str:
    return unicodedata.normalize("NFC", word).upper()


WARD_WORDS = frozenset(_nfc(w) for w in _WARD_WORDS)
LABEL_WORDS = frozenset(_nfc(w) for w in _LABEL_WORDS)
_SEPARATORS = re.compile(r"[\s\-/\\.,:;#_()\[\]|]+")
_PARTS = re.compile(r"\d+|\D+")
# A ward prefix is a small number: a paurashava has 9 to 15 wards, a city corporation
# up to about 75.
MAX_WARD = 99
# The best reading comes first: a ward the text or a column names, then what the
# municipality says its systems write, then the other way; SUGGESTION only proposes
# candidates for the reconciliation queue and never matches on its own.
SUGGESTION = 9


@dataclass(frozen=True)
class Reading:
    rank: int
    ward: int | None  # the ward's number, where the row names one
    key: str


# A feed reads each number three or four times (its readings, its key, the row's
# identity) and its wards and years over and over: the recent ones are remembered.
@lru_cache(maxsize=4096)
def parts(text: str) -> tuple[str, ...]:
    """The number's parts: digit runs without leading zeros and letter runs in capitals,
    labels left out; ward words are kept (a caller decides what follows them)."""
    found = []
    for piece in _SEPARATORS.split(_nfc(latin_digits(str(text)))):
        for part in _PARTS.findall(piece):
            if part.isdigit():
                found.append(str(int(part)))
            elif part.strip() and part not in LABEL_WORDS:
                found.append(part.strip())
    return tuple(found)


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """The key a holding is stored and matched by ("" when the text has no number)."""
    return _joined(parts(text))


@lru_cache(maxsize=4096)
def _joined(found: tuple[str, ...]) -> str:
    if not any(p.isdigit() for p in found):
        return ""
    return "/".join(p for p in found if p not in WARD_WORDS)


@lru_cache(maxsize=1024)
def ward_number(text: str | int | None) -> int | None:
    """The ward a cell names ("4", "০৪", "Ward 4"), or None when it names none."""
    if text is None or str(text).strip() == "":
        return None
    found = [p for p in parts(str(text)) if p.isdigit()]
    return int(found[0]) if len(found) == 1 and 0 < int(found[0]) <= MAX_WARD else None


def readings(number: str, *, ward: str | int | None = None, ward_prefixed: bool = False):
    """What a feed's holding number (and its ward column, when the feed has one) may mean,
    best first. Empty when the number has no digits."""
    found = parts(number)
    column = ward_number(ward)
    marked = None
    for i, part in enumerate(found[:-1]):
        if part in WARD_WORDS and found[i + 1].isdigit():
            marked = int(found[i + 1])
            found = found[:i] + found[i + 2 :]
            break
    whole = _joined(found)
    if not whole:
        return []
    named = [w for w in (column, marked) if w is not None]
    if named:
        out = [Reading(0, w, whole) for w in dict.fromkeys(named)]
        return [*out, Reading(SUGGESTION, None, whole)]
    out = []
    if len(found) >= 2 and found[0].isdigit() and 0 < int(found[0]) <= MAX_WARD:
        rest = _joined(found[1:])
        if rest:
            prefixed = Reading(1 if ward_prefixed else 2, int(found[0]), rest)
            out.append(prefixed)
    out.append(Reading(2 if ward_prefixed else 1, None, whole))
    return sorted(out, key=lambda r: r.rank)


def national_id(text: str) -> str:
    """A national ID number as digits only (10, 13 or 17 of them), or ValueError."""
    digits = re.sub(r"[\s\-]", "", latin_digits(str(text)))
    if not digits.isdigit() or len(digits) not in (10, 13, 17):
        raise ValueError(_("a national ID has 10, 13 or 17 digits"))
    return digits
