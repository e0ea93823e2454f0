"""The queue of possible duplicates (namespace "duplicates"). IN is a pair of two
Gio Linh students, OUT a pair of two Đông Hà students; the undo takes a merged pair."""

from django.urls import reverse

from tests.urls.table import IN, OUT, row


def _pair(name, pairs="pair"):
    def url(o, obj, role):
        pair = getattr(o, pairs)[obj]
        return reverse(f"duplicates:{name}", args=[pair.pk]), {"keep": pair.student_a_id}

    return url


URLS = {
    "duplicates:list": lambda o, obj, role: reverse("duplicates:list"),
    "duplicates:detect": lambda o, obj, role: reverse("duplicates:detect"),
    "duplicates:detail": _pair("detail"),
    "duplicates:merge": _pair("merge"),
    "duplicates:distinct": _pair("distinct"),
    "duplicates:merge-undo": _pair("merge-undo", "pair_merged"),
}

# fmt: off
# Statuses of: school staff, district staff, provincial staff, leader, admin, outsider.
ROWS = {
    ("duplicates:list", "get", None): row(200, 200, 200, 200, 200, 200),
    # Inside the scope, a decision the person may not take answers 403 here (the
    # other features answer 404); outside the scope, 404 as everywhere.
    ("duplicates:detect", "post", None): row(403, 403, 302, 403, 302, 403),
    ("duplicates:detail", "get", IN): row(200, 200, 200, 200, 200, 404),
    ("duplicates:detail", "get", OUT): row(404, 404, 200, 200, 200, 404),
    ("duplicates:merge", "get", IN): row(200, 200, 200, 403, 200, 404),
    ("duplicates:merge", "get", OUT): row(404, 404, 200, 403, 200, 404),
    # Without "confirmed", the page that asks to confirm the merge (200).
    ("duplicates:merge", "post", IN): row(200, 200, 200, 403, 200, 404),
    ("duplicates:merge", "post", OUT): row(404, 404, 200, 403, 200, 404),
    ("duplicates:distinct", "post", IN): row(302, 302, 302, 403, 302, 404),
    ("duplicates:distinct", "post", OUT): row(404, 404, 302, 403, 302, 404),
    # Only the province undoes a merge.
    ("duplicates:merge-undo", "post", IN): row(403, 403, 302, 403, 302, 404),
    ("duplicates:merge-undo", "post", OUT): row(404, 404, 302, 403, 302, 404),
}
# fmt: on
