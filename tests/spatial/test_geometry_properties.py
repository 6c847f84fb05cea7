"""Property-based tests (hypothesis) of geometry validation: whatever a client sends, the
parser either returns a valid 2D EPSG:4326 geometry that matches the input, or refuses it
with a ValidationError on the field; it never raises anything else and never accepts an
invalid shape."""

import json
import math

import pytest
import shapely
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spatial.geometry import parse_geojson_geometry

PROFILE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

anything = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=30,
)
lon = st.floats(min_value=90.70, max_value=90.95, allow_nan=False)
lat = st.floats(min_value=22.85, max_value=23.05, allow_nan=False)
number = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6)


def _parse(value, types=("Polygon", "MultiPolygon", "Point", "LineString")):
    return parse_geojson_geometry(value, allowed_types=types, field="geometry")


def _accepted_or_refused(value, types=("Polygon", "MultiPolygon", "Point", "LineString")):
    try:
        geometry = _parse(value, types)
    except ValidationError as error:
        assert "geometry" in error.message_dict  # noqa: PT017 (refusal is one of two outcomes)
        return None
    assert geometry.valid, geometry.valid_reason
    assert geometry.srid == 4326
    assert not geometry.hasz
    return geometry


@PROFILE
@given(anything)
def test_arbitrary_json_is_accepted_only_as_a_valid_geometry(value):
    _accepted_or_refused(value)


@PROFILE
@given(
    st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "GeometryCollection"]),
    st.recursive(st.lists(number, min_size=0, max_size=4), lambda c: st.lists(c, max_size=6)),
)
def test_any_coordinates_under_any_type(geom_type, coordinates):
    _accepted_or_refused({"type": geom_type, "coordinates": coordinates})


@PROFILE
@given(st.lists(st.tuples(lon, lat), min_size=3, max_size=12))
def test_rings_are_accepted_exactly_when_they_are_valid(points):
    ring = [list(p) for p in points] + [list(points[0])]
    value = {"type": "Polygon", "coordinates": [ring]}
    geometry = _accepted_or_refused(value, ("Polygon",))
    expected = shapely.Polygon(ring)
    if geometry is None:
        assert not expected.is_valid or expected.area == 0
    else:
        assert expected.is_valid
        assert shapely.from_wkb(bytes(geometry.wkb)).equals(expected)


@PROFILE
@given(lon, lat, st.floats(min_value=1e-5, max_value=0.01))
def test_valid_squares_round_trip(x, y, size):
    square = shapely.box(x, y, x + size, y + size)
    geometry = _parse(json.dumps(shapely.geometry.mapping(square)), ("Polygon",))
    assert shapely.from_wkb(bytes(geometry.wkb)).equals(square)


@PROFILE
@given(lon, lat, st.sampled_from([math.nan, math.inf, -math.inf]), st.booleans())
def test_non_finite_coordinates_are_refused(x, y, bad, bad_first):
    position = [bad, y] if bad_first else [x, bad]
    with pytest.raises(ValidationError, match="finite"):
        _parse({"type": "Point", "coordinates": position}, ("Point",))


@PROFILE
@given(lon, lat)
def test_swapped_axes_are_named(x, y):
    assume(abs(x) > 90)
    with pytest.raises(ValidationError, match="swapped"):
        _parse({"type": "Point", "coordinates": [y, x]}, ("Point",))
