"""What a client asks of a register's features, parsed once for every surface that serves
them: the REST list, the OGC API's items and item. A parameter means the same everywhere
(bbox, ward, limit, offset; crs, bbox-crs and datetime where the OGC API offers them, the
municipality where the REST API does), an unknown one or a bad value is a 400 naming it, and
the paging links are written one way. The query itself is built by `layer_query`, the one
place that applies the user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions

from . import registry
from .attributes import Condition, parse_ids, parse_sort, parse_where
from .features import CRS84, Layer, LayerQuery, OutputCrs, PageEnd
from .local import latin_digits
from .pagination import MAX_OFFSET
from .parameters import parse_bbox, parse_crs, parse_datetime_interval, parse_int
from .scope import (
    holds_role_anywhere,
    municipalities_visible,
    municipality_model,
    user_scope,
    ward_model,
    wards_visible,
)

GEOJSON = "application/geo+json"

# What each surface accepts besides the layer's named filters. `format` and `f` choose the
# rendering (DRF's format suffix, OGC's f=json).
REST_LIST = frozenset(
    {
        "bbox",
        "ward",
        "municipality",
        "limit",
        "offset",
        "after",
        "format",
        "area",
        "sort",
        "where",
        "ids",
    }
)
OGC_ITEMS = frozenset(
    {"f", "bbox", "bbox-crs", "crs", "datetime", "limit", "offset", "after", "ward"}
)
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
    sort: tuple[str, bool] | None = None
    conditions: tuple[Condition, ...] = ()
    ids: tuple[int, ...] | None = None
    # The id a `next` link continues after (keyset paging, core.features.LayerQuery.keyset).
    after: int | None = None


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
    after = (
        _one("after", parse_int, params["after"], "after", 0, 0, MAX_OFFSET)
        if "after" in params
        else None
    )
    ward = _one("ward", parse_int, params.get("ward"), "ward", 0, 1, MAX_OFFSET) or None
    when = (
        _one("datetime", parse_datetime_interval, params["datetime"])
        if "datetime" in params
        else None
    )
    municipality = params.get("municipality")
    table = {}
    if "sort" in accepted:
        wheres = params.getlist("where") if hasattr(params, "getlist") else params.get("where")
        table = {
            "sort": parse_sort(params.get("sort"), layer),
            "conditions": parse_where(
                [wheres] if isinstance(wheres, str) else list(wheres or ()), layer
            ),
            "ids": parse_ids(params.get("ids")),
        }
    if after is not None:
        if layer.order_by != "t.id" or table.get("sort") is not None:
            raise _refuse(
                "after",
                _("after continues a read in id order; this one has another order: use offset."),
            )
        if offset:
            raise _refuse("after", _("after and offset cannot be combined."))
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
        # Bangla digits match the Latin ones the registers hold.
        extra={k: latin_digits(params[k]) for k in layer.extra_filters if k in params},
        after=after,
        **table,
    )


def page_links(
    request, read: FeatureRead, query: LayerQuery, layer: Layer, *, base: str | None = None
) -> Callable[[PageEnd], list[dict[str, str]]]:
    """The page's links once its features are sent (core.features.stream_feature_collection):
    self, next when more features follow, and prev on an offset page, keeping the request's
    other parameters. A layer read in id order pages by keyset: `next` carries `after`, the
    last id sent, so every page costs the same however deep it is. `base`: the page's
    absolute URL without its query (the request's own)."""
    base = base or request.build_absolute_uri(request.path)
    # Every value of a repeated parameter (`where`) stays in the links.
    query_string = {k: v for k, v in request.GET.lists() if k not in ("offset", "limit", "after")}
    keyset = query.keyset(layer)

    def page(**paging: int) -> str:
        values = {name: [str(value)] for name, value in paging.items()}
        values["limit"] = [str(read.limit)]
        return f"{base}?{urlencode({**query_string, **values}, doseq=True)}"

    def links(end: PageEnd) -> list[dict[str, str]]:
        written = [{"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()}]
        if end.more:
            href = page(after=end.last_id) if keyset else page(offset=read.offset + read.limit)
            written.append({"rel": "next", "type": GEOJSON, "href": href})
        if read.offset > 0:
            previous = page(offset=max(0, read.offset - read.limit))
            written.append({"rel": "prev", "type": GEOJSON, "href": previous})
        return written

    return links


def readable(name: str, user: Any) -> bool:
    """Whether `user` holds a role that reads the register `name` somewhere (every
    register without declared readers is readable)."""
    roles = registry.readers(name)
    return roles is None or holds_role_anywhere(user=user, roles=roles)


def layer_query(
    *,
    user: Any,
    read: FeatureRead | None = None,
    public: bool = False,
    area_wkb: bytes | None = None,
    feature_id: int | None = None,
    limit: int | None = None,
    crs: OutputCrs | None = None,
    roles: Iterable[str] | None = None,
) -> LayerQuery:
    """The one constructor of a layer read for `user`: what the client asked (`read`,
    core.reads), within what the user may see: the municipalities wholly visible and the
    wards visible in the others (a public layer is read whole); with `roles` (a register's
    readers, core.registry.readers) only where the user holds one of them. A ward or
    municipality the user does not see is a 400, as one that does not exist."""
    read = read or FeatureRead()
    scope = user_scope(user, roles)
    ids = None if scope.everything or public else sorted(scope.municipality_ids)
    ward_ids = () if public else scope.limited_ward_ids
    if read.municipality is not None:
        municipalities = (
            municipality_model().objects.all() if public else municipalities_visible(user)
        )
        try:
            municipality = municipalities.get(code=read.municipality)
        except municipality_model().DoesNotExist:
            raise ValidationError(
                {
                    "municipality": [
                        _("Unknown municipality %(code)s.") % {"code": read.municipality}
                    ]
                }
            ) from None
        if public or scope.whole(municipality.pk):
            ids, ward_ids = [municipality.pk], []
        else:
            ids = []
            ward_ids = list(
                ward_model()
                .objects.filter(pk__in=ward_ids, municipality=municipality)
                .values_list("pk", flat=True)
            )
    if read.ward_id is not None:
        wards = ward_model().objects.all()
        if not public:
            wards = wards_visible(user) if roles is None else scope.filter(wards, ward="id")
        if not wards.filter(pk=read.ward_id).exists():
            raise ValidationError({"ward": [_("Unknown ward %(ward)s.") % {"ward": read.ward_id}]})
    return LayerQuery(
        municipality_ids=ids,
        scope_ward_ids=ward_ids,
        bbox=read.bbox,
        bbox_crs=read.bbox_crs,
        crs=crs or read.crs,
        ward_id=read.ward_id,
        datetime=read.datetime,
        area_wkb=area_wkb,
        feature_id=feature_id,
        limit=limit if limit is not None else read.limit,
        offset=read.offset,
        extra=read.extra,
        sort=read.sort,
        conditions=read.conditions,
        ids=read.ids,
        after=read.after,
    )
