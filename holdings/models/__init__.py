from .privacy import PersonalDataAccess
from .register import (
    Holding,
    HoldingAlias,
    HoldingBuilding,
    HoldingChange,
    HoldingSettings,
    Owner,
    Ownership,
)
from .revenue import FeedImport, QueuedRow, TaxStatus, TradeLicence, WasteFee, WaterAccount

__all__ = [
    "FeedImport",
    "Holding",
    "HoldingAlias",
    "HoldingBuilding",
    "HoldingChange",
    "HoldingSettings",
    "Owner",
    "Ownership",
    "PersonalDataAccess",
    "QueuedRow",
    "TaxStatus",
    "TradeLicence",
    "WasteFee",
    "WaterAccount",
]
