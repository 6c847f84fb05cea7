"""Survey campaigns, enumerator assignments and field submissions (raw answers, point and
the client's UUID). Matching, flags and review decisions are made by surveys.services."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from spatial.models import SRID, Building, Municipality, Ward

from .choices import CampaignStatus, Flag, MatchKind, SubmissionStatus


@tracked()
class SurveyCampaign(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="survey_campaigns"
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    wards = models.ManyToManyField(Ward, related_name="survey_campaigns")
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class Assignment(models.Model):
    """An enumerator assigned to one ward of a campaign."""

    campaign = models.ForeignKey(
        SurveyCampaign, on_delete=models.CASCADE, related_name="assignments"
    )
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_assignments"
    )
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="survey_assignments")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "enumerator", "ward"], name="assignment_unique"
            ),
        ]


class WardTarget(models.Model):
    """How many buildings a campaign means to survey in one of its wards (the supervisor's
    target; coverage is measured against the ward's real building count as well)."""

    campaign = models.ForeignKey(
        SurveyCampaign, on_delete=models.CASCADE, related_name="ward_targets"
    )
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="survey_targets")
    buildings = models.PositiveIntegerField(_("target (buildings)"))

    class Meta:
        verbose_name = _("ward target")
        verbose_name_plural = _("ward targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "ward"], name="ward_target_unique"),
        ]


@tracked()
class KoboMapping(models.Model):
    """How one Kobo/ODK form's export reads as the questionnaire: which column answers
    which question (`columns`, question or meta key -> column) and what each of its codes
    means (`codes`, question -> {the form's code: the questionnaire's code}). Saved by the
    supervisor once per form and reused by every import of that form."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="kobo_mappings"
    )
    name = models.CharField(_("form name"), max_length=120)
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=30)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    codes = models.JSONField(_("codes"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Kobo form mapping")
        verbose_name_plural = _("Kobo form mappings")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="kobo_mapping_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class KoboAccount(models.Model):
    """Who a KoboToolbox/ODK user name is in this municipality: an export names the phone's
    Kobo account, the register needs the enumerator. Set by the supervisor at the first
    import and remembered for the next."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="kobo_accounts"
    )
    username = models.CharField(_("Kobo user name"), max_length=150)
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kobo_accounts"
    )

    class Meta:
        verbose_name = _("Kobo account")
        verbose_name_plural = _("Kobo accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "username"], name="kobo_account_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} → {self.enumerator}"


@tracked()
class Submission(models.Model):
    # No index of its own: the (campaign, building|status|ward) indexes lead with it, and
    # every submission received writes one index fewer.
    campaign = models.ForeignKey(
        SurveyCampaign, on_delete=models.CASCADE, related_name="submissions", db_index=False
    )
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_submissions"
    )
    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    # SHA-256 of the canonical JSON of what the client sent: same UUID + same hash = resend.
    payload_sha256 = models.CharField(max_length=64)
    answers = models.JSONField(_("answers"))
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    geom = models.PointField(_("GPS point"), srid=SRID)
    gps_accuracy_m = models.FloatField(_("GPS accuracy (m)"))
    # A building not on the map, drawn by the enumerator: approval adds it to the register.
    footprint = models.PolygonField(_("footprint drawn"), srid=SRID, null=True, blank=True)
    ward = models.ForeignKey(
        Ward, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    building = models.ForeignKey(
        Building, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    match_kind = models.CharField(_("match"), max_length=10, choices=MatchKind.choices)
    match_distance_m = models.FloatField(_("distance to the building (m)"), null=True)
    flags = ArrayField(
        models.CharField(max_length=30, choices=Flag.choices), default=list, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="correction",
        help_text=_("The returned submission this one corrects."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_submissions",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="submission_status_idx"),
            models.Index(fields=["campaign", "building"], name="submission_building_idx"),
            models.Index(fields=["campaign", "ward"], name="submission_ward_idx"),
        ]


class SubmissionPhoto(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="surveys/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The phone's own name for the photo: a resend after a lost answer finds it again
    # instead of adding it twice (photos uploaded without one keep none).
    client_uuid = models.UUIDField(_("client UUID"), unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("submission photo")
        verbose_name_plural = _("submission photos")
