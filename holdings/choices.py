"""Code lists of holdings and the revenue feeds (translatable labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Feed(models.TextChoices):
    """The municipality's systems whose status the IMIS imports."""

    TAX = "tax", _("Holding tax")
    WATER = "water", _("Water billing")
    WASTE = "waste", _("Solid-waste fee")
    TRADE_LICENCE = "trade_licence", _("Trade licences")


class ChangeKind(models.TextChoices):
    TRANSFER = "transfer", _("Ownership transfer")
    SPLIT = "split", _("Split")
    MERGE = "merge", _("Merge")


class WaterConnection(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    DISCONNECTED = "disconnected", _("Disconnected")
    APPLIED = "applied", _("Applied for")


class BillingStatus(models.TextChoices):
    CURRENT = "current", _("Paid up")
    IN_ARREARS = "in_arrears", _("In arrears")


class WasteFeeStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    UNPAID = "unpaid", _("Unpaid")
    EXEMPT = "exempt", _("Exempt")


class LicenceType(models.TextChoices):
    """Trade licence business types, grouped as sanitation work needs them: food
    businesses first (their containments and grease matter most)."""

    RESTAURANT = "restaurant", _("Restaurant or hotel")
    FOOD_SHOP = "food_shop", _("Food shop or grocery")
    BAKERY = "bakery", _("Bakery or sweets")
    FOOD_PROCESSING = "food_processing", _("Food processing")
    HEALTH = "health", _("Clinic, pharmacy or diagnostic centre")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    WORKSHOP = "workshop", _("Workshop or garage")
    RETAIL = "retail", _("Retail shop")
    SERVICE = "service", _("Service or office")
    OTHER = "other", _("Other")


FOOD_LICENCES = frozenset(
    {
        LicenceType.RESTAURANT,
        LicenceType.FOOD_SHOP,
        LicenceType.BAKERY,
        LicenceType.FOOD_PROCESSING,
    }
)


class Outcome(models.TextChoices):
    """How a feed's row met the holding register."""

    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("Unmatched")
    AMBIGUOUS = "ambiguous", _("Ambiguous")


class QueueState(models.TextChoices):
    OPEN = "open", _("To resolve")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")
