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

from ..models import Assignment, SurveyCampaign
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
