"""A municipality's own imagery as a basemap: the URL it may hold, and the page's
Content-Security-Policy letting its images in on the pages that offer it."""

import pytest
from django.core.exceptions import ValidationError

from spatial.models.geography import validate_tile_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://imagery.example.org/{z}/{x}/{y}.png",  # not https
        "https://imagery.example.org/tiles.png",  # no {z}/{x}/{y}
        "javascript:alert(1)//{z}{x}{y}",
        "//imagery.example.org/{z}/{x}/{y}.png",
    ],
)
def test_a_tile_url_must_be_https_with_z_x_y(url):
    with pytest.raises(ValidationError):
        validate_tile_url(url)


def test_the_map_lets_the_municipalitys_imagery_in(client, town, gis_officer):
    validate_tile_url("https://imagery.example.org/town/{z}/{x}/{y}.png")
    town.municipality.imagery_url = "https://imagery.example.org/town/{z}/{x}/{y}.png"
    town.municipality.save()
    client.force_login(gis_officer)
    policy = client.get("/map/")["Content-Security-Policy"]
    images = next(part for part in policy.split("; ") if part.startswith("img-src"))
    assert "https://imagery.example.org" in images.split()
    assert (
        "https://imagery.example.org/town/{z}/{x}/{y}.png" in client.get("/map/").content.decode()
    )
    # Other pages do not widen their policy.
    other = client.get("/quality/")["Content-Security-Policy"]
    assert "imagery.example.org" not in other
