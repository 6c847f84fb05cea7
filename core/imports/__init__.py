"""The import framework every register's importer shares: the declaration of what a file's
columns become (ImportSpec and its converters), the checks every row passes (check_rows:
attributes, geometry, the key's uniqueness, the municipality's boundary), and the commit
tail (finish: a dry run reports, a commit writes all or nothing). A register's own importer
(spatial.imports.RegisterImport, containment.imports.import_containments) plans its writes
between the two."""

from .. import registry
from . import mapping
from .checks import check_rows, finish, same_shape
from .spec import (
    GIS_COLUMNS,
    PROGRESS_STEP,
    SHAPE_TOLERANCE,
    ImportReport,
    ImportRequest,
    ImportSpec,
    Link,
    as_code,
    as_count,
    as_date,
    as_measure,
    as_metres,
    as_micrograms_per_litre,
    as_past_date,
    as_past_year,
    as_positive_decimal,
    as_text,
    as_time,
    as_whole_number,
    as_yes_no,
)

__all__ = [
    "GIS_COLUMNS",
    "PROGRESS_STEP",
    "SHAPE_TOLERANCE",
    "ImportReport",
    "ImportRequest",
    "ImportSpec",
    "Link",
    "as_code",
    "as_count",
    "as_date",
    "as_measure",
    "as_metres",
    "as_micrograms_per_litre",
    "as_past_date",
    "as_past_year",
    "as_positive_decimal",
    "as_text",
    "as_time",
    "as_whole_number",
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


def import_layer(request: ImportRequest) -> ImportReport:
    """Import rows read from a file into the register `request.layer`, by the importer its
    declaration names: a dry run reports every problem per row; with `commit` and no
    problem, every row is written in one transaction, else nothing is."""
    return registry.get(request.layer).importer(mapping.apply(request))
