"""Students whose commune is unknown (namespace "addresses")."""

from django.urls import reverse

from tests.urls.table import IN, OUT, row

URLS = {
    "addresses:unresolved": lambda o, obj, role: reverse("addresses:unresolved"),
    "addresses:match": lambda o, obj, role: reverse("addresses:match"),
    "addresses:set": lambda o, obj, role: reverse("addresses:set", args=[o.student[obj].pk]),
}

# fmt: off
# Statuses of: school staff, district staff, provincial staff, leader, admin, outsider.
ROWS = {
    ("addresses:unresolved", "get", None): row(200, 200, 200, 200, 200, 200),
    ("addresses:match", "post", None): row(302, 302, 302, 404, 302, 404),
    ("addresses:set", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("addresses:set", "get", OUT): row(404, 404, 200, 404, 200, 404),
    # No commune sent: the form answers 400.
    ("addresses:set", "post", IN): row(400, 400, 400, 404, 400, 404),
    ("addresses:set", "post", OUT): row(404, 404, 400, 404, 400, 404),
}
# fmt: on
