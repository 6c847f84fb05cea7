"""What a client asks of a register's features, parsed once for every surface that serves
them: the REST list, the OGC API's items and item. A parameter means the same everywhere
(bbox, ward, limit, offset; crs, bbox-crs and datetime where the OGC API offers them, the
municipality where the REST API does), an unknown one or a bad value is a 400 naming it, and
the paging links are written one way. The query itself is built by
`selectors.layer_query`, the one place that applies the user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions

from core.features import CRS84, Layer, OutputCrs
from core.pagination import MAX_OFFSET

from .parameters import parse_bbox, parse_crs, parse_datetime_interval, parse_int

GEOJSON = "application/geo+json"

# What each surface accepts besides the layer's named filters. `format` and `f` choose the
# rendering (DRF's format suffix, OGC's f=json).
REST_LIST = frozenset({"bbox", "ward", "municipality", "limit", "offset", "format"})
OGC_ITEMS = frozenset({"f", "bbox", "bbox-crs", "crs", "datetime", "limit", "offset", "ward"})
OGC_ITEM = frozenset({"f", "crs"})


@dataclass(frozen=True)
class FeatureRead:
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: OutputCrs = CRS84
    crs: OutputCrs = CRS84
    ward_id: int | None = None
    municipality: str | None = None
    datetime: tuple[dt.datetime | None, dt.datetime | None] | None = None
    limit: int = 0
    offset: int = 0
    extra: dict[str, str] = field(default_factory=dict)


def _refuse(parameter: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({parameter: [message]})


def _one(parameter: str, parse, *args):
    """A parser of core.parameters, its error named by the parameter."""
    try:
        return parse(*args)
    except exceptions.ValidationError as error:
        detail = error.detail if isinstance(error.detail, list) else [error.detail]
        raise exceptions.ValidationError({parameter: [str(d) for d in detail]}) from None


def parse_read(params: Mapping[str, str], layer: Layer, accepted: frozenset[str]) -> FeatureRead:
    """The read `params` ask for, or a 400 naming each parameter that is not understood."""
    unknown = sorted(set(params) - accepted - set(layer.extra_filters))
    if unknown:
        raise exceptions.ValidationError(
            {name: [_("Unknown parameter %(name)s.") % {"name": name}] for name in unknown}
        )
    for key, allowed in layer.filter_choices.items():
        if key in params and params[key] not in allowed:
            raise _refuse(
                key,
                _("%(parameter)s must be one of %(values)s.")
                % {"parameter": key, "values": ", ".join(allowed)},
            )
    crs = _one("crs", parse_crs, params.get("crs"), "crs")
    bbox_crs = _one("bbox-crs", parse_crs, params.get("bbox-crs"), "bbox-crs")
    bbox = _one("bbox", parse_bbox, params["bbox"], bbox_crs) if "bbox" in params else None
    # Larger limits are served at the most a page holds (clients such as QGIS ask for a lot),
    # with a `next` link.
    limit = _one(
        "limit",
        parse_int,
        params.get("limit"),
        "limit",
        settings.IMIS["DEFAULT_PAGE_SIZE"],
        1,
        MAX_OFFSET,
    )
    offset = _one("offset", parse_int, params.get("offset"), "offset", 0, 0, MAX_OFFSET)
    ward = _one("ward", parse_int, params.get("ward"), "ward", 0, 1, MAX_OFFSET) or None
    when = (
        _one("datetime", parse_datetime_interval, params["datetime"])
        if "datetime" in params
        else None
    )
    municipality = params.get("municipality")
    if municipality is not None and not municipality.replace("-", "").replace("_", "").isalnum():
        raise _refuse("municipality", _("A municipality code is letters, digits and hyphens."))
    return FeatureRead(
        bbox=bbox,
        bbox_crs=bbox_crs,
        crs=crs,
        ward_id=ward,
        municipality=municipality,
        datetime=when,
        limit=min(limit, settings.IMIS["MAX_PAGE_SIZE"]),
        offset=offset,
        extra={k: params[k] for k in layer.extra_filters if k in params},
    )


def page_links(
    request, matched: int, read: FeatureRead, *, base: str | None = None
) -> list[dict[str, str]]:
    """self, and next and prev when there are such pages, keeping the request's other
    parameters. `base`: the page's absolute URL without its query (the request's own)."""
    base = base or request.build_absolute_uri(request.path)
    query = {k: v for k, v in request.GET.items() if k not in ("offset", "limit")}

    def page(offset: int) -> str:
        return f"{base}?{urlencode({**query, 'offset': str(offset), 'limit': str(read.limit)})}"

    links = [{"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()}]
    if read.offset + read.limit < matched:
        links.append({"rel": "next", "type": GEOJSON, "href": page(read.offset + read.limit)})
    if read.offset > 0:
        links.append(
            {"rel": "prev", "type": GEOJSON, "href": page(max(0, read.offset - read.limit))}
        )
    return links
