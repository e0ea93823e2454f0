"""Student list benchmark (issue: the registry in the browser).

Server time of the student list page (middleware + view + queries + template: the WSGI
application called as gunicorn calls it, DEBUG off) on a province of BENCH_LIST_STUDENTS students (default 1,000,000, seeded once
with `seed_demo` into the kept benchmark database), as provincial and district staff, for
filtered and searched pages. Target: <= 150 ms.

Anchor, in the same run: the naive way of the same pages' queries, Django's default
Paginator (exact COUNT) over `full_name__icontains` and the same filters, sorted by name:
its two queries only, no page rendered (ours is the whole request), so a page whose
queries are cheap can show a ratio below 1.

Run: `python -m bench list` (also part of `make bench`).
"""

from __future__ import annotations

import gc
import os
import statistics
import time

from bench.common import django_setup, machine_pace, registry_seed

REPEAT = 7

# (label, query string parameters); area codes are resolved to ids at run time.
REQUESTS = [
    ("first page, no filter", {}),
    ("search without diacritics", {"q": "nguyen thi hoa"}),
    ("search a given name, sorted by need", {"q": "linh", "o": "-diem"}),
    ("district + poor household, by need", {"area": "466", "kind": "poor", "o": "-diem"}),
    (
        "disability severe + search",
        {"kind": "disability", "disability_level": "severe", "q": "tran"},
    ),
    (
        "level + grade + not verified",
        {"school_level": "lower_secondary", "grade": "7", "verified": "chua"},
    ),
    ("personal ID prefix", {"q": "0450"}),
    ("supported this year, by need", {"supported": "co", "o": "-diem"}),
    ("district + not supported this year", {"area": "466", "supported": "chua"}),
]


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _params(raw: dict) -> dict:
    from khuyenhoc.models import Area

    params = dict(raw)
    if "area" in params:
        params["area"] = Area.objects.filter(code=params["area"], kind="district").first().pk
    return params


# Timed requests during which Python ran a full (oldest generation) garbage collection.
FULL_COLLECTIONS = {"requests": 0, "timed": 0}


def _full_collections() -> int:
    return gc.get_stats()[2]["collections"]


class _Server:
    """The WSGI application as gunicorn calls it, for one logged-in user. (Django's test
    client keeps every response's context and request alive, about 2,400 objects a
    request, so that Python's full garbage collections grow slower through a run: 140 to
    490 ms by the 300th request. A server keeps nothing between requests.)"""

    def __init__(self, user, app):
        from django.test import Client, RequestFactory

        client = Client()
        client.force_login(user)
        self.cookie = "; ".join(f"{k}={m.value}" for k, m in client.cookies.items())
        self.factory = RequestFactory(SERVER_NAME="localhost")
        self.app = app

    def get(self, url: str, params: dict) -> int:
        environ = self.factory.get(url, params, HTTP_COOKIE=self.cookie).environ
        status = []
        body = self.app(environ, lambda line, headers, *exc: status.append(line))
        try:
            for _chunk in body:
                pass
        finally:
            body.close()
        return int(status[0].split()[0])


def _ours(server: _Server, params: dict) -> list[float]:
    from django.urls import reverse

    url = reverse("students:list")
    server.get(url, params)  # warm
    samples = []
    for _ in range(REPEAT):
        before = _full_collections()
        started = time.perf_counter()
        status = server.get(url, params)
        samples.append(time.perf_counter() - started)
        FULL_COLLECTIONS["timed"] += 1
        FULL_COLLECTIONS["requests"] += _full_collections() > before
        assert status == 200, status
    return samples


def _anchor(user, params: dict) -> list[float]:
    """The naive page: icontains on the name, exact COUNT, ORDER BY name, page 1."""
    from django.core.paginator import Paginator
    from django.db.models import Q

    from khuyenhoc.models import Area
    from students.models import Student

    qs = Student.objects.for_user(user, "view").select_related("school")
    if params.get("q"):
        qs = qs.filter(Q(full_name__icontains=params["q"]) | Q(personal_id__startswith=params["q"]))
    if params.get("area"):
        area = Area.objects.get(pk=params["area"])
        qs = qs.filter(school__commune__path__startswith=area.path)
    if params.get("kind"):
        qs = qs.filter(circumstances__kind=params["kind"]).distinct()
    if params.get("disability_level"):
        qs = qs.filter(circumstances__disability_level=params["disability_level"])
    if params.get("school_level"):
        qs = qs.filter(school__level=params["school_level"])
    if params.get("grade"):
        qs = qs.filter(grade=params["grade"])
    if params.get("verified") == "chua":
        qs = qs.filter(verified_at__isnull=True)
    if params.get("supported"):
        from students.status.rollover import current_school_year

        supported = Q(supports__school_year=current_school_year())
        qs = qs.filter(supported) if params["supported"] == "co" else qs.exclude(supported)
        qs = qs.distinct()
    qs = qs.order_by("-need_score" if params.get("o") == "-diem" else "full_name", "pk")
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        page = Paginator(qs, 50).get_page(1)
        list(page.object_list)
        page.paginator.count  # noqa: B018
        samples.append(time.perf_counter() - started)
    return samples


# The tables the list reads. seed_demo analyses them but does not vacuum them, and this
# server runs without autovacuum: without a visibility map every index-only look-up
# (a circumstance in force, the capped count) would read the table as well, which a
# production database, vacuumed after an import, does not. Quick when nothing changed.
LIST_TABLES = [
    "students_student",
    "students_guardian",
    "students_circumstance",
    "students_support",
    "students_academicresult",
]


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in LIST_TABLES:
            cursor.execute(f"VACUUM {table}")


def main() -> None:
    students = int(os.environ.get("BENCH_LIST_STUDENTS", "1000000"))
    django_setup(suffix="_list")
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from students.models import Student

    # As in production: no query log, no template debugging (`make bench` sets DEBUG=1
    # only for the settings a server without TLS in front needs).
    settings.DEBUG = False
    registry_seed(students)
    _vacuum()
    # As the web server does (khuyenhoc/wsgi.py): the objects loaded at start are kept
    # out of full garbage collections, which walked ~120,000 of them (100-130 ms) in
    # whatever request triggered one. BENCH_GC_FREEZE=0 measures without.
    freeze = os.environ.get("BENCH_GC_FREEZE", "1") == "1"
    if freeze:
        from khuyenhoc.wsgi import application
    else:
        from django.core.handlers.wsgi import WSGIHandler

        application = WSGIHandler()
    total = Student.objects.count()
    users = {
        "provincial staff": get_user_model().objects.get(username="tinhhoi"),
        "district staff (Gio Linh)": get_user_model().objects.get(username="hoi_giolinh"),
    }
    print(
        f"Student list benchmark: {total:,} students; server time of one page (ms), {REPEAT} runs"
    )
    print(f"  ({machine_pace()})")
    worst = 0.0
    ratios = []
    for who, user in users.items():
        server = _Server(user, application)
        print(f"  as {who}:")
        for label, raw in REQUESTS:
            params = _params(raw)
            p50, p95 = _ms(_ours(server, params))
            a50, _a95 = _ms(_anchor(user, params))
            worst = max(worst, p95)
            ratios.append(a50 / p50)
            print(
                f"    {label:40s} ours p50 {p50:7.1f}  p95 {p95:7.1f}   anchor p50 {a50:8.1f}   x{a50 / p50:6.1f}"
            )
    print(f"  worst p95: {worst:.1f} ms (target <= 150 ms): {'met' if worst <= 150 else 'NOT met'}")
    print(
        f"  Python's full garbage collections during {FULL_COLLECTIONS['requests']} of"
        f" {FULL_COLLECTIONS['timed']} timed requests"
        f" (startup objects {'frozen, as khuyenhoc/wsgi.py does' if freeze else 'not frozen: BENCH_GC_FREEZE=0'})"
    )
    print(
        f"  anchor (naive icontains + COUNT, its queries only) / ours (whole page), median of ratios: {statistics.median(ratios):.1f}x"
    )
