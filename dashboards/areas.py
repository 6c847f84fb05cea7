"""Area summaries (issue 30, tool 1): what lies in an area of a municipality, as the
dashboards count it. The area is drawn on the map, or is a buffer in metres around a drawn
point, line or polygon or around a registered feature (a drain, a sewer, a road, a
building...), or a ward, or a low-income community.

The figures are the dashboards' own (dashboards/figures_sql.py, restricted to the area):
a building, household or containment counts when its geometry touches the area, within
the reader's wards. Buffers are in metres on the ground (geography), never in degrees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from containment.choices import ContainmentType
from core import registry
from core.local import digits, ward_label
from core.scope import user_scope
from spatial.models import LowIncomeCommunity, Municipality, Ward

from . import indicators
from .coverage_sql import AREA
from .ladders import ladder, sfd
from .selectors import Period, total_figures, ward_figures_computed

MAX_BUFFER_M = 5000
# An area may be at most this many times the municipality's own area: beyond, it is not
# a question about this municipality (and would only scan it all the same).
MAX_AREA_FACTOR = 4
# Registered features a buffer may be drawn around.
BUFFERED_LAYERS = (
    "buildings",
    "containments",
    "roads",
    "drains",
    "water-bodies",
    "water-points",
    "water-supply-lines",
    "public-toilets",
    "treatment-plants",
    "low-income-communities",
)


class AreaRefused(ValueError):
    """The area asked for cannot be summarised: `field` and a message the reader can act on."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Area:
    ewkb: bytes
    geojson: str
    area_m2: float
    described: str
    buffer_m: float


# Every sewer of the municipality, for "how many would a sewer serve" (the buffer around
# the existing network; a proposed line is drawn).
SEWERS_SQL = """SELECT ST_AsEWKB(ST_Collect(d.geom)) FROM containment_drainsegment d
                 WHERE d.municipality_id = %s AND d.retired_at IS NULL
                   AND d.network_type = 'sewer'"""


def _given(
    *,
    user,
    municipality: Municipality,
    geometry,
    ward,
    low_income_community,
    layer,
    feature,
    sewers=False,
):
    """The geometry asked for (EWKB) and what to call it."""
    if geometry is not None:
        return bytes(geometry.ewkb), _("Drawn area")
    if sewers:
        with connection.cursor() as cursor:
            cursor.execute(SEWERS_SQL, [municipality.pk])
            found = cursor.fetchone()[0]
        if found is None:
            raise AreaRefused("sewers", _("This municipality has no sewer on record."))
        return bytes(found), _("the sewers")
    if ward is not None:
        found = Ward.objects.filter(pk=ward, municipality=municipality).first()
        limit = user_scope(user)
        if found is None or not limit.covers(municipality_id=municipality.pk, ward_id=found.pk):
            raise AreaRefused("ward", _("No such ward of yours."))
        return bytes(found.geom.ewkb), ward_label(
            {"number": found.number, "name_bn": found.name_bn}
        )
    if low_income_community is not None:
        found = LowIncomeCommunity.objects.filter(
            pk=low_income_community, municipality=municipality
        ).first()
        if found is None:
            raise AreaRefused("low_income_community", _("No such low-income community here."))
        return bytes(found.geom.ewkb), found.local_name
    if layer is None or feature is None:
        raise AreaRefused(
            "geometry",
            _(
                "Give an area: a geometry, a ward, a low-income community, or a layer and "
                "a feature."
            ),
        )
    if layer not in BUFFERED_LAYERS:
        names = ", ".join(BUFFERED_LAYERS)
        raise AreaRefused("layer", _("Choose one of: %(names)s.") % {"names": names})
    declared = registry.get(layer).features()
    limit = user_scope(user)
    wards = None if limit.whole(municipality.pk) else list(limit.ward_ids)
    condition = f" AND ({declared.condition})" if declared.condition else ""
    if wards is not None:
        condition += f" AND {declared.ward_condition}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT ST_AsEWKB({declared.geometry}) FROM {declared.table} t
                 WHERE t.id = %s AND t.municipality_id = %s{condition}""",  # noqa: S608 (declared SQL)
            [feature, municipality.pk] + ([wards] if wards is not None else []),
        )
        row = cursor.fetchone()
    if row is None:
        raise AreaRefused("feature", _("No such feature of yours in this layer."))
    return bytes(row[0]), f"{declared.title or layer} {digits(feature)}"


AREA_SQL = """
    WITH a AS (
        SELECT CASE WHEN %(buffer)s > 0
                    THEN ST_Buffer(ST_GeomFromEWKB(%(given)s)::geography, %(buffer)s)::geometry
                    ELSE ST_GeomFromEWKB(%(given)s) END AS g)
    SELECT ST_AsEWKB(a.g), ST_AsGeoJSON(a.g, 7), ST_Area(a.g::geography),
           ST_Intersects(a.g, m.boundary), m.area_m2, GeometryType(a.g)
      FROM a, spatial_municipality m WHERE m.id = %(m)s"""


def area_of(
    *,
    user,
    municipality: Municipality,
    geometry=None,
    ward: int | None = None,
    low_income_community: int | None = None,
    layer: str | None = None,
    feature: int | None = None,
    sewers: bool = False,
    buffer_m: float = 0,
) -> Area:
    """The area to summarise: the one given, buffered by `buffer_m` metres on the ground.
    Raises AreaRefused for what cannot be summarised: a buffer over MAX_BUFFER_M, a point
    or line without a buffer, an area outside the municipality or larger than
    MAX_AREA_FACTOR times it, a ward or feature the reader may not read."""
    if not 0 <= buffer_m <= MAX_BUFFER_M:
        raise AreaRefused(
            "buffer_m", _("A buffer is 0 to %(most)s metres.") % {"most": MAX_BUFFER_M}
        )
    given, described = _given(
        user=user,
        municipality=municipality,
        geometry=geometry,
        ward=ward,
        low_income_community=low_income_community,
        layer=layer,
        feature=feature,
        sewers=sewers,
    )
    with connection.cursor() as cursor:
        cursor.execute(AREA_SQL, {"given": given, "buffer": buffer_m, "m": municipality.pk})
        ewkb, geojson, area_m2, inside, town_m2, kind = cursor.fetchone()
    if kind not in ("POLYGON", "MULTIPOLYGON"):
        raise AreaRefused("buffer_m", _("A point or a line needs a buffer of at least 1 metre."))
    if not inside:
        raise AreaRefused("geometry", _("The area lies outside the municipality."))
    if area_m2 > MAX_AREA_FACTOR * town_m2:
        raise AreaRefused(
            "geometry",
            _(
                "The area is %(area)s km², more than %(factor)s times the municipality's "
                "%(town)s km²: draw it around the part you ask about."
            )
            % {
                "area": round(area_m2 / 1e6, 1),
                "factor": MAX_AREA_FACTOR,
                "town": round(town_m2 / 1e6, 1),
            },
        )
    if buffer_m:
        described = _("%(metres)s m around %(what)s") % {
            "metres": digits(f"{buffer_m:g}"),
            "what": described,
        }
    return Area(bytes(ewkb), geojson, float(area_m2), described, float(buffer_m))


# An area's statements touch a few thousand rows through the indexes. With the default
# costs (random_page_cost 4, for spinning disks) the planner hashed whole tables instead,
# and parallel workers took longer to start than the work: 690 ms at tier M, 230 ms with
# these (docs/performance.md). For these statements only.
PLANNING = "SET LOCAL random_page_cost = 1.1; SET LOCAL max_parallel_workers_per_gather = 0"

# Buildings and containments in the area beyond the dashboards' figures: population by sex,
# holdings, and containments by type.
EXTRA_SQL = f"""
    SELECT (SELECT json_build_object(
                'holdings', count(DISTINCT nullif(b.holding_number, '')),
                'male', coalesce(sum(b.population_male), 0),
                'female', coalesce(sum(b.population_female), 0),
                'other', coalesce(sum(b.population_other), 0),
                'disabled', coalesce(sum(b.population_disabled), 0))
              FROM spatial_building b
             WHERE b.municipality_id = %(municipality)s AND b.retired_at IS NULL
               AND ST_Intersects(b.geom, {AREA})
               AND (%(wards)s IS NULL OR b.ward_id = ANY(%(wards)s::bigint[]))),
           (SELECT coalesce(json_object_agg(t.containment_type, t.n), '{{}}')
              FROM (SELECT c.containment_type, count(*) AS n FROM containment_containment c
                     WHERE c.municipality_id = %(municipality)s AND c.retired_at IS NULL
                       AND ST_Intersects(c.geom, {AREA})
                       AND (%(wards)s IS NULL OR c.ward_id = ANY(%(wards)s::bigint[]))
                     GROUP BY c.containment_type) t)"""  # noqa: S608 (module SQL)


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def summary(*, user, municipality: Municipality, area: Area, year: int | None = None) -> dict:
    """What lies in `area` (see the module), as of the end of `year` (this year: today).
    Two statements: the dashboards' figures restricted to the area, per ward, and the
    buildings' population by sex, holdings and containment types."""
    year = year or timezone.localdate().year
    limit = user_scope(user)
    wards = None if limit.whole(municipality.pk) else sorted(limit.ward_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PLANNING)
        rows = ward_figures_computed(
            municipality=municipality, year=year, wards=wards, area=area.ewkb
        )
        cursor.execute(
            EXTRA_SQL, {"municipality": municipality.pk, "wards": wards, "area": area.ewkb}
        )
        extra, types = (_decoded(value) for value in cursor.fetchone())
    if not rows:
        raise AreaRefused("geometry", _("The municipality has no ward you read."))
    figures = total_figures(rows)
    type_labels = dict(ContainmentType.choices)
    return {
        "definition": _(
            "What touches the area, within the wards you read: buildings by their footprint, "
            "households by their building, containments by their location. People by JMP "
            "rung and SFD fate are the surveyed households' members; emptying and "
            "compliance as of %(end)s."
        )
        % {"end": Period(year).end.isoformat()},
        "area": {
            "described": area.described,
            "area_m2": round(area.area_m2, 1),
            "buffer_m": area.buffer_m,
        },
        "municipality": municipality.code,
        "computed_at": figures["computed_at"],
        "buildings": figures["buildings"],
        "holdings": extra["holdings"],
        "households": figures["households"],
        "people": {
            "total": figures["people"],
            "male": extra["male"],
            "female": extra["female"],
            "other": extra["other"],
            "disabled": extra["disabled"],
        },
        "low_income_community": {
            "buildings": figures["lic_buildings"],
            "people": figures["lic_people"],
        },
        "survey_coverage": indicators.coverage(figures),
        "ladder": ladder(figures),
        "sfd": sfd(figures),
        "containments": figures["containments"],
        # What the containments are, in the SFD's words: on a sewer already, or not.
        "sfd_classes": {
            name: figures[f"sfd_{name}"] for name in ("sewered", "contained", "not_contained")
        }
        | {"unknown": figures["sfd_unknown"]},
        "containment_types": [
            {"type": code, "label": str(type_labels.get(code, code)), "containments": count}
            for code, count in sorted(types.items(), key=lambda item: (-item[1], item[0]))
        ],
        "compliance": {
            "compliant": figures["compliant"],
            "non_compliant": figures["non_compliant"],
            "unknown": figures["compliance_unknown"],
            "not_assessed": figures["not_assessed"],
        },
        "emptying": {
            "on_site": figures["on_site"],
            "overdue": figures["overdue"],
            "due": figures["emptying_due"],
            "desludged_recently": figures["desludged_recently"],
            "emptied_this_year": figures["emptied"],
        },
        "wards": [
            {"ward": row["number"], "buildings": row["buildings"], "people": row["people"]}
            for row in rows
            if row["buildings"] or row["containments"]
        ],
    }
