"""The municipality's geography (geography.py) and the platform's own records (platform.py:
memberships, layer jobs, login events). Every model, and the field and function classes that
migrations name as spatial.models.*, is importable from here."""

from ..records import DatabaseFilledCharField, DatabaseFilledForeignKey
from .geography import (
    SRID,
    Building,
    GeographyArea,
    GeographyLength,
    LiveBuildingManager,
    LowIncomeCommunity,
    Municipality,
    Road,
    Ward,
    WaterPoint,
)
from .platform import LayerJob, LoginEvent, Membership

__all__ = [
    "SRID",
    "Building",
    "DatabaseFilledCharField",
    "DatabaseFilledForeignKey",
    "GeographyArea",
    "GeographyLength",
    "LayerJob",
    "LiveBuildingManager",
    "LoginEvent",
    "LowIncomeCommunity",
    "Membership",
    "Municipality",
    "Road",
    "Ward",
    "WaterPoint",
]
