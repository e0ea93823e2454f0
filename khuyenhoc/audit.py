"""The log of who viewed or exported students' personal data (Decree 13/2023/NĐ-CP).

Call `personal_data_access_log` where personal data leaves the database for a person:
a record page, a downloaded list, a command-line export. It costs one INSERT and never
fails the request that calls it: a log row that cannot be written is reported to the
error log, and the person still gets their page or file.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.db import DatabaseError

from khuyenhoc.models import Area, PersonalDataAccess, School

logger = logging.getLogger(__name__)

Action = PersonalDataAccess.Action

_WHAT_MAX = PersonalDataAccess._meta.get_field("what").max_length
_INT_MAX = 2**31 - 1


def personal_data_access_log(
    *,
    user,
    action: str,
    what: str,
    school: School | None = None,
    area: Area | None = None,
    rows: int | None = None,
    student_id: int | None = None,
    request=None,
) -> PersonalDataAccess | None:
    """Record one look at or export of personal data; return the row, or None when it
    could not be written.

    `what` says in a few words what was seen ("Trường THCS Gio Mỹ, 68 học sinh"); it
    must not repeat the personal data itself. `user` may be None (a command run
    without --user); an anonymous user counts as None.
    """
    if action not in Action.values:
        logger.error("personal data access not logged: unknown action %r", action)
        return None
    entry = PersonalDataAccess(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        what=str(what or "")[:_WHAT_MAX],
        school=school,
        area=area,
        rows=rows if rows is None or 0 <= rows <= _INT_MAX else None,
        student_id=student_id,
        ip_address=_client_ip(request),
    )
    # Every value is checked above, so only the database itself can make the INSERT
    # fail. No savepoint: it would cost two more round trips inside a transaction,
    # and the views and commands that call this do not run in one.
    try:
        entry.save(force_insert=True)
    except DatabaseError:
        logger.exception("personal data access not logged: %s %s", action, entry.what)
        return None
    return entry


def students_what(where: str, count: int | None) -> str:
    """ "Trường THCS Gio Mỹ, 1.234 học sinh": the usual `what` of a list."""
    if count is None:
        return where
    grouped = f"{count:,}".replace(",", ".")
    return f"{where}, {grouped} học sinh"


def _client_ip(request) -> str | None:
    """The address the request came from.

    REMOTE_ADDR, or behind TRUSTED_PROXY_HOPS reverse proxies the entry of
    X-Forwarded-For the outermost of them wrote: entries further left are set by the
    client, and a log that anyone can write into proves nothing.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        address = forwarded[-hops] if len(forwarded) >= hops else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
