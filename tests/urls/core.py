"""The project's own pages: home, sign-in and out, a job's progress."""

from django.urls import reverse

from tests.urls.table import IN, OUT, row

URLS = {
    "home": lambda o, obj, role: reverse("home"),
    "login": lambda o, obj, role: reverse("login"),
    "logout": lambda o, obj, role: reverse("logout"),
    "job-detail": lambda o, obj, role: reverse("job-detail", args=[o.owned(o.job, obj, role).pk]),
}

# fmt: off
# Statuses of: school staff, district staff, provincial staff, leader, admin, outsider.
ROWS = {
    ("home", "get", None): row(200, 200, 200, 200, 200, 200),
    # Open to anonymous visitors (login_not_required); a signed-in person is sent home.
    ("login", "get", None): row(302, 302, 302, 302, 302, 302, anonymous=200),
    ("login", "post", None): row(302, 302, 302, 302, 302, 302, anonymous=200),
    # Signing out is a POST (Django's LogoutView), open to anyone: it ends at the
    # sign-in page.
    ("logout", "get", None): row(405, 405, 405, 405, 405, 405, anonymous=405),
    ("logout", "post", None): row(302, 302, 302, 302, 302, 302),
    # The person's own job, finished: its page goes on to the job's result.
    ("job-detail", "get", IN): row(302, 302, 302, 302, 302, 302),
    ("job-detail", "get", OUT): row(404, 404, 404, 404, 404, 404),
}
# fmt: on
# Anonymous visitors who are not sent to the sign-in page with ?next=.
LOGIN_REDIRECT_EXEMPT = {"logout"}
