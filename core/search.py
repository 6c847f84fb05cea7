"""Find a record by what people call it (issue 22): a BIN, a holding number, a containment
or water point code, a road's code or name, typed in Latin or Bangla digits. Each register
declares what it is found by (`Register.search`); the answer is the records the user may
read, exact matches first, each with its page and where it is on the map."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.urls import reverse

from . import registry
from .local import latin_digits
from .reads import layer_query

# Longer text names nothing a register holds.
MAX_LENGTH = 60


def normalised(text: str) -> str:
    """The search text as the registers hold it: trimmed, Latin digits, no NULs."""
    return latin_digits(text.replace("\x00", "")).strip()[:MAX_LENGTH]


def _like(text: str) -> str:
    """`text` as a LIKE prefix, its own % and _ taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(*, user: Any, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Records whose search fields start with `text` (case aside), exact matches first,
    at most `limit` per register, in the user's scope."""
    text = normalised(text)
    if not text:
        return []
    everyone = layer_query(user=user)
    found = []
    for register in registry.registers():
        if not (register.search and register.page_key and register.get):
            continue
        query = (
            everyone if register.readers is None else layer_query(user=user, roles=register.readers)
        )
        layer = register.features()
        where, params = query.where(layer)
        matches = " OR ".join(f"upper({column}) LIKE upper(%s)" for column in register.search)
        exact = " OR ".join(f"upper({column}) = upper(%s)" for column in register.search)
        key = "t.id" if register.page_key == "id" else f"t.{register.page_key}"
        sql = (
            f"SELECT t.id, {key}, {', '.join(register.search)},"  # noqa: S608
            f" ST_Y(ST_PointOnSurface({layer.geometry})), ST_X(ST_PointOnSurface({layer.geometry}))"
            f" FROM {layer.table} t {layer.joins} WHERE {where} AND ({matches})"
            f" ORDER BY ({exact}) DESC, {key} LIMIT %s"
        )
        arguments = [
            *params,
            *[_like(text)] * len(register.search),
            *[text] * len(register.search),
            limit,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, arguments)
            rows = cursor.fetchall()
        for pk, page_key, *values in rows:
            *named, lat, lon = values
            found.append(
                {
                    "register": register.name,
                    "title": str(register.title),
                    "id": pk,
                    "key": str(page_key),
                    "label": " · ".join(
                        f"{register.label(column.removeprefix('t.'))} {value}"
                        for column, value in zip(register.search, named, strict=True)
                        if value not in (None, "")
                    ),
                    "url": reverse(f"record-{register.name}", args=[page_key]),
                    "lat": round(lat, 6) if lat is not None else None,
                    "lon": round(lon, 6) if lon is not None else None,
                }
            )
    return found
