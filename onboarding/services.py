"""A town moves in (issue 35): the municipality created from its official boundary file,
in whatever CRS the file says, with the default compliance rule set; its registers are
then loaded through the import framework (with the town's names for its columns)."""

from __future__ import annotations

from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from containment.services import rule_set_ensure
from core import io
from spatial import services as spatial_services
from spatial.models import Municipality

# Bangladesh with a margin (lon, lat): a boundary outside it was read in the wrong CRS.
BANGLADESH = shapely.box(87.9, 20.5, 92.8, 26.7)


def boundary_from_file(upload: UploadedFile) -> GEOSGeometry:
    """The municipality's boundary from an uploaded GeoJSON, GeoPackage or zipped
    Shapefile (all its polygons together), in EPSG:4326. ValidationError on `boundary`
    saying what is wrong."""
    try:
        read = io.read_uploaded(upload, limits=io.UploadLimits(max_features=500))
    except io.UploadError as error:
        raise ValidationError({"boundary": [str(error)]}) from None
    shapes = [g for g in read.geometries if g is not None]
    if not shapes or any(g.geom_type not in ("Polygon", "MultiPolygon") for g in shapes):
        raise ValidationError({"boundary": [_("The file must hold the boundary as polygons.")]})
    for shape in shapes:
        if not shapely.is_valid(shape):
            raise ValidationError(
                {"boundary": [_("The boundary is not a valid polygon: %(reason)s.")
                              % {"reason": shapely.is_valid_reason(shape)}]}
            )  # fmt: skip
    whole = shapely.union_all(shapes)
    if not BANGLADESH.contains(whole):
        raise ValidationError(
            {"boundary": [_("The boundary lies outside Bangladesh: check the file's CRS "
                            "(it says %(crs)s).") % {"crs": read.source_crs}]}
        )  # fmt: skip
    return GEOSGeometry(whole.wkt, srid=4326)


@transaction.atomic
def municipality_onboard(
    *, code: str, name: str, name_bn: str, boundary: UploadedFile
) -> Municipality:
    """A new municipality from its boundary file, with the default compliance rules."""
    if Municipality.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("A municipality has this code already.")]})
    municipality = spatial_services.municipality_create(
        code=code, name=name.strip(), name_bn=name_bn.strip(), boundary=boundary_from_file(boundary)
    )
    rule_set_ensure(municipality=municipality)
    return municipality


def may_onboard(user: Any) -> bool:
    """Creating a municipality is the system administrator's."""
    return bool(user.is_authenticated and user.is_superuser)
