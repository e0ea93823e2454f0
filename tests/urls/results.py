"""Academic results from a school's file (namespace "results"). A preview is a job:
IN is the person's own preview (of Gio Linh's school), OUT someone else's."""

from django.urls import reverse

from tests.urls.table import IN, OUT, row


def _preview(name):
    return lambda o, obj, role: reverse(f"results:{name}", args=[o.owned(o.preview, obj, role).pk])


URLS = {
    "results:upload": lambda o, obj, role: reverse("results:upload"),
    "results:preview": _preview("preview"),
    "results:confirm": _preview("confirm"),
}

# fmt: off
# Statuses of: school staff, district staff, provincial staff, leader, admin, outsider.
ROWS = {
    ("results:upload", "get", None): row(200, 200, 200, 200, 200, 200),
    # No file sent: 400, to everyone (the form has no school to offer some of them).
    ("results:upload", "post", None): row(400, 400, 400, 400, 400, 400),
    ("results:preview", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("results:preview", "get", OUT): row(404, 404, 404, 404, 404, 404),
    # A preview with no matched row is not written: back to it (302).
    ("results:confirm", "post", IN): row(302, 302, 302, 404, 302, 404),
    ("results:confirm", "post", OUT): row(404, 404, 404, 404, 404, 404),
}
# fmt: on
