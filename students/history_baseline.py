"""A starting point for the history of rows written without it.

Rows loaded with the history triggers off (the demo data of `seed_demo`) or before
history was recorded have no event, so the first change to them cannot say what the
old values were. `history_baseline` writes one "baseline" event per such row with its
current values, set-based (one INSERT ... SELECT per table). The record page does not
list baseline events; it compares the next change with them.
"""

from __future__ import annotations

from django.db import connection, transaction

from students.models import Circumstance, Guardian, Student, Support

BASELINE = "baseline"

# Tracked model -> the column that says when the row was written, if it has one.
_TRACKED = (
    (Student, "created_at"),
    (Circumstance, "recorded_at"),
    (Guardian, None),
    (Support, "recorded_at"),
)


@transaction.atomic
def history_baseline() -> dict[str, int]:
    """Write a baseline event for every tracked row that has no event yet. Running it
    again writes nothing. Returns the number of rows written per table."""
    counts = {}
    with connection.cursor() as cursor:
        for model, written_at in _TRACKED:
            event_model = _event_model(model)
            columns = [
                f.column for f in event_model._meta.concrete_fields if not f.name.startswith("pgh_")
            ]
            table = model._meta.db_table
            events = event_model._meta.db_table
            when = f"t.{written_at}" if written_at else "NOW()"
            select = ", ".join(f"t.{c}" for c in columns)
            cursor.execute(
                f"""
                INSERT INTO {events} ({", ".join(columns)}, pgh_created_at, pgh_label, pgh_obj_id)
                SELECT {select}, {when}, %s, t.id
                  FROM {table} t
                 WHERE NOT EXISTS (SELECT 1 FROM {events} e WHERE e.pgh_obj_id = t.id)
                """,
                [BASELINE],
            )
            counts[model._meta.model_name] = cursor.rowcount
    return counts


def _event_model(model):
    """The event model django-pghistory made for `model` (the one with pgh_obj)."""
    for related in model._meta.related_objects:
        candidate = related.related_model
        if related.field.name == "pgh_obj" and hasattr(candidate, "pgh_tracked_model"):
            return candidate
    raise LookupError(f"{model.__name__} has no history")
