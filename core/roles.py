"""The roles a membership gives (shared design: roles), and which roles may do what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipRole(models.TextChoices):
    MUNICIPAL_ADMIN = "municipal_admin", _("Municipal admin")
    GIS_OFFICER = "gis_officer", _("GIS officer")
    EXECUTIVE = "executive", _("Municipal executive")
    SURVEY_SUPERVISOR = "survey_supervisor", _("Survey supervisor")
    ENUMERATOR = "enumerator", _("Enumerator")
    FSM_HELP_DESK = "fsm_help_desk", _("FSM help desk")
    INSPECTOR = "inspector", _("Sanitation inspector")
    # Linked to their provider or plant by ServiceProvider.operators / TreatmentPlant.operators.
    PROVIDER_OPERATOR = "provider_operator", _("Service-provider operator")
    PLANT_OPERATOR = "plant_operator", _("Treatment-plant operator")
    # The town planner or assistant engineer who takes in and reviews building applications.
    BUILDING_OFFICER = "building_officer", _("Building approval officer")


# Roles allowed to record desludging requests and their steps.
DESLUDGING_DESK_ROLES = frozenset({MembershipRole.MUNICIPAL_ADMIN, MembershipRole.FSM_HELP_DESK})

# Roles that read the complaints register; the desk (and the admin) take and hand them on,
# the role a complaint is assigned to deals with it.
COMPLAINT_READER_ROLES = frozenset(
    {
        MembershipRole.MUNICIPAL_ADMIN,
        MembershipRole.FSM_HELP_DESK,
        MembershipRole.INSPECTOR,
        MembershipRole.GIS_OFFICER,
        MembershipRole.EXECUTIVE,
    }
)

# Roles allowed to record inspections of containments.
INSPECTION_ROLES = frozenset(
    {MembershipRole.MUNICIPAL_ADMIN, MembershipRole.GIS_OFFICER, MembershipRole.INSPECTOR}
)

# Roles that may read personal data (applicants' and owners' names and phones): the
# desludging chain and enforcement lists. Enumerators and supervisors work on surveys.
PERSONAL_DATA_ROLES = frozenset(
    {
        MembershipRole.MUNICIPAL_ADMIN,
        MembershipRole.EXECUTIVE,
        MembershipRole.FSM_HELP_DESK,
        MembershipRole.GIS_OFFICER,
        MembershipRole.INSPECTOR,
    }
)

# Roles allowed to edit the registers of geography (wards, buildings, roads).
REGISTER_EDITOR_ROLES = frozenset({MembershipRole.MUNICIPAL_ADMIN, MembershipRole.GIS_OFFICER})

# Roles shown owners' national ID numbers and phones unmasked (each view logged): the
# municipal admin, who settles ownership and enforcement. Everyone else reads them masked.
UNMASKED_PERSONAL_DATA_ROLES = frozenset({MembershipRole.MUNICIPAL_ADMIN})
