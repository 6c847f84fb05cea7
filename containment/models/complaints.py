"""Complaints the help desk takes beyond requests for emptying (issue 25): each a ticket
with a status, the role it is assigned to, and its history (who changed what, when)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from core.roles import MembershipRole
from spatial.models import SRID, Building, Municipality, Ward

from ..choices import ComplaintKind, ComplaintStatus
from .registers import Containment

# The roles a complaint may be handed to.
ASSIGNABLE_ROLES = [
    (role.value, role.label)
    for role in (
        MembershipRole.FSM_HELP_DESK,
        MembershipRole.INSPECTOR,
        MembershipRole.GIS_OFFICER,
        MembershipRole.MUNICIPAL_ADMIN,
    )
]


@tracked()
class Complaint(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="complaints"
    )
    kind = models.CharField(_("about"), max_length=20, choices=ComplaintKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    assigned_role = models.CharField(_("assigned to"), max_length=20, choices=ASSIGNABLE_ROLES)
    building = models.ForeignKey(
        Building, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    containment = models.ForeignKey(
        Containment, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    location = models.PointField(_("location"), srid=SRID, null=True, blank=True)
    place = models.CharField(_("place or landmark"), max_length=200, blank=True)
    caller_name = models.CharField(_("caller"), max_length=120, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=30, blank=True)
    description = models.TextField(_("what the caller says"))
    resolution = models.TextField(_("what was done"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="complaint_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["resolved", "dismissed"])
                | ~models.Q(resolution=""),
                name="complaint_closed_says_what_was_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pk})"


class ComplaintPhoto(models.Model):
    """A photo the complainant sent (issue 33: citizens complain from their phones)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="complaints/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
