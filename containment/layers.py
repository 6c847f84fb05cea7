"""The registers of containments, building sanitation and treatment plants (core.registry):
each containment with its SFD class, JMP facility rung and the outcome of the newest rule set
version, rendered by PostGIS."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.features import MUNICIPALITY_CODE, MUNICIPALITY_JOIN, VERSION, WARD_BY_PLACE, Layer
from core.registry import Linked, MapLayer, Register, Style, Tile, link, register
from spatial import services as spatial_services
from spatial.api.serializers import TIMESTAMPS, record_feature_serializer
from spatial.layers import BUILDINGS
from spatial.models import Building

from . import record_links, selectors, services
from .api.serializers import (
    ContainmentPropertiesSerializer,
    containment_buildings,
    containment_compliance,
)
from .choices import ComplianceStatus, JmpRung, RuleOutcome, SfdClass
from .classification import (
    building_rung_sql,
    classification_params,
    facility_rung_sql,
    last_emptying_lateral,
    sfd_class_sql,
    stage_sql,
)
from .imports import import_containments
from .models import Containment, TreatmentPlant
from .network_layers import DRAINS_REGISTER, SEWER_CONNECTIONS_REGISTER
from .toilet_layers import PUBLIC_TOILETS_REGISTER


def _inline(sql: str) -> str:
    """Settings become SQL literals: they come from configuration, never from a request;
    whether sewage is treated follows each containment's sewer connection
    (classification.sewer_treated_sql)."""
    values = {k: "TRUE" if v else "FALSE" for k, v in classification_params().items()}
    return sql % values


def containments_layer() -> Layer:
    # Built on demand so that the classification settings in force are used.
    sfd = _inline(sfd_class_sql("t"))
    # Module SQL only: no request value reaches these joins.
    latest_emptying = last_emptying_lateral("t", "current_date")
    return Layer(
        name="containments",
        title=_("Containments"),
        table="containment_containment",
        condition="t.retired_at IS NULL",
        joins=(
            MUNICIPALITY_JOIN + "LEFT JOIN spatial_ward w ON w.id = t.ward_id "
            "LEFT JOIN LATERAL (SELECT a.status, a.failed_rules, a.well_distance_m, r.version"
            " FROM containment_complianceassessment a"
            " JOIN containment_complianceruleset r ON r.id = a.rule_set_id"
            " WHERE a.containment_id = t.id ORDER BY r.version DESC LIMIT 1) a ON TRUE "
            "LEFT JOIN LATERAL (SELECT b.id, b.bin, b.holding_number"
            " FROM containment_containmentbuilding l JOIN spatial_building b"
            " ON b.id = l.building_id WHERE l.containment_id = t.id AND l.is_responsible) rb"
            " ON TRUE "
            f"{latest_emptying}"
        ),
        properties={
            "municipality": MUNICIPALITY_CODE,
            "code": "t.code",
            "containment_type": "t.containment_type",
            "outlet": "t.outlet",
            "toilet_type": "t.toilet_type",
            "ward": "t.ward_id",
            "ward_number": "w.number",
            "shared_facility": "t.shared_facility",
            "users": "t.users",
            "length_m": "t.length_m",
            "width_m": "t.width_m",
            "depth_m": "t.depth_m",
            "diameter_m": "t.diameter_m",
            "volume_m3": "t.volume_m3",
            "location": "t.location",
            "effective_volume_m3": "t.effective_volume_m3",
            "construction_year": "t.construction_year",
            "ever_emptied": "t.ever_emptied",
            "times_emptied": "t.times_emptied",
            "last_emptied_on": "t.last_emptied_on",
            "emptied_by": "t.emptied_by",
            "sludge_destination": "t.sludge_destination",
            "sfd_class": sfd,
            "emptying_stage": _inline(stage_sql("t", "le", "current_date")),
            "jmp_rung": _inline(facility_rung_sql("t", "le", "current_date")),
            "compliance_status": "a.status",
            "rule_set_version": "a.version",
            "failed_rules": "to_json(coalesce(a.failed_rules, '{}'::varchar[]))",
            "well_distance_m": "round(a.well_distance_m::numeric, 1)",
            "building": "rb.id",
            "building_bin": "rb.bin",
            "holding_number": "rb.holding_number",
            "version": VERSION,
        },
        extra_filters={
            "status": "a.status = %s",
            "sfd_class": f"{sfd} = %s",
        },
        filter_choices={
            "status": tuple(ComplianceStatus.values),
            "sfd_class": tuple(SfdClass.values),
        },
        temporal="t.updated_at",
        read_only=(
            "municipality",
            "ward",
            "ward_number",
            "effective_volume_m3",
            "sfd_class",
            "emptying_stage",
            "jmp_rung",
            "compliance_status",
            "rule_set_version",
            "failed_rules",
            "well_distance_m",
            "building",
            "version",
        ),
    )


BUILDING_COLUMNS = (
    "municipality",
    "bin",
    "holding_number",
    "ward",
    "ward_number",
    "functional_use",
    "population",
    "low_income_community",
)


def building_sanitation_layer() -> Layer:
    """Buildings with their JMP ladder rung (the rung of most of their surveyed people,
    through their households), for the ward dashboards' map."""
    return Layer(
        name="building-sanitation",
        title=_("Building sanitation (JMP ladder)"),
        table=BUILDINGS.table,
        condition=BUILDINGS.condition,
        joins=BUILDINGS.joins,
        properties={
            # The building register's own SQL for what both show.
            **{name: BUILDINGS.properties[name] for name in BUILDING_COLUMNS},
            "jmp_rung": _inline(building_rung_sql("t")),
        },
        extra_filters={"jmp_rung": f"{_inline(building_rung_sql('t'))} = %s"},
        filter_choices={"jmp_rung": (*JmpRung.values, "unknown")},
    )


TREATMENT_PLANTS = Layer(
    name="treatment-plants",
    title=_("Treatment plants"),
    table="containment_treatmentplant",
    joins=MUNICIPALITY_JOIN,
    # Plants carry no ward: a ward filter keeps those inside the ward's shape.
    ward_condition=WARD_BY_PLACE,
    properties={
        "municipality": MUNICIPALITY_CODE,
        "name": "t.name",
        "plant_type": "t.plant_type",
        "capacity_m3_per_day": "t.capacity_m3_per_day",
        "in_operation": "t.is_active",
    },
)


STATUS_FILLS = {
    ComplianceStatus.COMPLIANT: "#1a9641",
    ComplianceStatus.NON_COMPLIANT: "#d7191c",
    ComplianceStatus.UNKNOWN: "#969696",
}


def _status_style(fill: str) -> Style:
    return Style("#222", fill=fill, fill_opacity=0.9)


register(
    Register(
        "containments",
        containments_layer,
        model=Containment,
        id_kwarg="containment",
        page_key="code",
        search=("t.code",),
        get=selectors.containment_get,
        create=services.containment_create,
        update=services.containment_update,
        delete=services.containment_delete,
        restore=spatial_services.record_restore,
        properties_serializer=ContainmentPropertiesSerializer,
        output_serializer=record_feature_serializer(
            Containment,
            containments_layer,
            {
                "buildings": containment_buildings,
                "compliance": containment_compliance,
                **TIMESTAMPS,
            },
        ),
        importer=import_containments,
        api_tag="containments",
        summary="Containments with SFD class, JMP rung and compliance, as GeoJSON",
        tile=Tile(
            {
                "code": "code",
                "type": "containment_type",
                "outlet": "outlet",
                "status": "compliance_status",
            },
            min_zoom=15,
        ),
        map=MapLayer(
            "point",
            _status_style(STATUS_FILLS[ComplianceStatus.UNKNOWN]),
            popup=(
                "code",
                "containment_type",
                "outlet",
                "sfd_class",
                "jmp_rung",
                "compliance_status",
                "building_bin",
                "holding_number",
            ),
            classify="compliance_status",
            classes={status: _status_style(fill) for status, fill in STATUS_FILLS.items()},
            min_zoom=settings.IMIS["BUILDINGS_MIN_ZOOM"],
            limit=5000,
            extra="reasons",
            # Each rule's outcome in words beside its colour.
            extra_labels=dict(RuleOutcome.choices),
            order=50,
        ),
        labels={
            "code": _("Containment"),
            "containment_type": _("Type"),
            "outlet": _("Outlet"),
            "sfd_class": _("SFD"),
            "jmp_rung": _("JMP ladder"),
            "compliance_status": _("Compliance"),
            "building_bin": _("BIN"),
            "holding_number": _("Holding number"),
        },
        choices={
            "sfd_class": SfdClass,
            "jmp_rung": JmpRung,
            "compliance_status": ComplianceStatus,
        },
    ),
    Register(
        "building-sanitation",
        building_sanitation_layer,
        model=Building,
        id_kwarg="building",
        route="building-sanitation",
        api_tag="containments",
        summary="Buildings with the JMP ladder rung of their best facility, as GeoJSON",
        choices={"jmp_rung": JmpRung},
    ),
    Register(
        "treatment-plants",
        TREATMENT_PLANTS,
        model=TreatmentPlant,
        # Listed with their service details under /api/v1/treatment-plants/ (desludging).
        api=False,
    ),
    PUBLIC_TOILETS_REGISTER,
    DRAINS_REGISTER,
    SEWER_CONNECTIONS_REGISTER,
    app="containment",
)

# On a building's page: the containments it uses, and their inspections and emptying
# requests; on a containment's page, its own.
INSPECTIONS = Linked(
    "inspections",
    _("Inspections"),
    {
        "containment": _("Containment"),
        "visited_on": _("Visited on"),
        "outcome": _("Outcome"),
        "inspector": _("Inspector"),
        "notes": _("Notes"),
    },
    record_links.inspection_rows,
)
EMPTYING_REQUESTS = Linked(
    "emptying_requests",
    _("Emptying requests"),
    {
        "containment": _("Containment"),
        "requested_at": _("Requested at"),
        "status": _("Status"),
        "is_emergency": _("Emergency"),
        "scheduled_for": _("Scheduled for"),
        "emptied_at": _("Emptied"),
    },
    record_links.emptying_request_rows,
)
link(
    "buildings",
    Linked(
        "containments",
        _("Containments it uses"),
        {
            "code": _("Containment"),
            "containment_type": _("Type"),
            "outlet": _("Outlet"),
            "compliance": _("Compliance"),
            "is_responsible": _("Responsible building"),
        },
        record_links.building_containment_rows,
    ),
    INSPECTIONS,
    EMPTYING_REQUESTS,
)
link("containments", INSPECTIONS, EMPTYING_REQUESTS)
