"""The collection of lists from schools (namespace "collection"). IN is the province's
round (Gio Linh's schools take part) and Gio Linh's school or list; OUT is Đông Hà's
round and Đông Hà's school or list."""

from django.urls import reverse

from tests.urls.table import IN, OUT, row


def _round(name):
    return lambda o, obj, role: reverse(f"collection:{name}", args=[o.round[obj].pk])


def _school(name):
    # Both schools in the province's round: the school decides.
    return lambda o, obj, role: reverse(
        f"collection:{name}", args=[o.round[IN].pk, o.school[obj].pk]
    )


def _submission(name):
    return lambda o, obj, role: reverse(f"collection:{name}", args=[o.submission[obj].pk])


URLS = {
    "collection:rounds": lambda o, obj, role: reverse("collection:rounds"),
    "collection:round_create": lambda o, obj, role: reverse("collection:round_create"),
    "collection:round": _round("round"),
    "collection:round_close": _round("round_close"),
    "collection:round_extend": _round("round_extend"),
    "collection:round_approve": _round("round_approve"),
    "collection:round_not_submitted": _round("round_not_submitted"),
    "collection:school": _school("school"),
    "collection:template": _school("template"),
    "collection:upload": _school("upload"),
    "collection:submission": _submission("submission"),
    "collection:confirm": _submission("confirm"),
    "collection:decide": _submission("decide"),
    "collection:errors_file": _submission("errors_file"),
}

# fmt: off
# Statuses of: school staff, district staff, provincial staff, leader, admin, outsider.
ROWS = {
    ("collection:rounds", "get", None): row(200, 200, 200, 200, 200, 200),
    ("collection:round_create", "get", None): row(404, 404, 200, 404, 200, 404),
    ("collection:round_create", "post", None): row(404, 404, 200, 404, 200, 404),
    # A school's staff are sent from the round to their school's page.
    ("collection:round", "get", IN): row(302, 200, 200, 200, 200, 404),
    ("collection:round", "get", OUT): row(404, 404, 200, 200, 200, 404),
    ("collection:round_close", "post", IN): row(404, 404, 302, 404, 302, 404),
    ("collection:round_close", "post", OUT): row(404, 404, 302, 404, 302, 404),
    ("collection:round_extend", "post", IN): row(404, 404, 302, 404, 302, 404),
    ("collection:round_extend", "post", OUT): row(404, 404, 302, 404, 302, 404),
    ("collection:round_approve", "post", IN): row(404, 302, 302, 404, 302, 404),
    ("collection:round_approve", "post", OUT): row(404, 404, 302, 404, 302, 404),
    ("collection:round_not_submitted", "get", IN): row(200, 200, 200, 200, 200, 404),
    ("collection:round_not_submitted", "get", OUT): row(404, 404, 200, 200, 200, 404),
    ("collection:school", "get", IN): row(200, 200, 200, 200, 200, 404),
    ("collection:school", "get", OUT): row(404, 404, 200, 200, 200, 404),
    ("collection:template", "get", IN): row(200, 200, 200, 200, 200, 404),
    ("collection:template", "get", OUT): row(404, 404, 200, 200, 200, 404),
    # No file sent: the form answers 400 to whoever may upload.
    ("collection:upload", "post", IN): row(400, 400, 400, 404, 400, 404),
    ("collection:upload", "post", OUT): row(404, 404, 400, 404, 400, 404),
    ("collection:submission", "get", IN): row(200, 200, 200, 200, 200, 404),
    ("collection:submission", "get", OUT): row(404, 404, 200, 200, 200, 404),
    ("collection:confirm", "post", IN): row(302, 302, 302, 404, 302, 404),
    ("collection:confirm", "post", OUT): row(404, 404, 302, 404, 302, 404),
    # No decision sent: the form answers 400 to whoever may review.
    ("collection:decide", "post", IN): row(404, 400, 400, 404, 400, 404),
    ("collection:decide", "post", OUT): row(404, 404, 400, 404, 400, 404),
    ("collection:errors_file", "get", IN): row(200, 200, 200, 200, 200, 404),
    ("collection:errors_file", "get", OUT): row(404, 404, 200, 200, 200, 404),
}
# fmt: on
