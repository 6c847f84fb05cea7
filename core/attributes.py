"""A register's attributes as a table reads them (issue 22): sort by any column, filter by
any column, pick records by id. The REST list takes them as `sort`, `where` and `ids`; the
attribute table under the map editor is their first user, a GIS client the next.

`where` is `<property>:<operator>:<value>`, repeatable (all must hold):
eq, ne, lt, le, gt, ge compare; contains and starts match text, case aside; empty and
filled take no value. A property's kind (number, text, yes/no, date) is read from the
database once, from the layer's own SQL, so every declared column filters and sorts the way
its values are, and nothing else reaches the SQL but the declared expressions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from rest_framework import exceptions

from .local import latin_digits

# A core.features.Layer (not imported: core.features reads this module).
Layer = Any

# Most ids one read or one bulk edit names.
MAX_IDS = 5000
MAX_CONDITIONS = 20
_BIGINT = 2**63 - 1

# PostgreSQL type OIDs -> the kind of value a table compares.
_KINDS = {
    **dict.fromkeys((20, 21, 23, 26, 700, 701, 1700), "number"),
    **dict.fromkeys((25, 1042, 1043, 19), "text"),
    16: "yes/no",
    **dict.fromkeys((1082, 1114, 1184), "date"),
}
_COMPARED = ("eq", "ne", "lt", "le", "gt", "ge")
OPERATORS = (*_COMPARED, "contains", "starts", "empty", "filled")
_SQL = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_YES = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_types: dict[tuple, dict[str, int]] = {}


def property_types(layer: Layer) -> dict[str, int]:
    """Each property's PostgreSQL type (its OID), asked of PostgreSQL once per layer
    declaration from the layer's own SQL."""
    key = (layer.name, layer.table, tuple(layer.properties.items()))
    if key not in _types:
        columns = ", ".join(f"{expr} AS p{i}" for i, expr in enumerate(layer.properties.values()))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {layer.table} t {layer.joins} LIMIT 0"  # noqa: S608
            )
            codes = [column.type_code for column in cursor.description]
        _types[key] = dict(zip(layer.properties, codes, strict=True))
    return _types[key]


def property_kinds(layer: Layer) -> dict[str, str]:
    """Each property's kind: number, text, yes/no, date, or other (lists, objects: neither
    sorted nor filtered)."""
    return {name: _KINDS.get(code, "other") for name, code in property_types(layer).items()}


@dataclass(frozen=True)
class Condition:
    name: str
    operator: str
    value: object = None


def _refuse(parameter: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({parameter: [message]})


def _kind_of(layer: Layer, name: str, parameter: str) -> str:
    kind = property_kinds(layer).get(name)
    if kind is None:
        raise _refuse(
            parameter,
            _("%(name)s is not a column of %(layer)s; the columns are %(columns)s.")
            % {"name": name, "layer": layer.name, "columns": ", ".join(layer.properties)},
        )
    if kind == "other":
        raise _refuse(parameter, _("%(name)s cannot be sorted or filtered.") % {"name": name})
    return kind


def parse_sort(value: str | None, layer: Layer) -> tuple[str, bool] | None:
    """`name` or `-name` (descending) -> (name, descending)."""
    if not value:
        return None
    name = value.removeprefix("-")
    _kind_of(layer, name, "sort")
    return name, value.startswith("-")


def _typed(kind: str, text: str):
    text = latin_digits(text.strip())
    if kind == "number":
        number = Decimal(text)
        if not number.is_finite() or abs(number) > _BIGINT:
            raise InvalidOperation
        return number
    if kind == "yes/no":
        return _YES[text.lower()]
    if kind == "date":
        return dt.date.fromisoformat(text)
    if "\x00" in text:
        raise ValueError
    return text


def parse_where(values: list[str], layer: Layer) -> tuple[Condition, ...]:
    if len(values) > MAX_CONDITIONS:
        raise _refuse("where", _("At most %(count)s conditions.") % {"count": MAX_CONDITIONS})
    conditions = []
    for value in values:
        name, _sep, rest = value.partition(":")
        operator, _sep, text = rest.partition(":")
        kind = _kind_of(layer, name, "where")
        if operator not in OPERATORS:
            raise _refuse(
                "where",
                _("where is property:operator:value, the operator one of %(operators)s.")
                % {"operators": ", ".join(OPERATORS)},
            )
        if operator in ("empty", "filled"):
            conditions.append(Condition(name, operator))
            continue
        if operator in ("contains", "starts"):
            if kind != "text" or not text or "\x00" in text:
                raise _refuse("where", _("%(operator)s takes some text.") % {"operator": operator})
            # Bangla digits mean the Latin ones the registers hold.
            conditions.append(Condition(name, operator, latin_digits(text)))
            continue
        try:
            typed = _typed(kind, text)
        except (ValueError, KeyError, InvalidOperation, OverflowError):
            raise _refuse(
                "where",
                _("%(value)s is not a %(kind)s, as %(name)s is.")
                % {"value": text.replace("\x00", ""), "kind": kind, "name": name},
            ) from None
        conditions.append(Condition(name, operator, typed))
    return tuple(conditions)


def parse_ids(value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    parts = [part for part in value.split(",") if part.strip()]
    if not parts or len(parts) > MAX_IDS:
        raise _refuse(
            "ids", _("ids is 1 to %(count)s record ids, comma-separated.") % {"count": MAX_IDS}
        )
    try:
        ids = tuple(int(latin_digits(part.strip())) for part in parts)
    except ValueError:
        raise _refuse("ids", _("ids are whole numbers, comma-separated.")) from None
    if any(not 0 < one <= _BIGINT for one in ids):
        raise _refuse("ids", _("ids are whole numbers, comma-separated."))
    return ids


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def condition_sql(layer: Layer, condition: Condition) -> tuple[str, list]:
    expr = f"({layer.properties[condition.name]})"
    operator = condition.operator
    if operator == "empty":
        return f"NULLIF({expr}::text, '') IS NULL", []
    if operator == "filled":
        return f"NULLIF({expr}::text, '') IS NOT NULL", []
    if operator == "contains":
        return f"{expr} ILIKE %s", [f"%{_escaped(condition.value)}%"]
    if operator == "starts":
        return f"{expr} ILIKE %s", [f"{_escaped(condition.value)}%"]
    if operator == "ne":
        # "Not x" includes the records with no value at all, as a reader means it.
        return f"{expr} IS DISTINCT FROM %s", [condition.value]
    return f"{expr} {_SQL[operator]} %s", [condition.value]


def order_sql(layer: Layer, sort: tuple[str, bool] | None) -> str:
    """The read's order: the sorted column (empty values last either way), then the
    layer's own order, so pages never overlap."""
    if sort is None:
        return layer.order_by
    name, descending = sort
    direction = "DESC" if descending else "ASC"
    return f"({layer.properties[name]}) {direction} NULLS LAST, {layer.order_by}"
