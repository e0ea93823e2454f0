"""Set-based writes that the ORM makes slow: PostgreSQL COPY with ids reserved from
the table's sequence, so related rows can point at the new ones."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import psycopg
from django.db import connection


def side_connect(*, autocommit: bool = False) -> psycopg.Connection:
    """A connection of psycopg's own to Django's database, beside Django's connection
    (for work another thread does while that one is busy).

    Built from Django's own connection parameters, so that whatever the settings say
    reaches it: the embedded server's socket folder arrives as OPTIONS["host"], not as
    HOST (tests/khuyenhoc/test_db.py). Django's cursor class and adapters stay with
    Django's connections: callers read plain psycopg values."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=autocommit)


def ids_reserve(*, table: str, count: int) -> list[int]:
    """`count` fresh primary keys from `table`'s id sequence, in one query."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        # The sequence is looked up once: pg_get_serial_sequence() in the select list
        # would run for every generated row.
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [row[0] for row in cursor.fetchall()]


def pg_array(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of text values, for COPY's text format."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def copy_rows(*, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` into `table` through Django's connection (inside its transaction,
    with the history context set on it)."""
    with connection.cursor() as cursor:
        # Django's cursor wrapper puts the history context (pghistory) in front of each
        # modifying statement, but COPY runs on the raw cursor: a no-op statement the
        # wrapper does not skip sets the context for the rest of the transaction.
        cursor.execute("DO $$ BEGIN END $$")
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
