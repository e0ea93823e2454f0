"""The registry's pages (namespace "students"): the list, a student's record and its
parts, status, supports, export, the year's roll-over and the leavers."""

from django.urls import reverse

from tests.urls.table import IN, OUT, row


def _student(name):
    return lambda o, obj, role: reverse(f"students:{name}", args=[o.student[obj].pk])


def _part(name, parts):
    return lambda o, obj, role: reverse(
        f"students:{name}", args=[o.student[obj].pk, getattr(o, parts)[obj].pk]
    )


URLS = {
    "students:list": lambda o, obj, role: reverse("students:list"),
    "students:create": lambda o, obj, role: reverse("students:create"),
    "students:detail": _student("detail"),
    "students:edit": _student("edit"),
    "students:circumstance_add": _student("circumstance_add"),
    "students:circumstance_edit": _part("circumstance_edit", "circumstance"),
    "students:guardian_add": _student("guardian_add"),
    "students:guardian_edit": _part("guardian_edit", "guardian"),
    "students:support_add": _student("support_add"),
    "students:support_edit": _part("support_edit", "support"),
    "students:support_delete": _part("support_delete", "support"),
    "students:status_change": _student("status_change"),
    "students:export": lambda o, obj, role: reverse("students:export"),
    "students:export_download": lambda o, obj, role: reverse(
        "students:export_download", args=[o.owned(o.export_job, obj, role).pk]
    ),
    "students:rollover": lambda o, obj, role: reverse("students:rollover"),
    "students:leavers": lambda o, obj, role: reverse("students:leavers"),
    "students:leaver_keep": lambda o, obj, role: reverse(
        "students:leaver_keep", args=[o.leaver[obj].pk]
    ),
}

# fmt: off
# Statuses of: school staff, district staff, provincial staff, leader, admin, outsider.
ROWS = {
    # Lists answer everyone signed in; someone with no grant sees them empty.
    ("students:list", "get", None): row(200, 200, 200, 200, 200, 200),
    ("students:create", "get", None): row(200, 200, 200, 404, 200, 404),
    # An empty form sent: the form again (200), nothing saved.
    ("students:create", "post", None): row(200, 200, 200, 404, 200, 404),
    ("students:detail", "get", IN): row(200, 200, 200, 200, 200, 404),
    ("students:detail", "get", OUT): row(404, 404, 200, 200, 200, 404),
    ("students:edit", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:edit", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:edit", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:edit", "post", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:circumstance_add", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:circumstance_add", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:circumstance_add", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:circumstance_add", "post", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:circumstance_edit", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:circumstance_edit", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:circumstance_edit", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:circumstance_edit", "post", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:guardian_add", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:guardian_add", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:guardian_add", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:guardian_add", "post", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:guardian_edit", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:guardian_edit", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:guardian_edit", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:guardian_edit", "post", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:support_add", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:support_add", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:support_add", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:support_add", "post", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:support_edit", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:support_edit", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:support_edit", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:support_edit", "post", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:status_change", "get", IN): row(200, 200, 200, 404, 200, 404),
    ("students:status_change", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:status_change", "post", IN): row(200, 200, 200, 404, 200, 404),
    ("students:status_change", "post", OUT): row(404, 404, 200, 404, 200, 404),
    # Only the province deletes a support (district and school staff may not).
    ("students:support_delete", "get", IN): row(404, 404, 200, 404, 200, 404),
    ("students:support_delete", "get", OUT): row(404, 404, 200, 404, 200, 404),
    ("students:support_delete", "post", IN): row(404, 404, 302, 404, 302, 404),
    ("students:support_delete", "post", OUT): row(404, 404, 302, 404, 302, 404),
    # The export starts a job (POST); the download is its owner's only.
    ("students:export", "get", None): row(405, 405, 405, 405, 405, 405),
    ("students:export", "post", None): row(302, 302, 302, 302, 302, 302),
    ("students:export_download", "get", IN): row(200, 200, 200, 200, 200, 200),
    ("students:export_download", "get", OUT): row(404, 404, 404, 404, 404, 404),
    # The year's roll-over is the province's.
    ("students:rollover", "get", None): row(404, 404, 200, 404, 200, 404),
    ("students:rollover", "post", None): row(404, 404, 200, 404, 200, 404),
    ("students:leavers", "get", None): row(200, 200, 200, 200, 200, 200),
    ("students:leaver_keep", "get", IN): row(405, 405, 405, 405, 405, 405),
    ("students:leaver_keep", "get", OUT): row(405, 405, 405, 405, 405, 405),
    ("students:leaver_keep", "post", IN): row(302, 302, 302, 404, 302, 404),
    ("students:leaver_keep", "post", OUT): row(404, 404, 302, 404, 302, 404),
}
# fmt: on
