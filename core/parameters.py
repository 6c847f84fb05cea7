"""The OGC API's query parameters: crs and bbox-crs, bbox, datetime (instants and
intervals, open or closed), limit and offset, each refused with the OGC error when invalid."""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions

from core.features import (
    CRS84,
    SUPPORTED_CRS,
)


def parse_crs(value: str | None, parameter: str):
    if value is None:
        return CRS84
    crs = SUPPORTED_CRS.get(value.strip("<>"))
    if crs is None:
        raise exceptions.ValidationError(
            _("%(parameter)s must be one of %(supported)s.")
            % {"parameter": parameter, "supported": ", ".join(SUPPORTED_CRS)}
        )
    return crs


def parse_bbox(value: str, crs) -> tuple[float, float, float, float]:
    """Four numbers, or six with heights (ignored: the registers are 2D). In CRS84 or
    EPSG:4326 a lower longitude greater than the upper one crosses the antimeridian."""
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise exceptions.ValidationError(_("bbox must be four (or six) finite numbers."))
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    x0, y0, x1, y1 = numbers
    if crs.srid == 4326:
        lon0, lat0, lon1, lat1 = (y0, x0, y1, x1) if crs.lat_lon else (x0, y0, x1, y1)
        if not (
            -180 <= lon0 <= 180 and -180 <= lon1 <= 180 and -90 <= lat0 <= 90 and -90 <= lat1 <= 90
        ):
            raise exceptions.ValidationError(_("bbox lies outside the CRS's range."))
        if lat0 >= lat1 or lon0 == lon1:
            raise exceptions.ValidationError(_("bbox minimum must be less than its maximum."))
    elif x0 >= x1 or y0 >= y1:
        raise exceptions.ValidationError(_("bbox minimum must be less than its maximum."))
    return x0, y0, x1, y1


def parse_instant(text: str, end: bool) -> dt.datetime | None:
    """One end of a `datetime` value: an RFC 3339 date-time, or a date, month or year (the
    municipality's local calendar), as the start of that period or, for an `end`, the start
    of the next one. ".." or "" is open."""
    if text in ("", ".."):
        return None
    if "T" in text.upper():
        moment = parse_datetime(text.replace("t", "T").replace("z", "Z"))
        if moment is None or moment.tzinfo is None:
            raise ValueError(text)
        return moment
    parts = text.split("-")
    if not all(p.isdigit() for p in parts) or [len(p) for p in parts] not in (
        [4],
        [4, 2],
        [4, 2, 2],
    ):
        raise ValueError(text)
    year, month, day = (int(p) for p in [*parts, "1", "1"][:3])
    start = dt.date(year, month, day)
    if end:
        if len(parts) == 3:
            start += dt.timedelta(days=1)
        elif len(parts) == 2:
            start = dt.date(year + month // 12, month % 12 + 1, 1)
        else:
            start = dt.date(year + 1, 1, 1)
    return timezone.make_aware(dt.datetime.combine(start, dt.time()))


def parse_datetime_interval(value: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """OGC API's `datetime`: an instant or an interval "start/end" with ".." for an open
    end. A date, month or year stands for the whole period."""
    try:
        if "/" in value:
            first, _slash, last = value.partition("/")
            if "/" in last or (first in ("", "..") and last in ("", "..")):
                raise ValueError(value)
            start, end = parse_instant(first, end=False), parse_instant(last, end=True)
            if start is not None and end is not None and start >= end:
                raise ValueError(value)
            return start, end
        start = parse_instant(value, end=False)
        if "T" in value.upper():
            return start, start
        return start, parse_instant(value, end=True)
    except (ValueError, OverflowError):
        raise exceptions.ValidationError(
            _(
                "datetime must be an RFC 3339 date-time or date (or a year or month), or an "
                "interval of two such with '/', either end open as '..'."
            )
        ) from None


def parse_int(value: str | None, parameter: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise exceptions.ValidationError(
            _("%(parameter)s must be a whole number from %(low)s to %(high)s.")
            % {"parameter": parameter, "low": low, "high": high}
        )
    return int(value)
