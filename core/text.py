"""Plain text only: what counts as markup or a NUL character in user input (no Django or
DRF imports here, so that every layer may use it)."""

from __future__ import annotations

import re
from typing import Any

# A tag (<a, </a, <!--, <?xml), or a javascript:/vbscript: URL.
MARKUP = re.compile(r"<\s*[A-Za-z!/?]|\b(?:java|vb)script\s*:", re.IGNORECASE)


# PostgreSQL's text cannot hold U+0000: such a string would fail at the database, after the
# request was accepted. No register holds control text, so it is refused where it enters.
NUL = "\x00"


def find_nul(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (value or key) in `value` holding a NUL, or None."""
    return _find(value, path, lambda text: NUL in text, keys=True)


def find_markup(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string in `value` that holds markup, or None."""
    return _find(value, path, MARKUP.search)


def _find(value: Any, path: str, test, keys: bool = False) -> str | None:
    stack = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            if test(node):
                return where or "body"
        elif isinstance(node, dict):
            if keys:
                for key in node:
                    if isinstance(key, str) and test(key):
                        return where or "body"
            # GeoJSON coordinates are numbers, and the geometry parser refuses anything else:
            # walking a 300,000-vertex polygon here would only cost time on every upload.
            stack.extend(
                (f"{where}.{key}" if where else str(key), item)
                for key, item in node.items()
                if key != "coordinates"
            )
        elif isinstance(node, list):
            stack.extend(
                (f"{where}.{index}" if where else str(index), item)
                for index, item in enumerate(node)
            )
    return None
