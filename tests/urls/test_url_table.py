"""Every route of the project answers each person as the URL table says
(tests/urls/table.py), and every route has its rows: a new page without them fails
`test_it_has_a_row_for_every_route`."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, include, path, reverse

from tests.urls import addresses, admin_site, collection, core, duplicates, results, students
from tests.urls.objects import objects_make
from tests.urls.table import OUT, ROLES, routes_missing, rows_stale

pytestmark = pytest.mark.django_db

FEATURES = (core, students, collection, results, addresses, duplicates, admin_site)
TABLE = {key: row for feature in FEATURES for key, row in feature.ROWS.items()}
URLS = {key: url for feature in FEATURES for key, url in feature.URLS.items()}
LOGIN_REDIRECT_EXEMPT = core.LOGIN_REDIRECT_EXEMPT | admin_site.LOGIN_REDIRECT_EXEMPT


def test_it_has_a_row_for_every_route():
    resolver = get_resolver()
    assert routes_missing(resolver, TABLE) == [], "routes without a row in tests/urls/"
    assert rows_stale(resolver, TABLE) == [], "rows for routes that no longer exist"
    assert {key for key, _method, _obj in TABLE} - set(URLS) == set(), "rows without a URL"
    for key, row in TABLE.items():
        assert set(row) == set(ROLES), key


# Routes whose object is a job: IN is the person's own, OUT someone else's.
OWNED = {"job-detail", "students:export_download", "results:preview", "results:confirm"}
REFUSED = {404, 405}


def test_no_row_lets_anyone_into_what_is_outside_their_scope():
    """The table itself keeps the rule: outside the scope the site answers 404 (the
    admin: its "does not exist" redirect or a refusal), never a page."""
    wrong = []
    for (key, method, obj), row in TABLE.items():
        if obj is None:
            continue
        if key.startswith("admin:"):
            staff = ["district_staff"] + (["provincial_staff"] if "_job_" in key else [])
            wrong += [(key, method, obj, r) for r in staff if obj == OUT and row[r] == 200]
            continue
        if key in OWNED:
            outside = ROLES[1:] if obj == OUT else ()
        else:
            outside = (
                ("school_staff", "district_staff", "outsider") if obj == OUT else ("outsider",)
            )
        wrong += [(key, method, obj, role) for role in outside if row[role] not in REFUSED]
    assert wrong == []


def test_it_names_a_new_route_without_a_row():
    def view(request):
        return None

    root = get_resolver()
    resolver = type(root)(root.pattern, [*root.url_patterns])
    resolver.url_patterns.append(path("moi/<int:pk>/", view, name="new"))
    resolver.url_patterns.append(
        path("khac/", include(([path("", view, name="page"), path("x/", view)], "other")))
    )
    assert routes_missing(resolver, TABLE) == [
        "new  (moi/<int:pk>/)",
        "other:page  (khac/)",
        "other:x/  (khac/x/)",
    ]


def _answer(client: Client, method: str, url: str, data: dict) -> tuple[int, str]:
    """The status (and where a redirect goes) of one request, whose writes are undone
    so that every row meets the same objects."""
    cookies = SimpleCookie(client.cookies)
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response.status_code, response.get("Location", "")


def _login_redirect_ok(key: str, location: str) -> bool:
    """Anonymous visitors go to the sign-in page (the admin's own for the admin)."""
    login = reverse("admin:login") if key.startswith("admin:") else reverse("login")
    parts = urlsplit(location)
    return parts.path == login and parts.query.startswith("next=")


def table_play(objects, table) -> list[str]:
    """Every row played by every person; the differences from the table, all at once."""
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in objects.people.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    mismatches = []
    for (key, method, obj), row in table.items():
        for role in ROLES:
            built = URLS[key](objects, obj, role)
            url, data = built if isinstance(built, tuple) else (built, {})
            status, location = _answer(clients[role], method, url, data)
            expected = row.get(role)
            if status != expected:
                mismatches.append(f"{key} {method.upper()} {obj}: {role} {status} != {expected}")
            elif (
                role == "anonymous"
                and status == 302
                and key not in LOGIN_REDIRECT_EXEMPT
                and not _login_redirect_ok(key, location)
            ):
                mismatches.append(f"{key} {method.upper()} {obj}: anonymous sent to {location}")
    return mismatches


def test_it_answers_each_person_as_the_table_says(
    request, world, tmp_path, django_capture_on_commit_callbacks
):
    objects = objects_make(
        request=request, world=world, tmp_path=tmp_path, capture=django_capture_on_commit_callbacks
    )
    mismatches = table_play(objects, TABLE)
    assert not mismatches, "\n" + "\n".join(mismatches)
