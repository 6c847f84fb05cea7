"""What the municipality's revenue systems report about holdings (issue 31): holding tax,
water accounts, solid-waste fees and trade licences, as imported from their feeds. The
billing systems stay the source of truth: these rows are replaced by the next import, and
each names the import that last wrote it. Rows that matched no holding wait in the
reconciliation queue (QueuedRow) until a person ties them to one."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import (
    BillingStatus,
    Feed,
    LicenceType,
    Outcome,
    QueueState,
    WasteFeeStatus,
    WaterConnection,
)
from .register import Holding


def _money(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=0)


class FeedImport(models.Model):
    """One committed import of a feed (a file or a push): what it held and what it did."""

    municipality = models.ForeignKey("spatial.Municipality", on_delete=models.CASCADE)
    feed = models.CharField(_("feed"), max_length=16, choices=Feed.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)  # blank: a push
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    ambiguous = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("feed import")
        verbose_name_plural = _("feed imports")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.get_feed_display()} {self.submitted_at:%Y-%m-%d %H:%M}"


class FeedRecord(models.Model):
    """What every feed's record carries: the import that last wrote it, and when."""

    last_import = models.ForeignKey(FeedImport, on_delete=models.SET_NULL, null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PaidRecord(FeedRecord):
    """A feed's record of a bill: the day the billing system last saw it paid."""

    last_payment_on = models.DateField(_("last payment"), null=True, blank=True)

    class Meta:
        abstract = True


class TaxStatus(PaidRecord):
    """A holding's tax of one fiscal year as the holding tax system reports it."""

    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="tax_years")
    fiscal_year = models.CharField(_("fiscal year"), max_length=7)  # 2025-26
    assessed = _money(_("tax assessed (BDT)"))
    paid = _money(_("tax paid (BDT)"))
    arrears = _money(_("arrears (BDT)"))  # all years unpaid, as the tax system reports

    class Meta:
        verbose_name = _("holding tax")
        verbose_name_plural = _("holding tax")
        constraints = [
            models.UniqueConstraint(fields=["holding", "fiscal_year"], name="tax_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.holding_id} {self.fiscal_year}"


class WaterAccount(PaidRecord):
    municipality = models.ForeignKey("spatial.Municipality", on_delete=models.CASCADE)
    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="water_accounts")
    account_number = models.CharField(_("water account"), max_length=40)
    connection = models.CharField(_("connection"), max_length=12, choices=WaterConnection.choices)
    billing = models.CharField(_("billing"), max_length=12, choices=BillingStatus.choices)
    arrears = _money(_("arrears (BDT)"))

    class Meta:
        verbose_name = _("water account")
        verbose_name_plural = _("water accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "account_number"], name="water_account_once"
            )
        ]

    def __str__(self) -> str:
        return self.account_number


class WasteFee(PaidRecord):
    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="waste_fees")
    fiscal_year = models.CharField(_("fiscal year"), max_length=7)
    status = models.CharField(_("status"), max_length=12, choices=WasteFeeStatus.choices)
    due = _money(_("fee due (BDT)"))
    paid = _money(_("fee paid (BDT)"))

    class Meta:
        verbose_name = _("solid-waste fee")
        verbose_name_plural = _("solid-waste fees")
        constraints = [
            models.UniqueConstraint(fields=["holding", "fiscal_year"], name="waste_fee_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.holding_id} {self.fiscal_year}"


class TradeLicence(FeedRecord):
    """A trade licence and the holding of its premises."""

    municipality = models.ForeignKey("spatial.Municipality", on_delete=models.CASCADE)
    holding = models.ForeignKey(Holding, on_delete=models.CASCADE, related_name="trade_licences")
    licence_number = models.CharField(_("licence number"), max_length=40)
    business_name = models.CharField(_("business"), max_length=160)
    business_type = models.CharField(_("business type"), max_length=20, choices=LicenceType.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("trade licence")
        verbose_name_plural = _("trade licences")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "licence_number"], name="trade_licence_once"
            )
        ]

    def __str__(self) -> str:
        return self.licence_number


class QueuedRow(models.Model):
    """A feed's row that matched no holding, or several: kept with what it said until a
    person ties it to a holding (written then, and remembered as an alias) or dismisses it.
    A re-run sending the same row again updates it here instead of queueing it twice."""

    municipality = models.ForeignKey("spatial.Municipality", on_delete=models.CASCADE)
    feed = models.CharField(_("feed"), max_length=16, choices=Feed.choices)
    # The row's identity within its feed (holding number key, ward, year or account).
    identity = models.CharField(max_length=200)
    holding_number = models.CharField(_("holding number as sent"), max_length=80)
    ward_number = models.PositiveSmallIntegerField(_("ward as sent"), null=True, blank=True)
    record = models.JSONField()  # the row's values as checked, ready to be written
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    candidates = ArrayField(models.BigIntegerField(), default=list, blank=True)
    line = models.PositiveIntegerField(_("line"))
    last_import = models.ForeignKey(FeedImport, on_delete=models.SET_NULL, null=True)
    state = models.CharField(
        _("state"), max_length=10, choices=QueueState.choices, default=QueueState.OPEN
    )
    resolved_holding = models.ForeignKey(
        Holding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("why dismissed"), max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("row to reconcile")
        verbose_name_plural = _("rows to reconcile")
        ordering = ["feed", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "feed", "identity"], name="queued_row_once"
            )
        ]
        indexes = [models.Index(fields=["municipality", "state"], name="queued_row_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_feed_display()}: {self.holding_number}"
