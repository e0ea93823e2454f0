"""Shared set-up for benchmarks: Django on a dedicated database (test_<name>, kept
between runs), and a child process runner that reports wall time and peak memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup(suffix: str = "") -> None:
    """Django on the kept benchmark database `bench_<name><suffix>` (a suffix keeps a
    benchmark's own data apart from the others')."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    name = settings.DATABASES["default"]["NAME"]
    bench_name = (name if name.startswith("bench_") else f"bench_{name}") + suffix
    os.environ["BENCH_DB_NAME"] = bench_name
    connection.settings_dict["TEST"] = {
        **connection.settings_dict.get("TEST", {}),
        "NAME": bench_name,
    }
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)


def registry_seed(students: int) -> None:
    """The province of `students` students (seed_demo: Quảng Trị's schools, realistic
    repeating names) in the current benchmark database, seeded once and kept. (A
    database seeded before the demo had support rows is seeded again.)"""
    from django.core.management import call_command

    from students.models import Student, Support

    if Student.objects.count() < students or not Support.objects.exists():
        print(f"Seeding {students:,} students (once; kept in the benchmark database) ...")
        call_command("load_areas", provinces=["Quảng Trị"], verbosity=0)
        call_command("seed_demo", students=students, force=True, verbosity=0)


def registry_copy(suffix: str) -> str:
    """A fresh copy of the current benchmark database (`<name><suffix>`), for a run that
    must start from the same registry as the others without a VACUUM the server would
    not do by itself (autovacuum is off here). Children use it (BENCH_DB_NAME); the
    parent's own connection is closed, as PostgreSQL copies only a database nobody is
    connected to. About 10 s for 1,000,000 students."""
    import psycopg
    from django.db import connection

    template = connection.settings_dict["NAME"]
    copy = template + suffix
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context"):
        params.pop(key, None)
    params["dbname"] = "postgres"
    connection.close()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    os.environ["BENCH_DB_NAME"] = copy
    return copy


def child(module: str, *args: str) -> tuple[dict, float]:
    """Run `python -m module args`; return (its JSON result, wall seconds). The child
    reports its own peak memory (`peak_mb`) from getrusage."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    wall = time.perf_counter() - started
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"{module} {' '.join(args)} failed")
    return json.loads(out.stdout.strip().splitlines()[-1]), wall


def peak_mb() -> float:
    """This process's own peak resident memory. getrusage's ru_maxrss is kept across
    exec on Linux, so a child would report its parent's peak (the benchmark's parent
    deletes the previous run's 100,000 students through the ORM); VmHWM is the child's."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(result: dict) -> None:
    result["peak_mb"] = round(peak_mb(), 1)
    print(json.dumps(result))


def child_setup() -> None:
    """In a child: Django pointed at the benchmark database the parent prepared."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"]["NAME"] = os.environ["BENCH_DB_NAME"]
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = os.environ["BENCH_DB_NAME"]


def machine_pace() -> str:
    """How fast this machine runs right now, for reading the absolute figures: a fixed
    piece of Python and a fixed PostgreSQL query, in ms. (On a shared 2-core machine the
    same code measured up to twice as slow from one hour to the next; the ratios against
    the anchors move much less.)"""
    from django.db import connection

    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i % 7
    python_ms = (time.perf_counter() - started) * 1000
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT count(*) FROM generate_series(1, 2000000)")
        cursor.fetchone()
        pg_ms = (time.perf_counter() - started) * 1000
    return f"machine pace now: Python loop {python_ms:.0f} ms, PostgreSQL series {pg_ms:.0f} ms"
