"""The holdings on the map (issue 31), declared once (core.registry): holdings as their
buildings' footprints with their latest tax year, water billing and solid-waste fee; the
holdings in arrears; trade licences at their premises with the state of the premises'
tanks. Each is an OGC API collection, a file export, vector tiles and a map layer, read
only by the roles that read personal data (core.roles.PERSONAL_DATA_ROLES) in their wards.
No owner, ID number or phone is in them: those stay in the holding's own record."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.features import MUNICIPALITY_CODE, MUNICIPALITY_JOIN, Layer
from core.registry import Linked, MapLayer, Register, Style, Tile, link, register

from .choices import FOOD_LICENCES, LicenceType
from .editing import new_holding_url
from .models import Holding, HoldingBuilding, TradeLicence
from .selectors import READER_ROLES
from .status import ArrearsStatus, LicenceStatus, TankStatus

# The latest fiscal year the holding tax system reported, and the holding's worst water
# account and latest solid-waste year.
_JOINS = (
    MUNICIPALITY_JOIN
    + "LEFT JOIN spatial_ward w ON w.id = t.ward_id "
    + "LEFT JOIN LATERAL (SELECT x.fiscal_year, x.assessed, x.paid, x.arrears,"
    " x.last_payment_on FROM holdings_taxstatus x WHERE x.holding_id = t.id"
    " ORDER BY x.fiscal_year DESC LIMIT 1) tax ON TRUE "
)
_ARREARS_STATUS = (
    f"CASE WHEN tax.fiscal_year IS NULL THEN '{ArrearsStatus.NO_RECORD}'"
    f" WHEN tax.arrears > 0 THEN '{ArrearsStatus.IN_ARREARS}' ELSE '{ArrearsStatus.PAID_UP}' END"
)
_WATER = (
    "(SELECT CASE WHEN bool_or(a.billing = 'in_arrears') THEN 'in_arrears'"
    " WHEN count(*) > 0 THEN 'current' END"
    " FROM holdings_wateraccount a WHERE a.holding_id = t.id)"
)
_WASTE = (
    "(SELECT f.status FROM holdings_wastefee f WHERE f.holding_id = t.id"
    " ORDER BY f.fiscal_year DESC LIMIT 1)"
)
_LICENCES = (
    "(SELECT count(*) FROM holdings_tradelicence l"
    " WHERE l.holding_id = t.id AND l.valid_until >= current_date)::int"
)


# A holding's tanks under the municipality's newest rule set (`holding` is the SQL of the
# holding's id): non-compliant if any is, compliant if all assessed are; and whether any
# is overdue for emptying.
def _assessed(holding: str) -> str:
    return (
        " FROM holdings_holdingbuilding hb"
        " JOIN containment_containmentbuilding cb ON cb.building_id = hb.building_id"
        " JOIN containment_containment c ON c.id = cb.containment_id AND c.retired_at IS NULL"
        " JOIN containment_complianceassessment a ON a.containment_id = c.id"
        " AND a.rule_set_id = (SELECT rs.id FROM containment_complianceruleset rs"
        " WHERE rs.municipality_id = t.municipality_id ORDER BY rs.version DESC LIMIT 1)"
        f" WHERE hb.holding_id = {holding}"
    )


def _tanks(holding: str) -> str:
    return (
        f"(SELECT CASE WHEN bool_or(a.status = 'non_compliant')"
        f" THEN '{TankStatus.NON_COMPLIANT}'"
        f" WHEN bool_and(a.status = 'compliant') THEN '{TankStatus.COMPLIANT}'"
        f" ELSE '{TankStatus.UNKNOWN}' END {_assessed(holding)})"
    )


_TANKS = _tanks("t.holding_id")
_ASSESSED = _assessed("t.holding_id")

HOLDING_PROPERTIES = {
    "municipality": MUNICIPALITY_CODE,
    "number": "t.number",
    "ward_number": "w.number",
    "address": "t.address",
    "land_use": "t.land_use",
    "annual_valuation": "t.annual_valuation",
    "tax_year": "tax.fiscal_year",
    "tax_assessed": "tax.assessed",
    "tax_paid": "tax.paid",
    "arrears": "tax.arrears",
    "last_payment_on": "tax.last_payment_on",
    "arrears_status": _ARREARS_STATUS,
    "water_billing": _WATER,
    "waste_fee": _WASTE,
    "valid_licences": _LICENCES,
    # The sanitation view of the same holding: its tanks against the rules in force.
    "tank_status": _tanks("t.id"),
}


def _holdings(name: str, title, condition: str = "") -> Layer:
    return Layer(
        name=name,
        title=title,
        table="holdings_holding",
        properties=HOLDING_PROPERTIES,
        joins=_JOINS,
        condition="t.retired_at IS NULL AND t.geom IS NOT NULL" + condition,
        extra_filters={
            "arrears_status": f"{_ARREARS_STATUS} = %s",
            "tank_status": f"{_tanks('t.id')} = %s",
        },
        filter_choices={
            "arrears_status": tuple(ArrearsStatus.values),
            "tank_status": tuple(TankStatus.values),
        },
        temporal="t.updated_at",
        read_only=tuple(HOLDING_PROPERTIES),
    )


HOLDINGS = _holdings("holdings", _("Holdings"))
IN_ARREARS = _holdings(
    "holdings-in-arrears",
    _("Holdings with tax arrears"),
    " AND EXISTS (SELECT 1 FROM holdings_taxstatus a WHERE a.holding_id = t.id"
    " AND a.fiscal_year = (SELECT max(b.fiscal_year) FROM holdings_taxstatus b"
    " WHERE b.holding_id = t.id) AND a.arrears > 0)",
)

_OVERDUE = (
    f"coalesce((SELECT bool_or(a.outcomes->'emptying'->>'outcome' = 'fail') {_ASSESSED}), false)"
)
_FOOD = ", ".join(f"'{code}'" for code in sorted(FOOD_LICENCES))
# Due for renewal: expiring within 60 days (the paurashava's renewal season).
_LICENCE_STATUS = (
    f"CASE WHEN t.valid_until < current_date THEN '{LicenceStatus.EXPIRED}'"
    f" WHEN t.valid_until < current_date + 60 THEN '{LicenceStatus.DUE}'"
    f" ELSE '{LicenceStatus.VALID}' END"
)

# The municipality's renewal condition (HoldingSettings.renewal_needs_emptying): a licence
# due for renewal (or expired) at premises whose tank is overdue for emptying is held.
_RENEWAL_HELD = (
    "(coalesce((SELECT s.renewal_needs_emptying FROM holdings_holdingsettings s"
    " WHERE s.municipality_id = t.municipality_id), false)"
    f" AND t.valid_until < current_date + 60 AND {_OVERDUE})"
)

LICENCES = Layer(
    name="trade-licences",
    title=_("Trade licences"),
    table="holdings_tradelicence",
    properties={
        "municipality": MUNICIPALITY_CODE,
        "licence_number": "t.licence_number",
        "business_name": "t.business_name",
        "business_type": "t.business_type",
        "food_business": f"t.business_type IN ({_FOOD})",
        "valid_from": "t.valid_from",
        "valid_until": "t.valid_until",
        "licence_status": _LICENCE_STATUS,
        "holding_number": "h.number",
        "ward_number": "w.number",
        "tank_status": _TANKS,
        "emptying_overdue": _OVERDUE,
        "renewal_held": _RENEWAL_HELD,
    },
    joins=MUNICIPALITY_JOIN
    + "JOIN holdings_holding h ON h.id = t.holding_id "
    + "LEFT JOIN spatial_ward w ON w.id = h.ward_id ",
    geometry="ST_PointOnSurface(h.geom)",
    ward_condition="h.ward_id = ANY(%s)",
    condition="h.retired_at IS NULL AND h.geom IS NOT NULL",
    extra_filters={
        "business_type": "t.business_type = %s",
        "tank_status": f"{_TANKS} = %s",
        "renewal_held": f"{_RENEWAL_HELD} = %s::boolean",
    },
    filter_choices={
        "business_type": tuple(LicenceType.values),
        "tank_status": tuple(TankStatus.values),
        "renewal_held": ("true", "false"),
    },
    temporal="t.updated_at",
    read_only=("municipality", "food_business", "licence_status", "holding_number",
               "ward_number", "tank_status", "emptying_overdue", "renewal_held"),
)  # fmt: skip

_LABELS = {
    "ward_number": _("Ward"),
    "tax_year": _("Tax year"),
    "tax_assessed": _("Tax assessed (BDT)"),
    "tax_paid": _("Tax paid (BDT)"),
    "arrears": _("Arrears (BDT)"),
    "last_payment_on": _("Last payment"),
    "arrears_status": _("Holding tax"),
    "water_billing": _("Water billing"),
    "waste_fee": _("Solid-waste fee"),
    "valid_licences": _("Valid trade licences"),
    "tank_status": _("Tanks"),
}
_CHOICES = {"arrears_status": ArrearsStatus, "tank_status": TankStatus}
_POPUP = ("number", "ward_number", "land_use", "tax_year", "arrears", "last_payment_on",
          "water_billing", "waste_fee", "valid_licences", "tank_status")  # fmt: skip

register(
    Register(
        "holdings",
        HOLDINGS,
        model=Holding,
        readers=READER_ROLES,
        api=False,
        tile=Tile({"number": "number", "arrears": "arrears_status"}, min_zoom=14),
        map=MapLayer(
            "area",
            Style("#6a51a3", fill="#bcbddc", weight=1, fill_opacity=0.5),
            popup=_POPUP,
            classify="arrears_status",
            classes={
                ArrearsStatus.IN_ARREARS: Style("#a50f15", fill="#fb6a4a", weight=1),
                ArrearsStatus.PAID_UP: Style("#006d2c", fill="#74c476", weight=1),
                ArrearsStatus.NO_RECORD: Style("#636363", fill="#bdbdbd", weight=1),
            },
            min_zoom=15,
            limit=3000,
            order=70,
        ),
        labels=_LABELS,
        choices=_CHOICES,
    ),
    Register(
        "holdings-in-arrears",
        IN_ARREARS,
        model=Holding,
        readers=READER_ROLES,
        api=False,
        labels=_LABELS,
        choices=_CHOICES,
    ),
    Register(
        "trade-licences",
        LICENCES,
        model=TradeLicence,
        readers=READER_ROLES,
        api=False,
        map=MapLayer(
            "point",
            Style("#54278f", fill="#9e9ac8", radius=5),
            popup=(
                "licence_number",
                "business_name",
                "business_type",
                "valid_until",
                "licence_status",
                "holding_number",
                "tank_status",
                "emptying_overdue",
            ),
            classify="tank_status",
            classes={
                TankStatus.NON_COMPLIANT: Style("#a50f15", fill="#fb6a4a", radius=6),
                TankStatus.COMPLIANT: Style("#006d2c", fill="#74c476", radius=5),
                TankStatus.UNKNOWN: Style("#54278f", fill="#9e9ac8", radius=5),
            },
            min_zoom=14,
            limit=2000,
            order=71,
        ),
        labels={
            "ward_number": _("Ward"),
            "holding_number": _("Holding"),
            "food_business": _("Food business"),
            "licence_status": _("Licence"),
            "tank_status": _("Premises' tanks"),
            "emptying_overdue": _("Emptying overdue"),
            "renewal_held": _("Renewal held until the tank is emptied"),
        },
        choices={"licence_status": LicenceStatus, "tank_status": TankStatus},
    ),
    app="holdings",
)

# On a building's page: the holdings on it (their numbers and flats only; the holding's
# own page shows its owners and revenue to the roles that read them).
link(
    "buildings",
    Linked(
        "holdings",
        _("Holdings on it"),
        {"number": _("Holding"), "unit": _("Flat or unit")},
        lambda building: [
            {
                "number": placement.holding.number,
                "unit": placement.unit,
                "url": reverse("holdings:holding", args=[placement.holding_id]),
            }
            for placement in HoldingBuilding.objects.filter(
                building=building, holding__retired_at=None
            )
            .select_related("holding")
            .order_by("holding__number_key")
        ],
        add=new_holding_url,
        add_label=_("New holding on this building"),
    ),
)
