"""Benchmark: area summaries and containments near water at tier M (issue 30, tools 1 and 3;
targets: a 1 km² area summary in the densest ward < 150 ms, near water for the whole
municipality < 3 s).

    BENCH_BUILDINGS=150000 .venv/bin/python bench/area_analysis.py

Best of three, on the bench town, as its GIS officer:

- area summary, project: POST /api/v1/analysis/area-summary/ with a 1 km² square at the
  centre of the densest ward's buildings, through Django's whole request stack;
- area summary, raw: the same three statements run directly with the same planner
  settings (the containments to classify, the dashboards' figures restricted to the area,
  and the population, holdings and containment types);
- area summary, GeoPandas: the way a desktop analyst does it, the buildings, households and
  containments loaded from PostGIS into GeoDataFrames, then selected by the square and
  summed (counts, people by sex, holdings, households and their members, containments by
  type; without the JMP and SFD classification, which GeoPandas has no rules for). Its load
  and its in-memory summary are reported apart;
- near water, project: GET /api/v1/analysis/near-water/ for the whole town (counts per ward
  and the first 1,000 of each list); raw: its two statements run directly.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import geopandas  # noqa: E402
import shapely  # noqa: E402
from django.contrib.gis.geos import Polygon  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.towns import bench_town, best_of, densest_ward, officer_client  # noqa: E402
from containment import near_water  # noqa: E402
from containment.classification import classification_params  # noqa: E402
from dashboards import areas, selectors  # noqa: E402
from dashboards.coverage_sql import AREA_CONTAINMENTS_SQL, IN_AREA  # noqa: E402
from dashboards.figures_sql import ward_figures_sql  # noqa: E402

HALF_SIDE_M = 500


def square_in(ward_id: int) -> Polygon:
    """A 1 km² square centred on the ward's buildings."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Collect(ST_Centroid(geom))) c"
            " FROM spatial_building WHERE ward_id = %s) s",
            [ward_id],
        )
        lon, lat = cursor.fetchone()
        cursor.execute(
            "SELECT ST_X(e), ST_Y(e), ST_X(n), ST_Y(n) FROM (SELECT"
            " ST_Project(p, %s, radians(90))::geometry e, ST_Project(p, %s, 0)::geometry n"
            " FROM (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography p) s) t",
            [HALF_SIDE_M, HALF_SIDE_M, lon, lat],
        )
        east, _, _, north = cursor.fetchone()
    dx, dy = east - lon, north - lat
    square = Polygon.from_bbox((lon - dx, lat - dy, lon + dx, lat + dy))
    square.srid = 4326
    return square


def _frame(sql: str, params: list) -> geopandas.GeoDataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names) if name != "wkb"}
    geometry = shapely.from_wkb([bytes(row[names.index("wkb")]) for row in rows])
    return geopandas.GeoDataFrame(columns, geometry=geometry, crs=4326)


def geopandas_load(municipality_id: int):
    buildings = _frame(
        "SELECT id, holding_number, population_male, population_female, population_other,"
        " ST_AsBinary(geom) AS wkb FROM spatial_building"
        " WHERE municipality_id = %s AND retired_at IS NULL",
        [municipality_id],
    )
    containments = _frame(
        "SELECT id, containment_type, ST_AsBinary(geom) AS wkb FROM containment_containment"
        " WHERE municipality_id = %s AND retired_at IS NULL",
        [municipality_id],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT building_id, coalesce(people_male, 0) + coalesce(people_female, 0)"
            " + coalesce(people_other, 0) FROM containment_household WHERE municipality_id = %s",
            [municipality_id],
        )
        households = cursor.fetchall()
    return buildings, containments, households


def geopandas_summary(buildings, containments, households, square) -> dict:
    shape = shapely.from_wkb(bytes(square.wkb))
    inside = buildings[buildings.intersects(shape)]
    ids = set(inside["id"])
    members = [people for building, people in households if building in ids]
    tanks = containments[containments.intersects(shape)]
    return {
        "buildings": len(inside),
        "holdings": inside["holding_number"].replace("", None).nunique(),
        "male": int(inside["population_male"].fillna(0).sum()),
        "female": int(inside["population_female"].fillna(0).sum()),
        "households": len(members),
        "members": sum(members),
        "containments": len(tanks),
        "types": tanks["containment_type"].value_counts().to_dict(),
    }


def main() -> None:
    municipality = bench_town()
    client = officer_client(municipality)
    ward_id, ward_buildings = densest_ward(municipality)
    square = square_in(ward_id)
    body = {"municipality": municipality.code, "geometry": square.json}

    def project():
        response = client.post(
            "/api/v1/analysis/area-summary/", body, content_type="application/json"
        )
        if response.status_code != 200:
            raise RuntimeError(f"answered {response.status_code}: {response.content[:300]}")
        return response.json()

    period = selectors.Period(selectors.default_year())
    params = {
        **classification_params(municipality),
        "municipality": municipality.pk,
        "start": period.start,
        "end": period.end,
        "end_of_day": period.end_of_day,
        "wards": None,
        "area": bytes(square.ewkb),
    }

    def raw():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(areas.PLANNING)
            cursor.execute(AREA_CONTAINMENTS_SQL, params)
            params["containment_ids"] = [row[0] for row in cursor.fetchall()]
            cursor.execute(ward_figures_sql(IN_AREA), params)
            rows = cursor.fetchall()
            cursor.execute(areas.EXTRA_SQL, params)
            return rows, cursor.fetchone()

    project()
    project_s, found = best_of(project)
    raw_s, _ = best_of(raw)
    start = time.perf_counter()
    loaded = geopandas_load(municipality.pk)
    load_s = time.perf_counter() - start
    summary_s, pandas = best_of(lambda: geopandas_summary(*loaded, square))
    agree = (pandas["buildings"], pandas["holdings"], pandas["containments"]) == (
        found["buildings"],
        found["holdings"],
        found["containments"],
    )
    print(
        f"municipality {municipality.code}; densest ward {ward_id} ({ward_buildings} "
        f"buildings); 1 km² square: {found['buildings']} buildings, {found['households']} "
        f"households, {found['containments']} containments"
        f"{'' if agree else f' (GeoPandas: {pandas} DIFFERS)'}"
    )
    print(f"area summary, project POST              {project_s * 1000:7.0f} ms")
    print(f"area summary, raw statements            {raw_s * 1000:7.0f} ms")
    print(f"area summary, GeoPandas load from PostGIS {load_s * 1000:5.0f} ms")
    print(f"area summary, GeoPandas select and sum  {summary_s * 1000:7.0f} ms")
    print(
        f"ratio {project_s / raw_s:.2f}x raw; GeoPandas load + summary "
        f"{(load_s + summary_s) / project_s:.1f}x the project; target < 150 ms: "
        f"{'met' if project_s < 0.15 else 'NOT met'}"
    )

    def water_project():
        response = client.get(f"/api/v1/analysis/near-water/?municipality={municipality.code}")
        if response.status_code != 200:
            raise RuntimeError(f"answered {response.status_code}")
        return response.json()["containments_near_water"]

    distance, _ = near_water.default_distance(municipality)
    water_params = {
        "m": municipality.pk,
        "distance": distance,
        "degrees": distance / near_water.METRES_PER_DEGREE_AT_LEAST,
        "wards": None,
    }

    def water_raw():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(near_water.PAIRS_SQL, water_params)
            cursor.execute(near_water.SUMMARY_SQL, water_params | {"limit": 1000})
            return cursor.fetchone()

    water_project()
    water_s, near = best_of(water_project)
    water_raw_s, _ = best_of(water_raw)
    print(f"near water ({distance:g} m): {near} containments")
    print(f"near water, project GET                 {water_s * 1000:7.0f} ms")
    print(f"near water, raw statement               {water_raw_s * 1000:7.0f} ms")
    print(
        f"ratio {water_s / water_raw_s:.2f}x raw; target < 3 s: "
        f"{'met' if water_s < 3 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
