"""Survey coverage per ward and campaign as a map layer (spatial/layers.py renders it in
PostGIS): the ward's shape with its buildings, buildings surveyed (an approved submission)
and the submissions waiting, for /ogc/ and exports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.features import MUNICIPALITY_CODE, MUNICIPALITY_JOIN, Layer
from core.registry import Linked, Register, link, register

from .selectors import building_submission_rows

# One row per ward of each campaign; the id is that of the campaign-ward link.
WARD_COVERAGE_SQL = """(
  SELECT cw.id, w.municipality_id, w.id AS ward_id, w.number AS ward_number, w.geom,
         c.id AS campaign_id, c.name AS campaign_name, c.status AS campaign_status,
         (SELECT count(*) FROM spatial_building b
           WHERE b.ward_id = w.id AND b.retired_at IS NULL) AS buildings,
         (SELECT count(DISTINCT s.building_id) FROM surveys_submission s
           WHERE s.campaign_id = c.id AND s.ward_id = w.id AND s.status = 'approved'
             AND s.building_id IS NOT NULL) AS surveyed,
         (SELECT count(*) FROM surveys_submission s
           WHERE s.campaign_id = c.id AND s.ward_id = w.id AND s.status = 'pending') AS pending
    FROM surveys_surveycampaign_wards cw
    JOIN spatial_ward w ON w.id = cw.ward_id
    JOIN surveys_surveycampaign c ON c.id = cw.surveycampaign_id
)"""

WARD_COVERAGE = Layer(
    name="survey-coverage",
    title=_("Survey coverage by ward"),
    table=WARD_COVERAGE_SQL,
    joins=MUNICIPALITY_JOIN,
    order_by="t.campaign_id, t.ward_number",
    properties={
        "municipality": MUNICIPALITY_CODE,
        "campaign": "t.campaign_id",
        "campaign_name": "t.campaign_name",
        "campaign_status": "t.campaign_status",
        "ward": "t.ward_id",
        "ward_number": "t.ward_number",
        "buildings": "t.buildings",
        "surveyed": "t.surveyed",
        "coverage": "round(t.surveyed::numeric / nullif(t.buildings, 0), 4)",
        "pending": "t.pending",
    },
    extra_filters={"campaign": "t.campaign_id::text = %s"},
)

# On the OGC API and in exports; the supervisors' pages read coverage from the survey API.
register(Register("survey-coverage", WARD_COVERAGE, api=False), app="surveys")

# A building's page lists the submissions matched to it.
link(
    "buildings",
    Linked(
        "submissions",
        _("Survey submissions"),
        {
            "received_at": _("Received"),
            "campaign": _("Campaign"),
            "enumerator": _("Enumerator"),
            "status": _("Status"),
            "match_kind": _("Match"),
        },
        building_submission_rows,
    ),
)
