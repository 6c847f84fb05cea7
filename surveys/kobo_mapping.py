"""Kobo/ODK forms that are not the sample form (issue 24): a saved mapping (KoboMapping)
says which column of the export answers which question of the questionnaire and what the
form's own codes mean, so any town's form imports without code. This module reads an
export's columns for the mapping page, suggests a first mapping, checks a mapping against
the questionnaire, and turns a row into the questionnaire's answers by it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import form

# What a row needs besides its answers, and the canonical column the import reads it from.
META = {
    "instance": ("instanceID", gettext_lazy("Instance ID (unique per submission)")),
    "username": ("username", gettext_lazy("Kobo user name")),
    "end": ("end", gettext_lazy("When the form was finished")),
    "gps": ("gps", gettext_lazy("GPS point (latitude longitude altitude accuracy)")),
    "latitude": ("_gps_latitude", gettext_lazy("Latitude")),
    "longitude": ("_gps_longitude", gettext_lazy("Longitude")),
    "accuracy": ("_gps_precision", gettext_lazy("GPS accuracy (m)")),
}
# The column names of a standard Kobo export, tried first when suggesting a mapping.
META_GUESSES = {
    "instance": ["instanceID", "_uuid", "KEY", "meta-instanceID"],
    "username": ["username", "_submitted_by", "deviceid"],
    "end": ["end", "_submission_time", "start"],
    "gps": ["gps", "_geolocation", "location", "gps_point"],
    "latitude": ["_gps_latitude", "latitude", "lat"],
    "longitude": ["_gps_longitude", "longitude", "lon", "lng"],
    "accuracy": ["_gps_precision", "accuracy", "precision"],
}
YES_NO = {
    "yes": True,
    "no": False,
    "1": True,
    "0": False,
    "true": True,
    "false": False,
    "y": True,
    "n": False,
    "হ্যাঁ": True,
    "না": False,
    "dont_know": None,
    "": None,
}
MAX_DISTINCT = 40
MAX_COLUMN = 200
_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")


def questions(version: str) -> dict[str, dict[str, Any]]:
    """The questionnaire's questions a column can answer (repeats aside), by name."""
    try:
        items = form.definition(version)["questions"]
    except KeyError:
        raise ValidationError(
            {"questionnaire_version": [_("Unknown questionnaire version.")]}
        ) from None
    return {q["name"]: q for q in items if q["kind"] != "repeat"}


def columns_of(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each column of an export: its name, a sample and, when it reads like a code list
    (at most MAX_DISTINCT different values), its values with how often each occurs."""
    names: dict[str, None] = {}
    for record in records[:50]:
        names.update(dict.fromkeys(record))
    result = []
    for name in names:
        counts: dict[str, int] = {}
        for record in records:
            value = str(record.get(name) or "").strip()
            if value:
                counts[value] = counts.get(value, 0) + 1
            if len(counts) > MAX_DISTINCT:
                break
        coded = len(counts) <= MAX_DISTINCT
        result.append(
            {
                "name": name,
                "sample": next(iter(counts), ""),
                "values": sorted(counts.items()) if coded else None,
            }
        )
    return result


def suggest(columns: list[str], version: str, aliases: dict[str, str]) -> dict[str, str]:
    """A first mapping for an export never mapped before: a question answered by the
    column of its own name (or its name in the sample form, `aliases`: column -> question),
    the meta by Kobo's own names."""
    present = set(columns)
    sample_names = {key: source for source, key in aliases.items()}
    guess: dict[str, str] = {}
    for target, names in META_GUESSES.items():
        found = next((n for n in names if n in present), None)
        if found:
            guess[target] = found
    for name in questions(version):
        for candidate in (name, sample_names.get(name)):
            if candidate in present:
                guess[name] = candidate
                break
    return guess


def check(*, version: str, columns: Any, codes: Any) -> tuple[dict[str, str], dict]:
    """The mapping's columns and codes, checked against the questionnaire `version`: every
    key a question or meta key, an instance column, a location, and codes that are the
    question's own. Raises ValidationError listing what is wrong."""
    known = questions(version)
    errors: dict[str, list[str]] = {}
    if not isinstance(columns, dict) or not all(
        isinstance(v, str) and 0 < len(v.strip()) <= MAX_COLUMN for v in columns.values()
    ):
        raise ValidationError({"columns": [_("Give each question the name of one column.")]})
    unknown = sorted(set(columns) - set(known) - set(META))
    if unknown:
        errors["columns"] = [
            _("%(name)s is not a question of version %(version)s.")
            % {"name": name, "version": version}
            for name in unknown
        ]
    if "instance" not in columns:
        errors.setdefault("columns", []).append(_("Choose the column of the instance ID."))
    if "gps" not in columns and not {"latitude", "longitude"} <= set(columns):
        errors.setdefault("columns", []).append(
            _("Choose the GPS column, or the latitude and longitude columns.")
        )
    if not isinstance(codes, dict):
        raise ValidationError({"codes": [_("Give the codes as an object per question.")]})
    for name, table in codes.items():
        question = known.get(name)
        if question is None or "choices" not in question or not isinstance(table, dict):
            errors.setdefault("codes", []).append(_("%(name)s has no code list.") % {"name": name})
            continue
        allowed = [value for value, _label in question["choices"]] + [None]
        wrong = sorted(str(k) for k, v in table.items() if v not in allowed)
        if wrong:
            errors.setdefault("codes", []).append(
                _("%(question)s: %(codes)s map to no code of the questionnaire.")
                % {"question": name, "codes": ", ".join(wrong)}
            )
    if errors:
        raise ValidationError(errors)
    return {k: v.strip() for k, v in columns.items()}, codes


def canonical(record: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """The row with its meta under the names the import reads (instanceID, username, end,
    gps, _gps_latitude…), taken from the columns the mapping names."""
    row = dict(record)
    for target, (name, _label) in META.items():
        if target in columns:
            row[name] = record.get(columns[target], "")
    if "instance" in columns:
        row.pop("_uuid", None)
    return row


def _number(raw: str) -> str:
    return raw.translate(_DIGITS).replace(",", "").strip()


def _convert(question: dict[str, Any], raw: str, table: dict[str, Any]) -> tuple[bool, Any]:
    """(answered, value) of one cell for one question."""
    kind = question["kind"]
    if raw in table:
        value = table[raw]
        nullable = any(v is None for v, _label in question.get("choices", []))
        return (value is not None or nullable), value
    if kind == "yes_no":
        value = YES_NO.get(raw.lower(), raw)
        return value is not None, value
    if kind == "integer":
        number = _number(raw)
        if re.fullmatch(r"-?\d+(\.0+)?", number):
            return True, int(float(number))
        return True, raw
    if kind == "decimal":
        return True, _number(raw)
    if kind == "date":
        try:
            return True, dt.date.fromisoformat(raw[:10]).isoformat()
        except ValueError:
            return True, raw
    return True, raw


def answers(record: dict[str, Any], mapping: Any, known: dict[str, dict]) -> dict[str, Any]:
    """The questionnaire's answers of one row, by the mapping (columns, then codes)."""
    result: dict[str, Any] = {}
    for name, column in mapping.columns.items():
        question = known.get(name)
        if question is None:
            continue
        raw = str(record.get(column) if record.get(column) is not None else "").strip()
        if raw == "" and raw not in mapping.codes.get(name, {}):
            continue
        answered, value = _convert(question, raw, mapping.codes.get(name, {}))
        if answered:
            result[name] = value
    return result
