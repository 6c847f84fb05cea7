"""Waterborne disease hotspots by ward (issue 28, item 7), a read-only layer declared once
(core.registry): each ward's cases of the last three months (this month and the two before)
per 1,000 of its residents on record and per month, beside the whole town's rate, and its
level: a hotspot at twice the town's rate or more (with at least five cases, so that a
handful of cases in a small ward is not called one), raised above it, or usual. Counts only,
from DiseaseCaseCount; no person is on record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.features import MUNICIPALITY_CODE, MUNICIPALITY_JOIN, Layer
from core.registry import MapLayer, Register, Style

from .choices import DiseaseLevel

WINDOW_MONTHS = 3
HOTSPOT_RATIO = 2
HOTSPOT_MIN_CASES = 5

_PEOPLE = (
    "coalesce(b.population_male, 0) + coalesce(b.population_female, 0)"
    " + coalesce(b.population_other, 0)"
)
# One row per ward; the town's figures beside each (a window over the municipality, which
# a filter on the municipality still reaches inside).
WARD_RATES_SQL = f"""(
  SELECT x.*, sum(x.cases) OVER town AS town_cases, sum(x.people) OVER town AS town_people
    FROM (
      SELECT w.id, w.id AS ward_id, w.municipality_id, w.number AS ward_number,
             w.name AS ward_name, w.geom,
             (SELECT coalesce(sum({_PEOPLE}), 0) FROM spatial_building b
               WHERE b.ward_id = w.id AND b.retired_at IS NULL) AS people,
             (SELECT coalesce(sum(d.cases), 0) FROM spatial_diseasecasecount d
               WHERE d.ward_id = w.id
                 AND d.month > (date_trunc('month', current_date)
                                - interval '{WINDOW_MONTHS} months')::date) AS cases
        FROM spatial_ward w) x
  WINDOW town AS (PARTITION BY x.municipality_id)
)"""  # noqa: S608 (module constants only)

_RATE = f"round(t.cases * 1000.0 / nullif(t.people, 0) / {WINDOW_MONTHS}, 2)"
_TOWN_RATE = f"round(t.town_cases * 1000.0 / nullif(t.town_people, 0) / {WINDOW_MONTHS}, 2)"
_LEVEL = f"""(CASE
    WHEN t.people = 0 THEN '{DiseaseLevel.UNKNOWN}'
    WHEN t.cases >= {HOTSPOT_MIN_CASES}
         AND t.cases * t.town_people >= {HOTSPOT_RATIO} * t.town_cases * t.people
         THEN '{DiseaseLevel.HOTSPOT}'
    WHEN t.cases * t.town_people > t.town_cases * t.people THEN '{DiseaseLevel.RAISED}'
    ELSE '{DiseaseLevel.USUAL}' END)"""

DISEASE_HOTSPOTS = Layer(
    name="disease-hotspots",
    title=_("Waterborne disease by ward"),
    table=WARD_RATES_SQL,
    joins=MUNICIPALITY_JOIN,
    order_by="t.ward_number",
    properties={
        "municipality": MUNICIPALITY_CODE,
        "ward": "t.ward_id",
        "ward_number": "t.ward_number",
        "ward_name": "t.ward_name",
        "people": "t.people",
        "cases": "t.cases",
        "cases_per_1000_a_month": _RATE,
        "town_cases_per_1000_a_month": _TOWN_RATE,
        "level": _LEVEL,
    },
    read_only=(
        "municipality",
        "ward",
        "ward_number",
        "ward_name",
        "people",
        "cases",
        "cases_per_1000_a_month",
        "town_cases_per_1000_a_month",
        "level",
    ),
)

DISEASE_HOTSPOTS_REGISTER = Register(
    "disease-hotspots",
    DISEASE_HOTSPOTS,
    summary="Waterborne disease cases per 1,000 residents by ward, with hotspots",
    map=MapLayer(
        "area",
        Style("#969696", fill="#f0f0f0", weight=1, fill_opacity=0.35),
        popup=(
            "ward_number",
            "cases",
            "people",
            "cases_per_1000_a_month",
            "town_cases_per_1000_a_month",
            "level",
        ),
        name_property="ward_name",
        classify="level",
        classes={
            DiseaseLevel.HOTSPOT: Style("#a50f15", fill="#de2d26", weight=2, fill_opacity=0.45),
            DiseaseLevel.RAISED: Style("#e6550d", fill="#fdae6b", weight=1, fill_opacity=0.35),
            DiseaseLevel.USUAL: Style("#969696", fill="#f0f0f0", weight=1, fill_opacity=0.15),
            DiseaseLevel.UNKNOWN: Style("#bdbdbd", fill="#ffffff", weight=1, fill_opacity=0.1),
        },
        order=12,
    ),
    labels={
        "ward_number": _("Ward"),
        "cases": _("Cases, last three months"),
        "people": _("Residents on record"),
        "cases_per_1000_a_month": _("Cases per 1,000 a month"),
        "town_cases_per_1000_a_month": _("Town's cases per 1,000 a month"),
        "level": _("Level"),
    },
    choices={"level": DiseaseLevel},
)
