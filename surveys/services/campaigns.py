"""Campaigns and the assignment of enumerators to wards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Membership
from core.roles import MembershipRole
from spatial import services as spatial_services
from spatial.models import Municipality, Ward

from .. import kobo_mapping
from ..models import Assignment, KoboMapping, SurveyCampaign, WardTarget
from ..questionnaire import QUESTIONNAIRES


# ---------------------------------------------------------------- campaigns
@transaction.atomic
def campaign_create(
    *,
    municipality: Municipality,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    wards: list[Ward],
    questionnaire_version: str,
    created_by: Any = None,
) -> SurveyCampaign:
    if questionnaire_version not in QUESTIONNAIRES:
        raise ValidationError({"questionnaire_version": [_("Unknown questionnaire version.")]})
    if not wards or any(w.municipality_id != municipality.pk for w in wards):
        raise ValidationError({"wards": [_("Choose wards of this municipality.")]})
    campaign = SurveyCampaign(
        municipality=municipality,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        questionnaire_version=questionnaire_version,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    campaign.full_clean(exclude=["municipality"])
    campaign.save()
    campaign.wards.set(wards)
    return campaign


@transaction.atomic
def assignment_create(*, campaign: SurveyCampaign, enumerator: Any, ward: Ward) -> Assignment:
    """Assign an enumerator of the campaign's municipality to one of its wards. The
    assignment grants what it needs: a ward-limited enumerator membership is extended to
    the ward, so the enumerator reads the ward's buildings and the campaign. Raises
    ValidationError when the user holds no enumerator role there, or the ward is not the
    campaign's."""
    if not campaign.wards.filter(pk=ward.pk).exists():
        raise ValidationError({"ward": [_("The ward is not in this campaign.")]})
    membership = Membership.objects.filter(
        user=enumerator, municipality_id=campaign.municipality_id, role=MembershipRole.ENUMERATOR
    ).first()
    if membership is None:
        raise ValidationError(
            {
                "enumerator": [
                    _("%(user)s is not an enumerator of %(municipality)s.")
                    % {"user": enumerator.get_username(), "municipality": campaign.municipality}
                ]
            }
        )
    spatial_services.membership_cover_ward(membership=membership, ward=ward)
    assignment, _created = Assignment.objects.get_or_create(
        campaign=campaign, enumerator=enumerator, ward=ward
    )
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    """Take an enumerator off a ward of the campaign. What he sent stays (submissions are
    the campaign's); the phone stops offering the ward at its next refresh."""
    assignment.delete()


@transaction.atomic
def ward_targets_set(*, campaign: SurveyCampaign, targets: dict[int, int | None]) -> None:
    """Set the campaign's target (buildings to survey) of each ward given; None or 0 takes
    the target away. Raises ValidationError naming a ward that is not the campaign's or a
    target that is negative, and writes nothing then."""
    wards = set(campaign.wards.values_list("pk", flat=True))
    errors = [
        _("Ward %(ward)s is not in this campaign.") % {"ward": ward_id}
        for ward_id in targets
        if ward_id not in wards
    ]
    errors += [
        _("A target cannot be negative.") for value in targets.values() if value and value < 0
    ]
    if errors:
        raise ValidationError({"targets": errors})
    for ward_id, value in targets.items():
        if value:
            WardTarget.objects.update_or_create(
                campaign=campaign, ward_id=ward_id, defaults={"buildings": value}
            )
        else:
            WardTarget.objects.filter(campaign=campaign, ward_id=ward_id).delete()


# ---------------------------------------------------------------- Kobo form mappings
@transaction.atomic
def kobo_mapping_save(
    *,
    municipality: Municipality,
    name: str,
    questionnaire_version: str,
    columns: dict[str, str],
    codes: dict[str, dict],
    user: Any = None,
    mapping: KoboMapping | None = None,
) -> KoboMapping:
    """Create (or, given `mapping`, change) a Kobo form mapping of `municipality`, checked
    against the questionnaire first (kobo_mapping.check). Raises ValidationError when it
    does not fit or another mapping of the municipality has the name."""
    columns, codes = kobo_mapping.check(version=questionnaire_version, columns=columns, codes=codes)
    name = name.strip()
    taken = KoboMapping.objects.filter(municipality=municipality, name__iexact=name)
    if mapping is not None:
        taken = taken.exclude(pk=mapping.pk)
    if taken.exists():
        raise ValidationError({"name": [_("A mapping of this name exists already.")]})
    mapping = mapping or KoboMapping(municipality=municipality)
    mapping.name = name
    mapping.questionnaire_version = questionnaire_version
    mapping.columns = columns
    mapping.codes = codes
    mapping.updated_by = user if getattr(user, "pk", None) else None
    mapping.save()
    return mapping


@transaction.atomic
def kobo_mapping_delete(*, mapping: KoboMapping) -> None:
    mapping.delete()
