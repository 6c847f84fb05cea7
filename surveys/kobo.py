"""Import of KoboToolbox / ODK exports (CSV, XLSX or JSON) of the building survey XLSForm
(surveys/xlsform.py, written to fixtures/kobo/), or of any other form through a saved
mapping (surveys/kobo_mapping.py). Each row goes through the same service as
a phone's submission (matching, flags, idempotency by the form's instance UUID); the result
is a per-row report. The export names the Kobo account that collected a row; the supervisor
maps Kobo user names to enumerators once (KoboAccount). A dry run checks every row and
keeps nothing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core import sheets
from spatial.models import Municipality

from . import kobo_mapping, selectors, services
from .kobo_mapping import YES_NO
from .models import KoboAccount, SurveyCampaign
from .xlsform import FACILITIES

MAX_ROWS = 20_000
MAX_BYTES = 20 * 1024 * 1024

# Form field (group prefixes removed) -> questionnaire key.
FIELD_MAP = {
    "holding_no": "holding_number",
    "structure": "structure_type",
    "floors": "floor_count",
    "built_year": "construction_year",
    "use": "functional_use",
    "households": "household_count",
    "males": "population_male",
    "females": "population_female",
    "others": "population_other",
    "disabled": "population_disabled",
    "water": "water_source",
    "toilet": "has_toilet",
    "toilets": "toilet_count",
    "shared": "toilet_shared",
    "sharing_hh": "sharing_households",
    "members_go": "members_go",
    "outlet": "outlet",
    "ever_emptied": "ever_emptied",
    "last_emptied": "last_emptied_on",
    "emptied_how": "emptied_by",
    "sludge_to": "sludge_destination",
}
INTEGER_KEYS = {
    "floor_count",
    "construction_year",
    "household_count",
    "population_male",
    "population_female",
    "population_other",
    "population_disabled",
    "toilet_count",
    "sharing_households",
}
BOOLEAN_KEYS = {"has_toilet", "toilet_shared", "ever_emptied"}


@dataclass
class ImportReport:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, instance: str, outcome: str, detail: Any = None, **extra: Any):
        self.rows.append(
            {"row": row, "instance": instance, "outcome": outcome, "detail": detail, **extra}
        )

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        return counts


def read_records(
    content: bytes, filename: str, *, require_instance: bool = True
) -> list[dict[str, str]]:
    """Rows of a Kobo/ODK export: JSON (a list, or {"results": [...]}), XLSX (its first
    sheet, where Kobo puts the main form) or CSV with ',' ';' or tab separators. Unless
    `require_instance` is false (a mapped form names its own instance column), a CSV or XLSX
    needs Kobo's _uuid or ODK's meta/instanceID column. Raises ValidationError for anything
    else."""
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than 20 MB.")]})
    looks_json = not sheets.is_xlsx(content, filename) and (
        filename.lower().endswith(".json") or content.lstrip()[:1] in (b"[", b"{")
    )
    if not looks_json:
        records = sheets.read_sheet(content, filename, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
        return _named(_checked(records, require_instance))
    try:
        data = json.loads(sheets.decoded(content))
    except ValueError as exc:
        raise ValidationError({"file": [_("The JSON could not be read.")]}) from exc
    records = data.get("results") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValidationError({"file": [_("Expected a list of submissions.")]})
    return _named(records)


def _checked(records: list[dict[str, Any]], require_instance: bool) -> list[dict[str, Any]]:
    if not records:
        raise ValidationError({"file": [_("The file holds no rows.")]})
    if require_instance and "_uuid" not in records[0] and "meta/instanceID" not in records[0]:
        raise ValidationError(
            {"file": [_("Not a Kobo/ODK export: no _uuid or meta/instanceID column.")]}
        )
    return records


def _named(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group prefixes taken off the column names (group/question -> question)."""
    if len(records) > MAX_ROWS:
        raise ValidationError({"file": [_("At most 20,000 rows per import.")]})
    return [
        {
            str(k).split("/")[-1] if k != "meta/instanceID" else "instanceID": v
            for k, v in record.items()
        }
        for record in records
    ]


def mapped_records(records: list[dict[str, Any]], mapping: Any) -> list[dict[str, Any]]:
    """Rows with their meta (instance, user, time, place) where the import reads it, taken
    from the columns `mapping` names; the answer columns stay as they are."""
    return [kobo_mapping.canonical(record, mapping.columns) for record in records]


def _instance_uuid(record: dict[str, Any]) -> uuid.UUID:
    raw = record.get("instanceID") or record.get("_uuid") or ""
    return uuid.UUID(str(raw).removeprefix("uuid:"))


def to_answers(record: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for source, key in FIELD_MAP.items():
        value = record.get(source)
        if value is None or value == "":
            continue
        value = str(value).strip()
        if key in BOOLEAN_KEYS:
            answers[key] = YES_NO.get(value.lower(), value)
            if answers[key] is None and key != "ever_emptied":
                del answers[key]
        elif key in INTEGER_KEYS:
            answers[key] = int(float(value)) if value.replace(".", "", 1).isdigit() else value
        else:
            answers[key] = value
    facility = record.get("facility")
    if facility:
        if facility not in FACILITIES:
            raise ValidationError(
                {"facility": [_("Unknown toilet facility %(value)s.") % {"value": facility}]}
            )
        answers["toilet_type"], answers["containment_type"], outlet, _label = FACILITIES[facility]
        if outlet:
            answers["outlet"] = outlet
    return answers


def _point(record: dict[str, Any]) -> tuple[Point, float]:
    lat, lon = record.get("_gps_latitude"), record.get("_gps_longitude")
    precision = record.get("_gps_precision")
    if (lat in (None, "") or lon in (None, "")) and record.get("gps"):
        parts = str(record["gps"]).split()
        lat, lon = parts[0], parts[1]
        precision = parts[3] if len(parts) > 3 else precision
    try:
        return Point(float(lon), float(lat), srid=4326), float(precision or 0)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"gps": [_("The GPS point is missing or not a number.")]}) from exc


def kobo_usernames(records: list[dict[str, Any]]) -> set[str]:
    return {_kobo_username(r) for r in records} - {""}


def _kobo_username(record: dict[str, Any]) -> str:
    return str(record.get("username") or record.get("_submitted_by") or "").strip()


def enumerators_for(
    *, municipality: Municipality, usernames: set[str], mapping: dict[str, str] | None = None
) -> dict[str, Any]:
    """Who each Kobo user name of an export is: the `mapping` given with this import (Kobo
    name -> IMIS user name), else the account remembered from an earlier import, else the
    enumerator with the same user name. Unknown names map to None. Raises ValidationError
    naming each mapping entry that is not an enumerator of the municipality."""
    mapping = mapping or {}
    enumerators = selectors.municipality_enumerators(municipality=municipality)
    by_name = {u.username: u for u in enumerators.filter(username__in=set(mapping.values()))}
    errors = [
        _("%(kobo)s: %(user)s is not an enumerator of %(municipality)s.")
        % {"kobo": kobo, "user": imis, "municipality": municipality.name}
        for kobo, imis in sorted(mapping.items())
        if imis not in by_name
    ]
    if errors:
        raise ValidationError({"enumerators": errors})
    chosen = {kobo: by_name[imis] for kobo, imis in mapping.items()}
    rest = usernames - set(chosen)
    remembered = {
        account.username: account.enumerator
        for account in KoboAccount.objects.filter(
            municipality=municipality, username__in=rest, enumerator__in=enumerators
        ).select_related("enumerator")
    }
    same_name = {u.username: u for u in enumerators.filter(username__in=rest - set(remembered))}
    return {
        name: chosen.get(name) or remembered.get(name) or same_name.get(name)
        for name in usernames | set(chosen)
    }


def remember_accounts(*, municipality: Municipality, accounts: dict[str, Any]) -> None:
    """Keep the Kobo name -> enumerator pairs a supervisor gave, for the next import."""
    for username, enumerator in accounts.items():
        KoboAccount.objects.update_or_create(
            municipality=municipality, username=username, defaults={"enumerator": enumerator}
        )


@transaction.atomic
def import_records(
    *,
    campaign: SurveyCampaign,
    records: list[dict[str, Any]],
    enumerators: dict[str, Any] | None = None,
    default_enumerator: Any = None,
    commit: bool = True,
    remember: dict[str, Any] | None = None,
    mapping: Any = None,
) -> ImportReport:
    """Import each row on its own (a bad row never spoils the others); re-importing the same
    export creates nothing new. `enumerators` maps the export's Kobo user names to users
    (see enumerators_for); rows of an unmapped name go to `default_enumerator` or are
    reported as unmapped. Without `commit`, a dry run: every row is checked exactly as it
    would be imported (duplicates within the file included), then nothing is kept.
    `remember` (Kobo name -> enumerator) is stored for the next import when committing.
    With a `mapping` (KoboMapping), rows are read by it: `records` have been through
    `mapped_records`, answers come from the mapped columns and codes."""
    enumerators = enumerators or {}
    known = kobo_mapping.questions(mapping.questionnaire_version) if mapping else {}
    report = ImportReport()
    for number, record in enumerate(records, start=2):
        instance = str(record.get("instanceID") or record.get("_uuid") or "")
        try:
            client_uuid = _instance_uuid(record)
        except ValueError:
            report.add(number, instance, "invalid", {"uuid": [_("Missing or malformed.")]})
            continue
        kobo_name = _kobo_username(record)
        enumerator = enumerators.get(kobo_name) or default_enumerator
        if enumerator is None:
            message = (
                _("Kobo user %(name)s is not mapped to an enumerator.") % {"name": kobo_name}
                if kobo_name
                else _("The row names no Kobo user.")
            )
            report.add(number, instance, "unmapped", {"username": [message]}, username=kobo_name)
            continue
        try:
            point, precision = _point(record)
            device_time = parse_datetime(str(record.get("end") or record.get("start") or ""))
            if device_time is None:
                raise ValidationError({"end": [_("The form's end time is missing.")]})
            with transaction.atomic():
                received = services.submission_receive(
                    enumerator=enumerator,
                    campaign=campaign,
                    client_uuid=client_uuid,
                    device_time=device_time,
                    point=point,
                    gps_accuracy_m=precision,
                    answers=(
                        kobo_mapping.answers(record, mapping, known)
                        if mapping
                        else to_answers(record)
                    ),
                )
        except services.SubmissionConflict:
            report.add(
                number,
                instance,
                "conflict",
                _("This instance was imported before with other answers."),
            )
        except PermissionDenied:
            detail = _("%(user)s (Kobo user %(kobo)s) is not assigned to this campaign.") % {
                "user": enumerator.get_username(),
                "kobo": kobo_name or "-",
            }
            report.add(number, instance, "invalid", {"username": [detail]})
        except ValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            report.add(number, instance, "invalid", detail)
        else:
            outcome = "duplicate"
            if received.created:
                outcome = "imported" if commit else "importable"
            report.add(
                number,
                instance,
                outcome,
                None,
                submission=received.submission.pk if commit else None,
                flags=list(received.submission.flags),
            )
    if commit and remember:
        remember_accounts(municipality=campaign.municipality, accounts=remember)
    if not commit:
        transaction.set_rollback(True)
    return report
