import json

import pytest
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError

from spatial.geometry import check_within_municipality, parse_geojson_geometry

from ..factories import square

POLYGON = ("Polygon",)


def message(exc_info) -> str:
    return " ".join(exc_info.value.message_dict["geometry"])


def ring(*points):
    return {"type": "Polygon", "coordinates": [[list(p) for p in points]]}


def test_parses_a_valid_polygon():
    geom = parse_geojson_geometry(
        ring((90.81, 22.93), (90.811, 22.93), (90.811, 22.931), (90.81, 22.93)),
        allowed_types=POLYGON,
    )
    assert geom.srid == 4326
    assert geom.geom_type == "Polygon"


def test_self_intersection_is_refused_with_its_location():
    bowtie = ring((90.81, 22.93), (90.82, 22.94), (90.82, 22.93), (90.81, 22.94), (90.81, 22.93))
    with pytest.raises(ValidationError) as exc_info:
        parse_geojson_geometry(bowtie, allowed_types=POLYGON)
    text = message(exc_info)
    assert "Self-intersection" in text
    assert "90.815" in text
    assert "22.935" in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"type": "Point", "coordinates": [90.8, 22.9]}, "Expected a geometry of type Polygon"),
        ("not json", "not valid JSON"),
        ([1, 2], "GeoJSON geometry object"),
        ({"type": "Polygon"}, "no coordinates"),
        (ring((90.81, 22.93, 5), (90.82, 22.93, 5), (90.82, 22.94, 5), (90.81, 22.93, 5)), "3D"),
        (ring((90.81, "22.93"), (90.82, 22.93), (90.82, 22.94), (90.81, 22.93)), "numbers"),
        (ring((90.81, True), (90.82, 22.93), (90.82, 22.94), (90.81, 22.93)), "numbers"),
        (ring((90.81, float("nan")), (90.82, 22.93), (90.82, 22.94), (90.81, 22.93)), "finite"),
        (ring((90.81, float("inf")), (90.82, 22.93), (90.82, 22.94), (90.81, 22.93)), "finite"),
        (
            ring((500000, 2540000), (500100, 2540000), (500100, 2540100), (500000, 2540000)),
            "projected",
        ),
        (ring((90.81, 22.93), (90.82, 22.93), (90.82, 22.94)), "at least 4 positions"),
        (ring((90.81, 22.93), (90.82, 22.93), (90.82, 22.94), (90.81, 22.95)), "end where it"),
        ({"type": "Polygon", "coordinates": [[[[90.8, 22.9]]]]}, "A position must be"),
        ({"type": "Polygon", "coordinates": [90.8, 22.9]}, "nested arrays"),
    ],
)
def test_malformed_geometry_is_refused_with_a_reason(value, expected):
    with pytest.raises(ValidationError) as exc_info:
        parse_geojson_geometry(value, allowed_types=POLYGON)
    assert expected in message(exc_info)


def test_a_crs_other_than_wgs84_is_refused():
    value = ring((90.81, 22.93), (90.811, 22.93), (90.811, 22.931), (90.81, 22.93))
    value["crs"] = {"type": "name", "properties": {"name": "EPSG:3106"}}
    with pytest.raises(ValidationError) as exc_info:
        parse_geojson_geometry(value, allowed_types=POLYGON)
    assert "EPSG:3106" in message(exc_info)


def test_too_many_vertices_are_refused(settings):
    settings.IMIS = {**settings.IMIS, "MAX_VERTICES": 100}
    points = [[90.81 + i * 1e-6, 22.93 + (i % 2) * 1e-6] for i in range(150)]
    points.append(points[0])
    with pytest.raises(ValidationError) as exc_info:
        parse_geojson_geometry({"type": "Polygon", "coordinates": [points]}, allowed_types=POLYGON)
    assert "more than 100 vertices" in message(exc_info)


def test_deeply_nested_input_is_refused_without_recursion():
    nested: list = [90.8, 22.9]
    for _ in range(50_000):
        nested = [nested]
    with pytest.raises(ValidationError):
        parse_geojson_geometry({"type": "Polygon", "coordinates": nested}, allowed_types=POLYGON)


def test_geometry_accepted_as_json_text():
    value = json.dumps(ring((90.81, 22.93), (90.811, 22.93), (90.811, 22.931), (90.81, 22.93)))
    assert parse_geojson_geometry(value, allowed_types=POLYGON).valid


@pytest.mark.django_db
def test_inside_the_municipality_passes(town):
    check_within_municipality(square(90.81, 22.93), town.municipality)


@pytest.mark.django_db
def test_within_the_boundary_margin_passes(town, settings):
    # 100 m east of the eastern boundary, margin 500 m.
    check_within_municipality(square(90.861, 22.93), town.municipality)


def test_swapped_axes_with_latitude_beyond_90_are_reported_as_swapped():
    # [latitude, longitude] for a point in Lakshmipur: 90.81 is no latitude.
    with pytest.raises(ValidationError) as exc_info:
        parse_geojson_geometry(
            {"type": "Point", "coordinates": [22.93, 90.81]}, allowed_types=("Point",)
        )
    assert "swapped" in message(exc_info)


@pytest.mark.django_db
def test_swapped_axes_west_of_90_degrees_are_reported_by_the_municipality_check(db):
    # In western Bangladesh both orders are valid lon/lat: only the municipality tells.
    from ..conftest import make_town

    town = make_town(offset=-1.9)  # around 88.9-88.96 E
    swapped = Polygon.from_bbox((22.93, 88.91, 22.9301, 88.9101))
    swapped.srid = 4326
    with pytest.raises(ValidationError) as exc_info:
        check_within_municipality(swapped, town.municipality)
    assert "swapped" in message(exc_info)


@pytest.mark.django_db
def test_outside_the_municipality_is_refused_with_the_distance(town):
    with pytest.raises(ValidationError) as exc_info:
        check_within_municipality(square(90.90, 22.93), town.municipality)
    text = message(exc_info)
    assert "outside" in text
    assert town.municipality.name in text
