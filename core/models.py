"""What is not geography: who holds which role where (Membership), background layer jobs,
and login events.

They were the spatial app's and keep its tables (spatial_membership, ...): migration
core 0001 took them over without touching a row (docs/decisions/0013-core-platform-app.md).
The municipality and the wards a membership is scoped to are the spatial register's, named
here by label as Django's own apps name settings.AUTH_USER_MODEL: core imports no app."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from .history import tracked
from .roles import MembershipRole

# The geography memberships and jobs are scoped to (the spatial app's registers).
MUNICIPALITY_MODEL = "spatial.Municipality"
WARD_MODEL = "spatial.Ward"


@tracked(meta={"db_table": "spatial_membershipevent"})
class Membership(models.Model):
    """A user's role in one municipality, optionally limited to some wards."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        MUNICIPALITY_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=MembershipRole.choices)
    wards = models.ManyToManyField(
        WARD_MODEL,
        blank=True,
        related_name="memberships",
        help_text=_("Leave empty for the whole municipality."),
    )

    class Meta:
        db_table = "spatial_membership"
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.municipality}"


class LayerJob(models.Model):
    """An export or import of a layer run by the background worker (procrastinate), with
    the progress the user watches. Files live in IMIS["JOB_FILES_DIR"]/<id>/."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="layer_jobs"
    )
    municipality = models.ForeignKey(
        MUNICIPALITY_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="layer_jobs",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    layer = models.CharField(_("layer"), max_length=40)
    # export: format, ward, bbox; import: file name, source layer, commit.
    parameters = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=80, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    # import: the report (counts and problems per row); export: features written.
    result = models.JSONField(default=dict, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "spatial_layerjob"
        verbose_name = _("export or import")
        verbose_name_plural = _("exports and imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="layerjob_owner_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.layer} #{self.pk}"


class LoginEvent(models.Model):
    """Every login attempt, through any door (web form, API token, HTTP Basic for desktop
    GIS): who, from where, when, and whether it succeeded or was refused by the lockout."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("logged in")
        FAILURE = "failure", _("wrong user name or password")
        LOCKED = "locked", _("refused: too many failed attempts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_events",
    )
    username = models.CharField(_("user name given"), max_length=150)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or program"), max_length=300, blank=True)
    path = models.CharField(_("where"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "spatial_loginevent"
        verbose_name = _("login attempt")
        verbose_name_plural = _("login activity")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "-at"], name="loginevent_username_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class TableVersion(models.Model):
    """How many committed transactions have changed a table's rows (core.table_versions): a
    tile's ETag is known from the versions of the tables its layer reads, without rendering
    it."""

    table_name = models.CharField(max_length=63, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("table version")
        verbose_name_plural = _("table versions")

    def __str__(self) -> str:
        return f"{self.table_name} v{self.version}"


class TableChange(models.Model):
    """A statement that changed a versioned table, noted until its transaction commits (when
    a deferred trigger bumps the table's version and deletes the note)."""

    table_name = models.CharField(max_length=63)

    class Meta:
        verbose_name = _("table change")
        verbose_name_plural = _("table changes")
        indexes = [models.Index(fields=["table_name"], name="tablechange_table_idx")]


class ImportMapping(models.Model):
    """How a municipality's own files name a register's attributes and codes (issue 35):
    `columns` maps a file's column to the register's attribute ("ওয়ার্ড_নং" -> "number"),
    `values` maps, per attribute, the file's words to the register's codes ("পাকা" ->
    "rcc_framed"). Saved once per town and layer, applied to every import of it."""

    municipality = models.ForeignKey(
        MUNICIPALITY_MODEL, on_delete=models.CASCADE, related_name="import_mappings"
    )
    layer = models.CharField(_("layer"), max_length=60)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    values = models.JSONField(_("codes"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "layer"], name="import_mapping_once")
        ]

    def __str__(self) -> str:
        return f"{self.layer} ({self.municipality_id})"
