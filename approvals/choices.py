"""The code lists of building approval (issue 32): the stages an application passes, the
documents it brings, and who owns each stage."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import MembershipRole


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    DOCUMENTS_CHECKED = "documents_checked", _("Documents checked")
    PLAN_REVIEWED = "plan_reviewed", _("Plan reviewed")
    DESIGN_CHECKED = "design_checked", _("Septic-tank design checked")
    SITE_INSPECTED = "site_inspected", _("Site inspected")
    APPROVED = "approved", _("Approved, not yet built")
    REJECTED = "rejected", _("Rejected")
    BUILT = "built", _("Built, in the register")


class Document(models.TextChoices):
    """The documents an application brings (the checklist of the intake desk)."""

    OWNERSHIP = "ownership", _("Ownership deed or mutation record (khatian)")
    PLOT_MAP = "plot_map", _("Mouza map showing the plot")
    HOLDING_TAX = "holding_tax", _("Holding tax receipt")
    NATIONAL_ID = "national_id", _("Applicant's national ID")
    ARCHITECTURAL_PLAN = "architectural_plan", _("Architectural plan")
    STRUCTURAL_DESIGN = "structural_design", _("Structural design")
    SEPTIC_TANK_DESIGN = "septic_tank_design", _("Septic tank and soak pit design")


# The stage an application moves to from each, in order.
NEXT = {
    Stage.RECEIVED: Stage.DOCUMENTS_CHECKED,
    Stage.DOCUMENTS_CHECKED: Stage.PLAN_REVIEWED,
    Stage.PLAN_REVIEWED: Stage.DESIGN_CHECKED,
    Stage.DESIGN_CHECKED: Stage.SITE_INSPECTED,
    Stage.SITE_INSPECTED: Stage.APPROVED,
    Stage.APPROVED: Stage.BUILT,
}
# Stages an application may be rejected from (a decision before the approval).
OPEN_STAGES = frozenset(
    {
        Stage.RECEIVED,
        Stage.DOCUMENTS_CHECKED,
        Stage.PLAN_REVIEWED,
        Stage.DESIGN_CHECKED,
        Stage.SITE_INSPECTED,
    }
)
# Who moves an application into each stage (the municipal admin may act for any): the
# building officer takes it in and reviews it, the inspector visits the site and checks
# the building once built, the mayor's office decides.
STAGE_OWNERS = {
    Stage.RECEIVED: MembershipRole.BUILDING_OFFICER,
    Stage.DOCUMENTS_CHECKED: MembershipRole.BUILDING_OFFICER,
    Stage.PLAN_REVIEWED: MembershipRole.BUILDING_OFFICER,
    Stage.DESIGN_CHECKED: MembershipRole.BUILDING_OFFICER,
    Stage.SITE_INSPECTED: MembershipRole.INSPECTOR,
    Stage.APPROVED: MembershipRole.EXECUTIVE,
    Stage.BUILT: MembershipRole.INSPECTOR,
}
