"""Classes the holdings' layers and figures derive (not stored): the holding tax state of
a holding, a trade licence's validity, and the state of its premises' tanks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArrearsStatus(models.TextChoices):
    IN_ARREARS = "in_arrears", _("In arrears")
    PAID_UP = "paid_up", _("Paid up")
    NO_RECORD = "no_record", _("No tax record")


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    DUE = "due", _("Due for renewal")
    EXPIRED = "expired", _("Expired")


class TankStatus(models.TextChoices):
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    COMPLIANT = "compliant", _("Compliant")
    UNKNOWN = "unknown", _("Not assessed")
