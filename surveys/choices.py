from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for correction")
    SUPERSEDED = "superseded", _("Replaced by a corrected submission")


class MatchKind(models.TextChoices):
    INSIDE = "inside", _("Point inside the footprint")
    NEAREST = "nearest", _("Nearest building")
    NEW = "new", _("New building")


class Flag(models.TextChoices):
    OUTSIDE_ASSIGNED_WARDS = "outside_assigned_wards", _("Outside the enumerator's wards")
    POOR_ACCURACY = "poor_accuracy", _("Poor GPS accuracy")
    DUPLICATE_BUILDING = "duplicate_building", _("Building already surveyed in this campaign")
