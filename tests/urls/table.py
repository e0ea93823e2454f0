"""The project's URL table: for every route, who gets which answer.

A row is (route, HTTP method, object) -> the status each person gets:

- route: "namespace:name" as for `reverse()`; a route without a name (the admin's
  redirects and catch-all) is "namespace:<its pattern>".
- object: None (the route takes none), IN (an object inside the scope of the people
  who work in Gio Linh: its school, district or the province's round; for a job, the
  person's own) or OUT (Đông Hà's: outside their scope, inside the province's; for a
  job, someone else's). Outside the scope the site answers 404, never 403 (the
  admin answers as for a missing object: a redirect to its home page).
- the people: ROLES, one per demo role (see `people` in tests/urls/objects.py).

Each feature's rows, and how to build its URLs, are a module of this package;
`routes_missing` walks the resolver: a route with no row fails `test_url_table.py`.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

IN, OUT = "in", "out"
ROLES = (
    "anonymous",
    "school_staff",
    "district_staff",
    "provincial_staff",
    "leader",
    "admin",
    "outsider",
)


def expect(**statuses: int) -> dict[str, int]:
    """One row's statuses. Anonymous visitors are sent to the login page (302) unless
    the row says otherwise; every other role must be named."""
    row = {"anonymous": 302, **statuses}
    missing = set(ROLES) - set(row)
    unknown = set(row) - set(ROLES)
    if missing or unknown:
        raise ValueError(f"roles missing {sorted(missing)}, unknown {sorted(unknown)}")
    return row


def row(
    school_staff: int,
    district_staff: int,
    provincial_staff: int,
    leader: int,
    admin: int,
    outsider: int,
    *,
    anonymous: int = 302,
) -> dict[str, int]:
    """A row written on one line, in the order of ROLES (anonymous last, by name)."""
    return expect(
        anonymous=anonymous,
        school_staff=school_staff,
        district_staff=district_staff,
        provincial_staff=provincial_staff,
        leader=leader,
        admin=admin,
        outsider=outsider,
    )


def routes(resolver: URLResolver, namespace: str = "", within: str = "", prefix: str = ""):
    """(key, full pattern) of every route under `resolver`, include()d ones too. An
    unnamed route's key is its pattern from the start of its namespace."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace:
                ns = ":".join(n for n in (namespace, entry.namespace) if n)
                yield from routes(entry, ns, "", prefix + str(entry.pattern))
            else:
                inner = within + str(entry.pattern)
                yield from routes(entry, namespace, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            key = entry.name or within + str(entry.pattern)
            yield (f"{namespace}:{key}" if namespace else key), prefix + str(entry.pattern)


def routes_missing(resolver: URLResolver, table: dict) -> list[str]:
    """The routes of `resolver` that have no row in `table`, with their patterns."""
    covered = {key for key, _method, _obj in table}
    return sorted(f"{key}  ({pattern})" for key, pattern in routes(resolver) if key not in covered)


def rows_stale(resolver: URLResolver, table: dict) -> list[str]:
    """Rows naming a route that no longer exists (renamed or removed)."""
    existing = {key for key, _pattern in routes(resolver)}
    return sorted({key for key, _method, _obj in table} - existing)
