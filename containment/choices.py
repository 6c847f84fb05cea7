"""Code lists of on-site sanitation (shared design: domain reference, SFD lists A and B,
MICS WS11-WS13). Stored values are stable English codes; labels are translatable."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContainmentType(models.TextChoices):
    """SFD "List A" style containment."""

    SEPTIC_TANK = "septic_tank", _("Septic tank")
    FULLY_LINED_TANK = "fully_lined_tank", _("Fully lined tank")
    LINED_PIT_OPEN_BOTTOM = (
        "lined_pit_open_bottom",
        _("Lined pit, semi-permeable walls, open bottom"),
    )
    UNLINED_PIT = "unlined_pit", _("Unlined pit")
    TWIN_PIT = "twin_pit", _("Twin / double pit")
    HOLDING_TANK = "holding_tank", _("Holding tank")
    ONSITE_TREATMENT = "onsite_treatment", _("On-site treatment (DEWATS, biogas)")
    COMPOSTING = "composting", _("Composting toilet")
    NONE = "none", _("No containment")


class Outlet(models.TextChoices):
    """SFD "List B": where the containment's effluent goes."""

    SEWER = "sewer", _("Sewer")
    SOAK_PIT = "soak_pit", _("Soak pit")
    OPEN_DRAIN = "open_drain", _("Open or storm drain")
    WATER_BODY = "water_body", _("Water body")
    OPEN_GROUND = "open_ground", _("Open ground")
    NO_OUTLET = "no_outlet", _("No outlet")
    DONT_KNOW = "dont_know", _("Don't know")


class ToiletType(models.TextChoices):
    """MICS WS11 facility type, grouped as the JMP ladder needs it."""

    FLUSH = "flush", _("Flush / pour-flush")
    VIP = "vip", _("Ventilated improved pit latrine")
    PIT_WITH_SLAB = "pit_with_slab", _("Pit latrine with slab")
    PIT_WITHOUT_SLAB = "pit_without_slab", _("Pit latrine without slab / open pit")
    COMPOSTING = "composting", _("Composting toilet")
    BUCKET = "bucket", _("Bucket")
    HANGING = "hanging", _("Hanging toilet / latrine")


class DeliveryStatus(models.TextChoices):
    """A load of sludge at the treatment plant: the crew says where it discharged, the
    plant confirms what it received or rejects the load."""

    DISCHARGED = "discharged", _("Discharged, awaiting the plant")
    CONFIRMED = "confirmed", _("Confirmed by the plant")
    REJECTED = "rejected", _("Rejected by the plant")
    # The crew took the load somewhere other than a plant: nobody confirms it, and it never
    # counts as delivered to treatment.
    UNTREATED = "untreated", _("Discharged elsewhere, untreated")


class EmptyingProblem(models.TextChoices):
    """What the crew met at an emptying (the provider's and the desk's follow-up)."""

    NO_VEHICLE_ACCESS = "no_vehicle_access", _("The vehicle could not reach the tank")
    NO_COVER = "no_cover", _("No access cover: the slab had to be broken")
    HARD_SLUDGE = "hard_sludge", _("Sludge too thick or solid to pump")
    DAMAGED = "damaged", _("Containment damaged or collapsing")
    GARBAGE = "garbage", _("Solid waste in the tank")
    SPILL = "spill", _("Sludge spilled on site")
    NOT_PAID = "not_paid", _("The household did not pay")
    OTHER = "other", _("Other (see the notes)")


class LabSampleType(models.TextChoices):
    """What a laboratory sample of a treatment plant is of (CWIS SF-1f and SF-1g)."""

    TREATED_SLUDGE = "treated_sludge", _("Treated faecal sludge")
    EFFLUENT = "effluent", _("Treated wastewater (effluent)")


class SludgeDestination(models.TextChoices):
    """MICS WS13: where the contents went the last time the containment was emptied."""

    TREATMENT_PLANT = "treatment_plant", _("Removed to a treatment plant")
    BURIED_ON_SITE = "buried_on_site", _("Buried in a covered pit on site")
    OPEN_GROUND = "open_ground", _("Emptied to open ground")
    DRAIN_OR_WATER = "drain_or_water", _("Emptied to a drain or water body")
    DONT_KNOW = "dont_know", _("Don't know")


class EmptyingMethod(models.TextChoices):
    """How a containment was last emptied (CWIS SF-7: mechanised desludging)."""

    MECHANICAL = "mechanical", _("Mechanically (vacuum truck or pump)")
    MANUAL = "manual", _("Manually (by hand, with buckets)")
    DONT_KNOW = "dont_know", _("Don't know")


class MembersGo(models.TextChoices):
    """Where the members of a household without a toilet of its own usually go (MICS6 WS11
    with the JMP's shared/public distinction; only "in the open" is open defecation)."""

    OTHER_HOUSEHOLD = "other_household", _("Another household's toilet")
    PUBLIC_TOILET = "public_toilet", _("A community or public toilet")
    OPEN = "open", _("In the open (bush, field, water)")
    DONT_KNOW = "dont_know", _("Don't know")


class HouseholdSource(models.TextChoices):
    SURVEY = "survey", _("Approved survey submission")
    KOBO = "kobo", _("KoboToolbox import")
    REGISTER = "register", _("Building register (one household per building)")
    ENTERED = "entered", _("Entered by hand")


class ContainmentLocation(models.TextChoices):
    INSIDE = "inside", _("Inside the building")
    OUTSIDE = "outside", _("Outside the building")


class JmpRung(models.TextChoices):
    SAFELY_MANAGED = "safely_managed", _("Safely managed")
    BASIC = "basic", _("Basic")
    LIMITED = "limited", _("Limited")
    UNIMPROVED = "unimproved", _("Unimproved")
    OPEN_DEFECATION = "open_defecation", _("Open defecation")


class SfdClass(models.TextChoices):
    CONTAINED = "contained", _("Contained")
    NOT_CONTAINED = "not_contained", _("Not contained")
    SEWERED = "sewered", _("Sewered")
    UNKNOWN = "unknown", _("Unknown")


class SfdFate(models.TextChoices):
    """Where a person's excreta end up, as the SFD graphic draws it (population shares)."""

    SEWER_TREATED = "sewer_treated", _("Sewered, treated")
    SEWER_NOT_TREATED = "sewer_not_treated", _("Sewered, not treated")
    IN_SITU = "in_situ", _("Contained, not emptied (safe in situ)")
    BURIED = "buried", _("Emptied and buried on site")
    TREATED = "treated", _("Emptied, delivered and treated")
    DELIVERED_NOT_TREATED = "delivered_not_treated", _("Delivered to a plant not in operation")
    EMPTIED_NOT_DELIVERED = "emptied_not_delivered", _("Emptied, not delivered to treatment")
    NOT_CONTAINED = "not_contained", _("Not contained, not emptied")
    OPEN_DEFECATION = "open_defecation", _("Open defecation")
    UNKNOWN = "unknown", _("Unknown (surveyed, answered don't know)")


SFD_SAFE_FATES = frozenset({"sewer_treated", "in_situ", "buried", "treated"})


class VisitBand(models.TextChoices):
    """Why a planned visit is due: its years since emptying against its own emptying
    interval (the rule set's maximum, or sooner when its sludge is predicted to reach the
    rule set's share of the tank)."""

    OVERDUE = "overdue", _("overdue")
    UNKNOWN = "unknown", _("never recorded")
    DUE_SOON = "due_soon", _("due within a year")
    RECENT = "recent", _("emptied recently")


class ComplianceStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    UNKNOWN = "unknown", _("Unknown (data missing)")


class RuleOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    UNKNOWN = "unknown", _("Unknown")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


IMPROVED_TOILETS = frozenset(
    {ToiletType.FLUSH, ToiletType.VIP, ToiletType.PIT_WITH_SLAB, ToiletType.COMPOSTING}
)
# SFD: effluent reaching these is not contained.
UNCONTAINED_OUTLETS = frozenset({Outlet.OPEN_DRAIN, Outlet.WATER_BODY, Outlet.OPEN_GROUND})


class TreatmentPlantType(models.TextChoices):
    FSTP = "fstp", _("Faecal sludge treatment plant")
    CO_TREATMENT = "co_treatment", _("Co-treatment with wastewater")
    DEWATS = "dewats", _("DEWATS")
    SANITARY_LANDFILL = "landfill", _("Sanitary landfill trench")


class RequestOrigin(models.TextChoices):
    """Why a request exists: a household called, or the municipality's scheduled-desludging
    plan put the containment on a day (issue 26)."""

    CALL = "call", _("A call to the help desk")
    PLAN = "plan", _("Scheduled desludging")
    # A citizen asked on the citizens' pages (issue 33), proving the holding theirs.
    ONLINE = "online", _("A citizen's request online")


class RequestStatus(models.TextChoices):
    """The desludging service chain; each step is recorded with its time."""

    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    EMPTIED = "emptied", _("Emptied")
    DELIVERED = "delivered", _("Sludge discharged")
    CLOSED = "closed", _("Closed with feedback")
    CANCELLED = "cancelled", _("Cancelled")


class ComplaintKind(models.TextChoices):
    """What a caller complains about beyond asking for an emptying (issue 25)."""

    OVERFLOWING_TANK = "overflowing_tank", _("Overflowing tank or pit")
    ILLEGAL_DISCHARGE = "illegal_discharge", _("Sludge dumped or discharged illegally")
    PUBLIC_TOILET = "public_toilet", _("Public or community toilet in bad condition")
    BLOCKED_DRAIN = "blocked_drain", _("Drain blocked or overflowing with sewage")
    SERVICE = "service", _("Complaint about a desludging service")
    OTHER = "other", _("Other sanitation problem")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Being dealt with")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class ToiletKind(models.TextChoices):
    """Whom a public or shared toilet block serves (issue 28): the public at large, the
    households of a community (often a low-income community), a school's pupils, an
    institution's staff and visitors."""

    PUBLIC = "public", _("Public toilet")
    COMMUNITY = "community", _("Community toilet")
    SCHOOL = "school", _("School toilet")
    INSTITUTIONAL = "institutional", _("Institutional toilet")


class ToiletCondition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair: usable, needs repair")
    POOR = "poor", _("Poor: barely usable")
    NOT_FUNCTIONAL = "not_functional", _("Not functional")


class ToiletStatus(models.TextChoices):
    """Derived from a toilet block's condition and the containment its waste goes to
    (containment.classification.shared_toilet_status_sql): CWIS SF-3 and SF-4 count the
    safe ones."""

    SAFE = "safe", _("Toilet block safe and functional")
    UNSAFE = "unsafe", _("Toilet block functional, its waste not safely contained")
    NOT_FUNCTIONAL = "not_functional", _("Toilet block not functional")
    UNKNOWN = "unknown", _("Toilet block whose containment is unknown")


class NetworkType(models.TextChoices):
    """What a drain or sewer segment carries (issue 28): an open or covered drain (storm
    water and greywater, often faecal sludge too), a sewer (foul sewage), a storm sewer."""

    OPEN_DRAIN = "open_drain", _("Open drain")
    COVERED_DRAIN = "covered_drain", _("Covered drain")
    SEWER = "sewer", _("Sewer")
    STORM_SEWER = "storm_sewer", _("Storm sewer")


class DrainMaterial(models.TextChoices):
    EARTHEN = "earthen", _("Earthen")
    BRICK = "brick", _("Brick")
    CONCRETE = "concrete", _("Concrete (RCC)")
    PVC = "pvc", _("PVC or uPVC pipe")
    OTHER = "other", _("Other")


class DrainCondition(models.TextChoices):
    GOOD = "good", _("Good")
    SILTED = "silted", _("Silted or partly blocked")
    BLOCKED = "blocked", _("Blocked")
    DAMAGED = "damaged", _("Damaged or collapsed")


class NetworkEnd(models.TextChoices):
    """Where a segment's flow ends up, followed downstream through the network (derived by
    the database on every change: containment migration 0033)."""

    PLANT = "plant", _("Reaches a treatment plant")
    WATER_BODY = "water_body", _("Discharges to a water body")
    OPEN = "open", _("Ends in nothing on record")
