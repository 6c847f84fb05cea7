"""Citizen services (issue 33): how a citizen proves a holding is theirs (the code on the
bill, or a one-time code sent to the registered phone), every attempt logged, the
certificates the councillor approves, the reference numbers citizens track their requests
by, and the text messages sent to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import tracked
from holdings.models import Holding
from spatial.models import Municipality, Ward

from .choices import Action, CaseKind, CertificateKind, CertificateStatus, Outcome


class BillCode(models.Model):
    """The code the billing system prints on a holding's bills: with the holding's number
    it opens the holding's page for its citizen. Replaced (not reused) when it leaks."""

    holding = models.OneToOneField(Holding, on_delete=models.CASCADE, related_name="bill_code")
    code = models.CharField(_("code on the bill"), max_length=12)
    issued_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("code on the bill")
        verbose_name_plural = _("codes on the bills")

    def __str__(self) -> str:
        return f"{self.holding_id}"


class OneTimeCode(models.Model):
    """A code sent to the phone registered for a holding; only its digest is kept."""

    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=30)
    digest = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["holding", "created_at"], name="otp_holding_idx")]

    def __str__(self) -> str:
        return f"{self.holding_id} {self.created_at:%Y-%m-%d %H:%M}"


class CitizenAccess(models.Model):
    """Every attempt through the citizens' pages: what was asked, from where, and whether
    it was let through. Lockouts count the failures here."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True)
    holding = models.ForeignKey(Holding, on_delete=models.SET_NULL, null=True, related_name="+")
    number_key = models.CharField(_("holding number asked"), max_length=60, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    reference = models.CharField(_("reference"), max_length=20, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen access")
        verbose_name_plural = _("citizen access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "number_key", "at"], name="citizen_number_idx"),
            models.Index(fields=["client_address", "at"], name="citizen_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


@tracked()
class Certificate(models.Model):
    """A holding certificate or a councillor's certificate of residence. What it states is
    frozen in `statement` when the councillor approves it; the QR code's link carries a
    signature of that statement, so a changed record or link fails verification."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT)
    kind = models.CharField(_("certificate"), max_length=12, choices=CertificateKind.choices)
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="certificates")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("applicant"), max_length=120)
    applicant_phone = models.CharField(_("applicant's phone"), max_length=30)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.APPLIED,
    )
    number = models.CharField(_("certificate number"), max_length=40, blank=True)
    statement = models.JSONField(_("what the certificate states"), default=dict, blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"],
                condition=~Q(number=""),
                name="certificate_number_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["applied", "rejected"]) | ~Q(number=""),
                name="certificate_issued_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} ({self.pk})"


class CitizenCase(models.Model):
    """The reference number a citizen was sent for a request, complaint or application,
    and what it follows."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE)
    kind = models.CharField(_("about"), max_length=12, choices=CaseKind.choices)
    phone = models.CharField(_("phone"), max_length=30)
    emptying_request = models.ForeignKey(
        "containment.EmptyingRequest", on_delete=models.CASCADE, null=True, related_name="+"
    )
    complaint = models.ForeignKey(
        "containment.Complaint", on_delete=models.CASCADE, null=True, related_name="+"
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, null=True, related_name="cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen's reference")
        verbose_name_plural = _("citizens' references")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="emptying", emptying_request__isnull=False)
                    | Q(kind="complaint", complaint__isnull=False)
                    | Q(kind="certificate", certificate__isnull=False)
                ),
                name="citizen_case_follows_its_kind",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class CitizenMessage(models.Model):
    """The outbox of text messages to citizens (codes, references, decisions). A one-time
    code is kept masked: the outbox never holds a code that still opens a holding."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True)
    phone = models.CharField(_("phone"), max_length=30)
    text = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.CharField(_("error"), max_length=300, blank=True)
    backend = models.CharField(_("sent through"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message to a citizen")
        verbose_name_plural = _("messages to citizens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"
