"""The municipality's geography (geography.py). Every model, and the field and function
classes that migrations name as spatial.models.*, is importable from here. Memberships,
layer jobs and login events are the platform's (core.models)."""

from ..records import DatabaseFilledCharField, DatabaseFilledForeignKey
from .geography import (
    SRID,
    Building,
    GeographyArea,
    GeographyLength,
    LowIncomeCommunity,
    Municipality,
    Road,
    Ward,
)
from .health import DiseaseCaseCount
from .routing import RoadEdge, RoadNetwork
from .water import WaterBody, WaterPoint, WaterSample, WaterSupplyLine

__all__ = [
    "SRID",
    "Building",
    "DatabaseFilledCharField",
    "DatabaseFilledForeignKey",
    "DiseaseCaseCount",
    "GeographyArea",
    "GeographyLength",
    "LowIncomeCommunity",
    "Municipality",
    "Road",
    "RoadEdge",
    "RoadNetwork",
    "Ward",
    "WaterBody",
    "WaterPoint",
    "WaterSample",
    "WaterSupplyLine",
]
