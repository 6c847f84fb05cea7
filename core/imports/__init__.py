"""The import framework every register's importer shares: the declaration of what a file's
columns become (ImportSpec and its converters), the checks every row passes (check_rows:
attributes, geometry, the key's uniqueness, the municipality's boundary), and the commit
tail (finish: a dry run reports, a commit writes all or nothing). A register's own importer
(spatial.imports.import_layer, containment.imports.import_containments) plans its writes
between the two."""

from collections.abc import Callable
from typing import Any

from .. import registry
from .checks import check_rows, finish, same_shape
from .spec import (
    GIS_COLUMNS,
    PROGRESS_STEP,
    SHAPE_TOLERANCE,
    ImportReport,
    ImportSpec,
    as_code,
    as_count,
    as_metres,
    as_positive_decimal,
    as_text,
    as_yes_no,
)

__all__ = [
    "GIS_COLUMNS",
    "PROGRESS_STEP",
    "SHAPE_TOLERANCE",
    "ImportReport",
    "ImportSpec",
    "as_code",
    "as_count",
    "as_metres",
    "as_positive_decimal",
    "as_text",
    "as_yes_no",
    "check_rows",
    "finish",
    "import_layer",
    "importable_layers",
    "same_shape",
]


def importable_layers() -> list[str]:
    """The registers whose declaration names an importer."""
    return [r.name for r in registry.registers() if r.importer is not None]


def import_layer(
    *,
    municipality: Any,
    layer: str,
    geometries: list,
    records: list[dict],
    commit: bool,
    progress: Callable[[int], None] | None = None,
    before_write: Callable[[], None] | None = None,
    columns: list[str] | None = None,
    source_format: str = "",
) -> ImportReport:
    """Import rows read from a file (core.io.ReadLayer) into the register `layer`, by the
    importer its declaration names: a dry run reports every problem per row; with `commit`
    and no problem, every row is written in one transaction, else nothing is.
    `progress` hears the number of rows checked; `before_write` is called as writing starts."""
    return registry.get(layer).importer(
        municipality=municipality,
        layer=layer,
        geometries=geometries,
        records=records,
        commit=commit,
        progress=progress,
        before_write=before_write,
        columns=columns,
        source_format=source_format,
    )
