"""What an import reads: a register's import declaration (ImportSpec), the converters of
its columns, and the report a dry run gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import MARKUP

MAX_REPORTED = 1000
PROGRESS_STEP = 1000  # rows between progress reports
# Two geometries closer than this (degrees, per coordinate: about 2 cm) are the same shape:
# GeoJSON's 7 decimals and a metric export's centimetres, projected back, stay within it.
SHAPE_TOLERANCE = 2e-7
# Columns a GIS adds on its own (GeoPackage's feature id), not attributes.
GIS_COLUMNS = frozenset({"fid", "ogc_fid"})


@dataclass(frozen=True)
class Link:
    """A column that names another register's record by that register's own key (a water
    point's code, a building's BIN) and is written as the foreign key `field`: a GIS officer
    types what the field sheet says, never a database id. Resolved within the municipality,
    among records in service; a key that names none is a problem of its row."""

    field: str  # the foreign key written, e.g. "water_point"
    model: type  # the register it names
    key: str  # that register's key, e.g. "code" or "bin"
    # Only records with these attribute values may be named (a sewer connection's segment
    # must be a sewer), as (attribute, value) pairs.
    where: tuple[tuple[str, Any], ...] = ()

    @property
    def attname(self) -> str:
        return f"{self.field}_id"


@dataclass(frozen=True)
class ImportSpec:
    model: type
    geometry_types: tuple[str, ...]
    key: str  # the attribute that identifies a row in the register
    fields: dict[str, Any]  # attribute -> converter (raises ValueError with a message)
    key_required: bool = True  # buildings may come without a BIN (new ones)
    # Attributes every row must give (a blank cell is a problem, not a clearing).
    required: tuple[str, ...] = ()
    # Attributes that identify a row but are not written (the BIN the database assigns).
    key_only: tuple[str, ...] = ()
    # The export layer (spatial.layers.Layer, or a function returning one) whose columns an
    # import reads back: its Shapefile short names are the ones the export wrote.
    export_layer: Any = None
    # A register row that must exist for a non-blank key (False: an unknown key creates).
    key_must_exist: bool = False
    # Rows without a key match the record with the same shape (features from elsewhere).
    match_by_shape: bool = False
    # Columns (also in `fields`, with their converter) that name another register's record
    # by its key, written as a foreign key (Link).
    links: dict[str, Link] = field(default_factory=dict)

    def attribute(self, name: str) -> str:
        """The model attribute a column is written to (a link's foreign key id)."""
        link = self.links.get(name)
        return link.attname if link is not None else name

    def layer(self):
        return self.export_layer() if callable(self.export_layer) else self.export_layer

    @property
    def read_only(self) -> tuple[str, ...]:
        """Columns an export of the layer carries that the register derives or keeps itself
        (the export layer declares them): read back and compared, and an edit reported as
        ignored, never written."""
        layer = self.layer()
        return ("id", *(layer.read_only if layer is not None else ()))

    def layer_title(self) -> str:
        layer = self.layer()
        return str(layer.title) if layer is not None else str(self.model._meta.verbose_name_plural)


def as_text(limit: int):
    def convert(value):
        text = str(value).strip()
        if len(text) > limit:
            raise ValueError(_("longer than %(limit)s characters") % {"limit": limit})
        if MARKUP.search(text):
            raise ValueError(_("HTML or script is not accepted in text; send plain text."))
        return text

    convert.empty = ""  # a blank cell clears a text to ""
    return convert


def as_count(value):
    number = float(value)
    if not number.is_integer() or number < 0:
        raise ValueError(_("not a whole number"))
    return int(number)


def as_whole_number(low: int, high: int):
    """A whole number from `low` to `high`, as the register's own validators allow."""

    def convert(value) -> int:
        number = as_count(value)
        if not low <= number <= high:
            raise ValueError(_("must be from %(low)s to %(high)s") % {"low": low, "high": high})
        return number

    return convert


def as_past_year(value) -> int:
    """A year something was built or laid: from 1900 to this year."""
    year = as_count(value)
    if not 1900 <= year <= timezone.localdate().year:
        raise ValueError(
            _("must be a year from 1900 to %(year)s") % {"year": timezone.localdate().year}
        )
    return year


def as_time(value) -> dt.time:
    """A time of day as a GIS file or a spreadsheet carries it: HH:MM (or HH:MM:SS)."""
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(_("not a time of day (HH:MM)")) from None


def as_code(choices):
    codes = frozenset(choices.values)

    def convert(value):
        text = str(value).strip()
        if text not in codes:
            raise ValueError(
                _("unknown code %(value)s; expected one of %(codes)s")
                % {"value": text, "codes": ", ".join(choices.values)}
            )
        return text

    convert.empty = ""
    convert.choices = choices  # for forms that map a town's words to the codes
    return convert


def as_yes_no(value) -> bool:
    """A boolean as GIS files carry it: true/false, 1/0 (Shapefile, GeoPackage), yes/no."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "1.0", "true", "t", "yes", "y", "হ্যাঁ"}:
        return True
    if text in {"0", "0.0", "false", "f", "no", "n", "না"}:
        return False
    raise ValueError(_("expected yes or no"))


def as_positive_decimal(too_large):
    """A positive measure below 1000 with two decimals; `too_large` (lazy) names the unit."""

    def convert(value) -> Decimal:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
        if not number.is_finite() or number <= 0:
            raise ValueError(_("must be a positive number"))
        if number >= 1000:
            raise ValueError(str(too_large))
        return number.quantize(Decimal("0.01"))

    return convert


as_metres = as_positive_decimal(gettext_lazy("too large (metres are expected)"))


def as_date(value) -> dt.date:
    """A date as GIS files carry it: a date, a date-time, or text starting YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(_("not a date (YYYY-MM-DD)")) from None


def as_past_date(value) -> dt.date:
    """A date of something that happened (a test, a sample): not in the future."""
    date = as_date(value)
    if date > timezone.localdate():
        raise ValueError(_("lies in the future"))
    return date


def as_measure(decimal_places: int, below: int):
    """A measured concentration or reading: zero (not detected) or more, under `below`,
    rounded to `decimal_places`."""
    step = Decimal(1).scaleb(-decimal_places)

    def convert(value) -> Decimal:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
        if not number.is_finite() or number < 0:
            raise ValueError(_("must be zero or more"))
        if number >= below:
            raise ValueError(_("too large (at most %(limit)s)") % {"limit": below - step})
        return number.quantize(step)

    return convert


def as_micrograms_per_litre(value) -> Decimal:
    """A concentration in µg/L: zero (not detected) or more, one decimal."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("not a number")) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("must be zero or more"))
    if number >= 100_000:
        raise ValueError(_("too large (micrograms per litre are expected)"))
    return number.quantize(Decimal("0.1"))


@dataclass
class ImportReport:
    layer: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0
    # What the import leaves alone and says so: read-only edits, unknown columns.
    notices: list[dict] = field(default_factory=list)
    notice_count: int = 0
    # Per updated row: its key and the attributes (and "geometry") that change.
    changes: list[dict] = field(default_factory=list)

    def problem(self, row: int, field_name: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append({"row": row, "field": field_name, "message": str(message)})

    def notice(self, row: int, field_name: str, message: str) -> None:
        self.notice_count += 1
        if len(self.notices) < MAX_REPORTED:
            self.notices.append({"row": row, "field": field_name, "message": str(message)})

    def change(self, row: int, key: Any, fields: list[str]) -> None:
        if len(self.changes) < MAX_REPORTED:
            self.changes.append({"row": row, "key": key, "fields": fields})


@dataclass(frozen=True)
class ImportRequest:
    """What every importer is given: the rows read from a file (core.io.ReadLayer) for one
    register of one municipality, whether to write them, and whom to tell how it goes
    (`progress` hears the number of rows checked; `before_write` is called as writing
    starts)."""

    municipality: Any
    layer: str
    geometries: list
    records: list[dict]
    commit: bool = False
    progress: Callable[[int], None] | None = None
    before_write: Callable[[], None] | None = None
    # The file's columns in order, and its format (geojson, gpkg, shp, csv).
    columns: list[str] | None = None
    source_format: str = ""

    @classmethod
    def from_file(cls, read: Any, **given: Any) -> ImportRequest:
        """The request for the rows of `read` (a core.io.ReadLayer)."""
        return cls(
            geometries=read.geometries,
            records=read.records,
            columns=read.columns,
            source_format=read.source_format,
            **given,
        )
