"""Services for inspections: a visit's observed facts update the containment through the
containment service (same checks, re-assessment), and the inspection keeps what changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.uploads import check_photo

from . import compliance, services
from .choices import RuleOutcome
from .models import Containment, Inspection, InspectionPhoto

# Facts an inspector may observe and correct on the register.
OBSERVABLE_FIELDS = (
    "containment_type",
    "outlet",
    "toilet_type",
    "shared_facility",
    "users",
    "length_m",
    "width_m",
    "depth_m",
    "diameter_m",
    "volume_m3",
    "construction_year",
    "location",
    "ever_emptied",
    "last_emptied_on",
    "times_emptied",
    "emptied_by",
    "sludge_destination",
)


def _json_value(value: Any) -> Any:
    return (
        value.isoformat()
        if isinstance(value, dt.date)
        else (
            str(value) if value is not None and not isinstance(value, bool | int | str) else value
        )
    )


@transaction.atomic
def inspection_record(
    *,
    containment: Containment,
    inspector: Any,
    visited_on: dt.date,
    outcome: str,
    findings: dict[str, dict[str, str]] | None = None,
    notes: str = "",
    observed: dict[str, Any] | None = None,
    client_uuid: Any = None,
) -> Inspection:
    """Record a visit. `findings` maps rule -> {"outcome": pass|fail|unknown, "note": ...};
    `observed` holds corrected facts (OBSERVABLE_FIELDS), applied with the containment
    service's checks. Raises ValidationError; nothing is written then."""
    findings = findings or {}
    observed = observed or {}
    errors: dict[str, list[str]] = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("The visit date lies in the future.")]
    unknown_rules = sorted(set(findings) - set(compliance.RULES))
    bad_outcomes = sorted(
        rule
        for rule, finding in findings.items()
        if not isinstance(finding, dict) or finding.get("outcome") not in RuleOutcome.values
    )
    if unknown_rules or bad_outcomes:
        errors["findings"] = [
            _("Findings name rules %(rules)s with pass, fail or unknown.")
            % {"rules": ", ".join(compliance.RULES)}
        ]
    unknown_fields = sorted(set(observed) - set(OBSERVABLE_FIELDS))
    if unknown_fields:
        errors["observed"] = [
            _("These facts cannot be set by an inspection: %(fields)s.")
            % {"fields": ", ".join(unknown_fields)}
        ]
    if errors:
        raise ValidationError(errors)

    containment = Containment.objects.select_for_update().get(pk=containment.pk)
    before = {name: getattr(containment, name) for name in observed}
    changed = {name: value for name, value in observed.items() if before[name] != value}
    if changed:
        services.containment_update(containment=containment, **changed)
    inspection = Inspection(
        containment=containment,
        inspector=inspector,
        visited_on=visited_on,
        findings=findings,
        outcome=outcome,
        notes=notes,
        client_uuid=client_uuid,
        changes={
            name: [_json_value(before[name]), _json_value(value)] for name, value in changed.items()
        },
    )
    inspection.full_clean(exclude=["containment", "inspector"])
    inspection.save()
    return inspection


def inspection_record_once(
    *, client_uuid: Any, inspector: Any, **values: Any
) -> tuple[Inspection, bool]:
    """inspection_record for a phone that names its visit: a visit sent again (its answer
    was lost) is the one kept, and False; a name already used for another containment or
    by another inspector is refused."""
    kept = Inspection.objects.filter(client_uuid=client_uuid).first()
    if kept is None:
        try:
            with transaction.atomic():
                return inspection_record(
                    client_uuid=client_uuid, inspector=inspector, **values
                ), True
        except IntegrityError:
            kept = Inspection.objects.get(client_uuid=client_uuid)  # sent twice at once
    if kept.containment_id != values["containment"].pk or kept.inspector_id != inspector.pk:
        raise ValidationError({"client_uuid": [_("This visit's name is taken by another.")]})
    return kept, False


@transaction.atomic
def inspection_add_photo(
    *, inspection: Inspection, upload: UploadedFile, client_uuid: Any = None
) -> InspectionPhoto:
    """Attach a JPEG or PNG photo (at most 8 MiB); anything else is refused. A photo the
    phone named (`client_uuid`) is kept once however often it is sent."""
    if client_uuid is not None:
        kept = InspectionPhoto.objects.filter(client_uuid=client_uuid).first()
        if kept is not None:
            if kept.inspection_id != inspection.pk:
                raise ValidationError({"client_uuid": [_("This photo's name is taken.")]})
            return kept
    check_photo(upload)
    return InspectionPhoto.objects.create(
        inspection=inspection, image=upload, client_uuid=client_uuid
    )
