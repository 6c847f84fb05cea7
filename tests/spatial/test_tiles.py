"""Vector tiles: decoded with GDAL's MVT driver, ETags, scoping, TileJSON."""

import math
import subprocess

import pytest

from ..factories import BuildingFactory, square, tile_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def gis_client(client, gis_officer):
    """Tiles are plain Django views: a logged-in session, as the map page has."""
    client.force_login(gis_officer)
    return client


def tile_centre(z: int, x: int, y: int) -> tuple[float, float]:
    n = 2**z
    lon = (x + 0.5) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / n))))
    return lon, lat


def decode(content: bytes, z: int, x: int, y: int, tmp_path, layer: str) -> str:
    folder = tmp_path / str(z) / str(x)
    folder.mkdir(parents=True)
    (folder / f"{y}.pbf").write_bytes(content)
    return subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", str(folder / f"{y}.pbf"), layer],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def test_building_tile_decodes_with_gdal(gis_client, town, other_town, tmp_path):
    z = 17
    x, y = tile_of(90.8103, 22.9302, z)
    lon, lat = tile_centre(z, x, y)  # well inside the tile
    mine = [
        BuildingFactory(
            municipality=town.municipality, geom=square(lon - 0.0004 + k * 0.0003, lat, 10)
        )
        for k in range(3)
    ]
    # Another municipality's building in the same tile must not show.
    BuildingFactory(municipality=other_town.municipality, geom=square(lon, lat + 0.0003))
    response = gis_client.get(f"/tiles/buildings/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    decoded = decode(response.content, z, x, y, tmp_path, "buildings")
    assert decoded.count("OGRFeature(buildings)") == 3
    for building in mine:
        assert f"bin (String) = {building.bin}" in decoded


def test_etag_and_not_modified(gis_client, town):
    BuildingFactory(municipality=town.municipality, geom=square(90.8101, 22.9301))
    x, y = tile_of(90.8102, 22.9302, 16)
    first = gis_client.get(f"/tiles/buildings/16/{x}/{y}.mvt")
    again = gis_client.get(f"/tiles/buildings/16/{x}/{y}.mvt", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert first["Cache-Control"].startswith("private")


def test_access_zoom_and_bounds(gis_client, town):
    from django.test import Client

    client = Client()
    x, y = tile_of(90.83, 22.94, 16)
    assert client.get(f"/tiles/buildings/16/{x}/{y}.mvt").status_code == 401
    public = client.get(f"/tiles/wards/16/{x}/{y}.mvt")
    assert public.status_code == 200
    assert public["Cache-Control"].startswith("public")
    assert len(public.content) > 0
    low = gis_client.get(f"/tiles/buildings/10/{x >> 6}/{y >> 6}.mvt")
    assert (low.status_code, low.content) == (200, b"")
    assert gis_client.get("/tiles/buildings/3/99/1.mvt").status_code == 404
    assert gis_client.get("/tiles/castles/3/1/1.mvt").status_code == 404


def test_tilejson(gis_client, town, client):
    body = gis_client.get("/tiles/roads.json").json()
    assert body["tiles"][0].endswith("/tiles/roads/{z}/{x}/{y}.mvt")
    assert body["vector_layers"][0]["id"] == "roads"
    # The bounds are the municipality's, so a client opens the layer where the data is.
    west, south, east, north = town.municipality.boundary.extent
    assert body["bounds"] == pytest.approx([west, south, east, north], abs=1e-6)
    public = client.get("/tiles/wards.json").json()  # wards are public
    assert public["bounds"] == pytest.approx([west, south, east, north], abs=1e-6)


@pytest.mark.django_db(transaction=True)
def test_qgis_renders_the_tiles_as_a_vector_tile_layer(live_server, town):
    """QGIS itself (python3-qgis) adds /tiles/wards as a vector tile layer and draws it: the
    wards' outlines are painted; an area with no ward paints nothing."""
    import json
    import os
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "clients" / "qgis_vector_tile.py"

    def render(west, south, east, north) -> dict:
        result = subprocess.run(
            [
                "/usr/bin/python3",
                str(script),
                f"{live_server.url}/tiles/wards/{{z}}/{{x}}/{{y}}.mvt",
                *(str(v) for v in (west, south, east, north)),
                "14",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""},
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    town_view = render(90.79, 22.91, 90.87, 22.98)
    assert town_view["valid"]
    assert town_view["painted"] > 50
    assert render(91.5, 23.5, 91.58, 23.57)["painted"] == 0
