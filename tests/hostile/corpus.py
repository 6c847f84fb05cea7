"""The hostile-input corpus: requests an attacker, a broken field app or a careless script
might send. Every one must get a 4xx with a message, never a 500, and store nothing.

Each case: (name, method, path template, body or None, headers). Templates name objects of
the test town: {building}, {ward}, {campaign}, {submission}.
"""

from __future__ import annotations

import json

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</td><svg onload=alert(1)>",
    "javascript:alert(1)",
    "<!--",
]
SQL = [
    "' OR '1'='1",
    "1; DROP TABLE spatial_building; --",
    "1) UNION SELECT password FROM auth_user --",
    "%27",
    "\\x00",
]


def _square(x=90.81, y=22.93, d=0.0001):
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def _feature(geometry=None, **properties):
    return {
        "type": "Feature",
        "geometry": geometry or {"type": "Polygon", "coordinates": _square()},
        "properties": properties,
    }


def _raw_ring(word: str) -> str:
    """A Feature whose ring starts at a non-number Python's json accepts (NaN, Infinity)."""
    ring = f"[[{word}, 22.93], [90.82, 22.93], [90.82, 22.94], [{word}, 22.93]]"
    geometry = '{"type": "Polygon", "coordinates": [' + ring + "]}"
    return '{"type": "Feature", "properties": {}, "geometry": ' + geometry + "}"


def _nested_collection(depth: int) -> str:
    """A Feature whose geometry is `depth` collections deep, as JSON text (too deep for
    json.dumps to write)."""
    head = '{"type": "GeometryCollection", "geometries": [' * depth
    tail = "]}" * depth
    point = '{"type": "Point", "coordinates": [90.81, 22.93]}'
    return '{"type": "Feature", "properties": {}, "geometry": ' + head + point + tail + "}"


def _million_vertices() -> dict:
    ring = [[90.81 + (i % 1000) * 1e-7, 22.93 + (i // 1000) * 1e-7] for i in range(1_000_000)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


BUILDINGS = "/api/v1/buildings/"
BUILDING = "/api/v1/buildings/{building}/"
SUBMISSIONS = "/api/v1/surveys/submissions/"
TOKEN = "/api/v1/auth/token/"


def cases() -> list[tuple]:
    out: list[tuple] = []
    # Malformed and mistyped bodies.
    out += [
        ("truncated JSON", "POST", BUILDINGS, '{"type": "Feature", "geometry": ', {}),
        ("JSON array body", "POST", BUILDINGS, "[1, 2, 3]", {}),
        ("JSON string body", "POST", BUILDINGS, '"feature"', {}),
        ("not JSON at all", "POST", BUILDINGS, "holding=1&floors=2", {}),
        ("wrong type: floors as text", "POST", BUILDINGS, _feature(floor_count="three"), {}),
        ("wrong type: floors negative", "POST", BUILDINGS, _feature(floor_count=-2), {}),
        ("wrong type: geometry as string", "POST", BUILDINGS, _feature(geometry="POLYGON"), {}),
        ("huge body", "POST", BUILDINGS, {"pad": "x" * 12_000_000}, {}),
    ]
    # Geometry bombs and bad coordinates.
    out += [
        ("a million vertices", "POST", BUILDINGS, _feature(_million_vertices()), {}),
        ("deeply nested collections", "POST", BUILDINGS, _nested_collection(5000), {}),
        (
            "NaN coordinate",
            "POST",
            BUILDINGS,
            _raw_ring("NaN"),
            {},
        ),
        (
            "infinite coordinate",
            "POST",
            BUILDINGS,
            _raw_ring("Infinity"),
            {},
        ),
        (
            "swapped axes",
            "POST",
            BUILDINGS,
            _feature({"type": "Polygon", "coordinates": [[[y, x] for x, y in _square()[0]]]}),
            {},
        ),
        (
            "self-intersecting",
            "POST",
            BUILDINGS,
            _feature(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [90.81, 22.93],
                            [90.82, 22.94],
                            [90.82, 22.93],
                            [90.81, 22.94],
                            [90.81, 22.93],
                        ]
                    ],
                }
            ),
            {},
        ),
        (
            "outside the municipality",
            "POST",
            BUILDINGS,
            _feature({"type": "Polygon", "coordinates": _square(91.9, 23.9)}),
            {},
        ),
        (
            "projected coordinates",
            "POST",
            BUILDINGS,
            _feature({"type": "Polygon", "coordinates": _square(500000.0, 2540000.0, 10.0)}),
            {},
        ),
        (
            "3D coordinates",
            "POST",
            BUILDINGS,
            _feature({"type": "Point", "coordinates": [90.81, 22.93, 5.0]}),
            {},
        ),
    ]
    # Mass assignment of fields the server owns.
    out += [
        ("mass assignment: BIN", "POST", BUILDINGS, _feature(bin="B999999"), {}),
        ("mass assignment: ward", "POST", BUILDINGS, _feature(ward=999), {}),
        ("mass assignment: id", "POST", BUILDINGS, _feature(id=1), {}),
        ("mass assignment: area", "POST", BUILDINGS, _feature(footprint_area_m2=1), {}),
        (
            "mass assignment: submission status",
            "POST",
            SUBMISSIONS,
            {"status": "approved", "reviewer": 1},
            {},
        ),
    ]
    # Markup in every free-text field of a building, and in a survey answer.
    for payload in XSS:
        out.append(
            (
                f"markup in holding number: {payload}",
                "POST",
                BUILDINGS,
                _feature(holding_number=payload),
                {},
            )
        )
        out.append(
            (
                f"markup in a survey answer: {payload}",
                "POST",
                SUBMISSIONS,
                {"answers": {"owner_name": payload}},
                {},
            )
        )
    # SQL metacharacters in every filter.
    for payload in SQL:
        for path in (
            "/api/v1/buildings/?ward={q}",
            "/api/v1/buildings/?bbox={q}",
            "/api/v1/buildings/?municipality={q}",
            "/api/v1/containments/?status={q}",
            "/api/v1/containments/?sfd_class={q}",
            "/api/v1/building-sanitation/?jmp_rung={q}",
            "/api/v1/emptying-requests/?status={q}",
            "/api/v1/dashboards/overview/?year={q}",
            "/api/v1/compliance/wards/?municipality={q}",
            "/ogc/collections/buildings/items?bbox={q}",
            "/ogc/collections/buildings/items?limit={q}",
            "/ogc/collections/buildings/items?crs={q}",
            "/ogc/collections/containments/items?status={q}",
            "/api/v1/exports/buildings/?export={q}",
        ):
            out.append(
                (
                    f"SQL in {path.split('?')[1]}: {payload}",
                    "GET",
                    path.replace("{q}", payload),
                    None,
                    {},
                )
            )
    # What reaches the database unless refused where it enters (every endpoint gets these
    # classes in test_surface.py): nesting past the parser, NUL, numbers past bigint.
    out += [
        ("token: JSON 2,000 deep", "POST", TOKEN, "[" * 2000 + "]" * 2000, {}),
        ("token: NUL username", "POST", TOKEN, {"username": "\u0000", "password": "x"}, {}),
        ("token: NUL in a key", "POST", TOKEN, {"user\u0000name": "x", "password": "x"}, {}),
        ("offset past bigint", "GET", "/api/v1/emptying-requests/?offset=" + "9" * 20, None, {}),
        ("limit past bigint", "GET", "/api/v1/buildings/?limit=" + "9" * 20, None, {}),
        ("NUL in a filter", "GET", "/api/v1/containments/?status=%00", None, {}),
        ("NUL in a token", "GET", BUILDINGS, None, {"HTTP_AUTHORIZATION": "Token a\x00b"}),
    ]
    # Bounding boxes that are not.
    for bbox in ("nan,0,1,1", "inf,-inf,1,1", "1,2,3", "-181,-91,181,91", "3,3,1,1"):
        out.append((f"bad bbox {bbox}", "GET", f"/api/v1/buildings/?bbox={bbox}", None, {}))
    # Edits without the version, with a stale version, or of the protected fields.
    out += [
        ("edit without If-Match", "PATCH", BUILDING, _feature(floor_count=3), {}),
        (
            "edit with a stale ETag",
            "PATCH",
            BUILDING,
            _feature(floor_count=3),
            {"HTTP_IF_MATCH": '"stale"'},
        ),
        (
            "move to another municipality",
            "PATCH",
            BUILDING,
            {"type": "Feature", "properties": {"municipality": "nowhere"}},
            {"HTTP_IF_MATCH": "*"},
        ),
    ]
    return out


def encode(body) -> str | None:
    if body is None or isinstance(body, str):
        return body
    return json.dumps(body)
