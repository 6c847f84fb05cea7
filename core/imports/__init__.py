"""The import framework every register's importer shares: the declaration of what a file's
columns become (ImportSpec and its converters), the checks every row passes (check_rows:
attributes, geometry, the key's uniqueness, the municipality's boundary), and the commit
tail (finish: a dry run reports, a commit writes all or nothing). A register's own importer
(spatial.imports.import_layer, containment.imports.import_containments) plans its writes
between the two."""

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
    "same_shape",
]
