"""django-import-export resources for the Django admin, on the one access-scoping path.

Columns have Vietnamese names; foreign keys are written as natural keys (a school by
its MOET code, an area by its GSO code). Every resource is built for one person
(`user=`):

- an export holds only the rows that person may see (`for_user(user, "view")`);
- an import finds existing rows only among those the person may change, so a row
  outside their scope looks exactly like one that does not exist, and is never
  updated; every row's school or area must be inside the person's "change" scope;
- bad cells become row errors in Vietnamese naming the row and the column, and one
  error anywhere writes nothing (django-import-export runs the import in a
  transaction and rolls it back);
- writes run under `history_source(source="admin-import", user=...)`.

Lookups are read once per file in `before_import` (one query per kind), not per row.
"""

from khuyenhoc.resources.areas import AreaResource, SchoolResource, pick_area
from khuyenhoc.resources.base import (
    ADMIN_IMPORT_SOURCE,
    ReadableDiff,
    ScopedLoader,
    ScopedResource,
    bool_cell,
    cell,
    choice_cell,
    date_cell,
    date_text,
    int_cell,
    related,
)

__all__ = [
    "ADMIN_IMPORT_SOURCE",
    "AreaResource",
    "ReadableDiff",
    "SchoolResource",
    "ScopedLoader",
    "ScopedResource",
    "bool_cell",
    "cell",
    "choice_cell",
    "date_cell",
    "date_text",
    "int_cell",
    "pick_area",
    "related",
]
