"""On-site sanitation: containments, the buildings they serve, compliance rule sets and
assessments, the desludging chain and inspections. Raw attributes are stored; every
classification (JMP rung, SFD class, compliance) is derived from them
(containment/classification.py, containment/compliance.py).

One module per subdomain; every model (and the rule sets' default callables, which
migrations name as containment.models.*) is importable from here.
"""

from .complaints import Complaint, ComplaintPhoto
from .compliance import (
    ComplianceAssessment,
    ComplianceRuleSet,
    ComplianceRun,
    RuleSetDraft,
    _default_approved_types,
    _default_emptying_not_applicable,
    _default_forbidden_outlets,
    _default_outlets_by_type,
)
from .desludging import (
    Emptying,
    EmptyingRequest,
    ServiceFeedback,
    ServiceProvider,
    SludgeDelivery,
    TreatmentPlant,
    Vehicle,
)
from .inspections import Inspection, InspectionPhoto
from .network import DrainSegment, SewerConnection
from .operations import EmptyingPhoto, HouseholdNotice, LabResult, LabSample, PlantDailyLog
from .plans import DesludgingPlan, PlannedVisit
from .registers import POSITIVE, Containment, ContainmentBuilding, Household
from .toilets import PublicToilet, PublicToiletCount

__all__ = [
    "POSITIVE",
    "Complaint",
    "ComplaintPhoto",
    "ComplianceAssessment",
    "ComplianceRuleSet",
    "ComplianceRun",
    "Containment",
    "ContainmentBuilding",
    "DesludgingPlan",
    "DrainSegment",
    "Emptying",
    "EmptyingPhoto",
    "EmptyingRequest",
    "Household",
    "HouseholdNotice",
    "Inspection",
    "InspectionPhoto",
    "LabResult",
    "LabSample",
    "PlannedVisit",
    "PlantDailyLog",
    "PublicToilet",
    "PublicToiletCount",
    "RuleSetDraft",
    "ServiceFeedback",
    "ServiceProvider",
    "SewerConnection",
    "SludgeDelivery",
    "TreatmentPlant",
    "Vehicle",
    "_default_approved_types",
    "_default_emptying_not_applicable",
    "_default_forbidden_outlets",
    "_default_outlets_by_type",
]
