"""Plain text only: what counts as markup in user input (no Django or DRF imports here, so
that every layer may use it)."""

from __future__ import annotations

import re
from typing import Any

# A tag (<a, </a, <!--, <?xml), or a javascript:/vbscript: URL.
MARKUP = re.compile(r"<\s*[A-Za-z!/?]|\b(?:java|vb)script\s*:", re.IGNORECASE)


def find_markup(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string in `value` that holds markup, or None."""
    stack = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            if MARKUP.search(node):
                return where or "body"
        elif isinstance(node, dict):
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
