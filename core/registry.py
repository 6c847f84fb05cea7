"""The register declarations: one per register, read by every surface.

Each app's `layers.py` declares its registers with `register(...)` (found at start-up as the
admin finds `admin.py`, core.apps). The OGC API collections, vector tiles, REST routes, file
exports and imports, the municipal map with its legend, and the access-matrix test read them
from here; no other list of layers exists. docs/architecture.md walks through adding one.

A declaration names the register's `Layer` (its properties written once, as SQL, in
core.features), and what each surface needs beyond it: the tile attributes, the map style and
popup, the REST serializers and the selector and services that read and write a record, and
the importer. Surfaces a register does not take part in are left out (None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .features import Layer


@dataclass(frozen=True)
class Tile:
    """A vector tile layer: tile attribute -> layer property (the layer's SQL for it)."""

    properties: dict[str, str]
    min_zoom: int
    # Below this zoom geometries are simplified (about half a pixel).
    simplify_below: int = 0


@dataclass(frozen=True)
class Style:
    """How the map draws a feature (Leaflet path options, named as the map script reads them)."""

    color: str
    fill: str = ""
    weight: float = 1.0
    fill_opacity: float = 0.7
    dash: str = ""
    radius: int = 5

    def as_json(self) -> dict[str, Any]:
        return {
            "color": self.color,
            "fill": self.fill,
            "weight": self.weight,
            "fillOpacity": self.fill_opacity,
            "dash": self.dash,
            "radius": self.radius,
        }


@dataclass(frozen=True)
class MapLayer:
    """The register on the municipal map (/map/): drawn from its REST list, with a legend."""

    # "area", "line" or "point": how the legend draws the style.
    shape: str
    style: Style
    # Layer properties the popup shows, in order, labelled as the register labels them.
    popup: tuple[str, ...] = ()
    # A property whose value picks the style from `classes` (roads by hierarchy, say).
    classify: str = ""
    classes: dict[str, Style] = field(default_factory=dict)
    # 0: loaded once for the user's whole municipality; otherwise by view extent from this
    # zoom on (how many features come at most: `limit`).
    min_zoom: int = 0
    limit: int = 1000
    # A property naming the feature (a Bangla page shows `<property>_bn` when it is set).
    name_property: str = ""
    # Also shown as a tooltip over the feature.
    tooltip: bool = False
    # Extra behaviour of the map script for this register (municipality-map.js `EXTRAS`),
    # and the words it shows (translatable).
    extra: str = ""
    extra_labels: dict[str, Any] = field(default_factory=dict)
    # Place in the layer list (lower first).
    order: int = 0


@dataclass(frozen=True)
class Register:
    name: str  # URL segment and collection id: "buildings"
    # The features, or a function building them from the settings in force.
    layer: Layer | Callable[[], Layer]
    model: type | None = None
    # Keyword naming one record in its selector and services ("building").
    id_kwarg: str = ""
    # Stem of the REST URL names (building -> building-list); defaults to id_kwarg.
    route: str = ""
    # Readable without logging in (ward boundaries); otherwise within the user's scope.
    public: bool = False
    # Read only by these roles, in the wards where they hold them (holdings: the roles
    # that read personal data); None: by every role of the ward.
    readers: frozenset[str] | None = None
    # REST: the selector reading one record and the services writing it; None: not offered.
    get: Callable[..., Any] | None = None
    create: Callable[..., Any] | None = None
    update: Callable[..., Any] | None = None
    delete: Callable[..., Any] | None = None
    # Brings a retired record back (record=...): offered on its page to its editors.
    restore: Callable[..., Any] | None = None
    properties_serializer: type | None = None  # a Feature's properties as written
    output_serializer: type | None = None  # the record as the detail shows it
    # A callable taking a core.imports.ImportRequest: a RegisterImport (an
    # ImportSpec the spatial app runs) or a register's own function (containments).
    importer: Any = None
    tile: Tile | None = None
    map: MapLayer | None = None
    # An OGC API collection and a file export (every register unless said otherwise).
    ogc: bool = True
    # A REST list under /api/v1/<name>/ (and a detail when `get` is set).
    api: bool = True
    # OpenAPI tag and list summary (default: the name).
    api_tag: str = ""
    summary: str = ""
    # The record's page, /<name>/<value of this field>/ (core.pages): its natural key
    # ("bin", "code"), "id", or "" for no page.
    page_key: str = ""
    # What the search box finds a record by: SQL expressions over the layer's table `t`
    # (its BIN, holding number, code, name), matched from their start, case aside.
    search: tuple[str, ...] = ()
    # Labels and code lists of properties that are not fields of `model` (derived ones).
    labels: dict[str, Any] = field(default_factory=dict)
    choices: dict[str, Any] = field(default_factory=dict)
    app_label: str = ""

    def features(self) -> Layer:
        return self.layer() if callable(self.layer) else self.layer

    @property
    def title(self) -> str:
        return self.features().title or self.name

    @property
    def url_name(self) -> str:
        return (self.route or self.id_kwarg or self.name).replace("_", "-")

    @property
    def editable(self) -> bool:
        return self.create is not None

    def _field(self, name: str):
        if self.model is None:
            return None
        try:
            return self.model._meta.get_field(name)
        except Exception:
            return None

    def label(self, prop: str) -> str:
        """What users call a property: declared, else the model field's verbose name."""
        if prop in self.labels:
            return str(self.labels[prop])
        model_field = self._field(prop)
        if model_field is not None and hasattr(model_field, "verbose_name"):
            return str(capfirst(model_field.verbose_name))
        return prop

    def choice_labels(self, prop: str) -> dict[str, str]:
        """Code -> label of a coded property (empty for free values)."""
        if prop in self.choices:
            return {value: str(label) for value, label in self.choices[prop].choices}
        model_field = self._field(prop)
        if model_field is not None and getattr(model_field, "choices", None):
            return {value: str(label) for value, label in model_field.choices}
        return {}

    def geometry_types(self) -> tuple[str, ...]:
        """The geometry types a write accepts ("Polygon", "LineString", "Point")."""
        if self.properties_serializer is None:
            return ()
        geometry = self.properties_serializer().fields.get("geometry")
        return tuple(getattr(geometry, "allowed_types", ()))

    def form_fields(self) -> list[dict[str, Any]]:
        """The attributes an editor writes, as the map editor's form shows them: name,
        label, kind (select, number, date, text), the code list as labels, limits. Read
        from the REST properties serializer (what a write accepts), so the form and the
        API agree; the geometry is edited on the map."""
        if self.properties_serializer is None:
            return []
        out = []
        for name, one in self.properties_serializer().fields.items():
            if name in ("geometry", "municipality") or one.read_only:
                continue
            entry: dict[str, Any] = {
                "name": name,
                "label": self.label(name),
                "required": bool(one.required and not one.allow_null),
                "allowNull": bool(one.allow_null),
            }
            if isinstance(one, serializers.ManyRelatedField):
                # Ids of linked records (a containment's buildings), comma-separated.
                entry["kind"] = "ids"
                entry["help"] = str(one.help_text or "")
            elif isinstance(one, serializers.BooleanField):
                entry["kind"] = "select"
                entry["choices"] = [[True, str(_YES)], [False, str(_NO)]]
            elif isinstance(one, serializers.ChoiceField):
                entry["kind"] = "select"
                labels = self.choice_labels(name) or {
                    str(value): str(label) for value, label in one.choices.items()
                }
                entry["choices"] = [[value, label] for value, label in labels.items()]
            elif isinstance(one, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
                entry["kind"] = "number"
                entry["step"] = 1
            elif isinstance(one, serializers.DecimalField | serializers.FloatField):
                entry["kind"] = "number"
                entry["step"] = "any"
            elif isinstance(one, serializers.DateField):
                entry["kind"] = "date"
            else:
                entry["kind"] = "text"
                entry["maxLength"] = getattr(one, "max_length", None)
            for limit in ("min_value", "max_value"):
                if getattr(one, limit, None) is not None:
                    entry[limit.removesuffix("_value")] = float(getattr(one, limit))
            out.append(entry)
        return out


@dataclass(frozen=True)
class Linked:
    """Records that refer to a register's record from elsewhere (another app's), shown on
    the record's page: a building's containments and survey submissions, a containment's
    inspections and emptying requests. Declared by the app that owns them (`link`), so the
    register's own app needs not know it."""

    name: str
    label: Any
    # Column key -> its heading, in order.
    columns: dict[str, Any]
    # The record -> its rows: {column: value as shown, "url": a page, optional}.
    rows: Callable[[Any], list[dict[str, Any]]]
    # (record, user) -> the page adding one more for this record, "" when the user may not;
    # and that link's words.
    add: Callable[[Any, Any], str] | None = None
    add_label: Any = ""


_YES, _NO = gettext_lazy("Yes"), gettext_lazy("No")
_REGISTERS: dict[str, Register] = {}
_LINKED: dict[str, list[Linked]] = {}


def link(register_name: str, *linked: Linked) -> None:
    """Show `linked` records on the pages of `register_name` (called from an app's layers.py)."""
    known = _LINKED.setdefault(register_name, [])
    for one in linked:
        if all(other.name != one.name for other in known):
            known.append(one)


def links(register_name: str) -> list[Linked]:
    return list(_LINKED.get(register_name, ()))


def register(*declared: Register, app: str) -> None:
    """Declare registers of the app `app` (called from the app's layers.py)."""
    for one in declared:
        if one.name in _REGISTERS and _REGISTERS[one.name].app_label != app:
            raise ValueError(f"Register {one.name} is declared by two apps")
        object.__setattr__(one, "app_label", app)
        _REGISTERS[one.name] = one


def registers(*, app: str | None = None) -> list[Register]:
    """Every register, in declaration order (apps in INSTALLED_APPS order)."""
    return [r for r in _REGISTERS.values() if app is None or r.app_label == app]


def get(name: str) -> Register:
    """The register called `name`; KeyError if none is."""
    return _REGISTERS[name]


def collections() -> dict[str, Layer]:
    """The layers offered as OGC API collections and file exports, by name."""
    return {r.name: r.features() for r in _REGISTERS.values() if r.ogc}


def readers(name: str) -> frozenset[str] | None:
    """The roles that read the register `name` (None: every role)."""
    register = _REGISTERS.get(name)
    return None if register is None else register.readers


def is_public(name: str) -> bool:
    """Readable without logging in (an unknown name is not)."""
    return name in _REGISTERS and _REGISTERS[name].public
