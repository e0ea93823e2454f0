"""Every route of the duplicates queue, for every kind of user: anonymous people go to
the login page, outsiders and staff of one side only get 404 for a pair, people who
may look but not decide get 403 for a decision, and the decisions work for those who
may take them. A route without a row here fails the last test."""

import pytest
from django.urls import reverse

from students.duplicates import urls as urls_duplicates
from students.duplicates.services import duplicate_merge
from students.models import DuplicatePair
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

# (route, method, who, expected status)
TABLE = [
    ("list", "get", "anonymous", 302),
    ("list", "get", "outsider", 200),
    ("list", "get", "leader", 200),
    ("list", "get", "school_staff_gl", 200),
    ("list", "get", "district_staff_gl", 200),
    ("list", "get", "provincial_staff", 200),
    ("detect", "post", "anonymous", 302),
    ("detect", "post", "outsider", 403),
    ("detect", "post", "leader", 403),
    ("detect", "post", "school_staff_gl", 403),
    ("detect", "post", "district_staff_gl", 403),
    ("detect", "post", "provincial_staff", 302),
    ("detail", "get", "anonymous", 302),
    ("detail", "get", "outsider", 404),
    ("detail", "get", "district_staff_dh", 404),
    ("detail", "get", "leader", 200),
    ("detail", "get", "school_staff_gl", 200),
    ("detail", "get", "district_staff_gl", 200),
    ("detail", "get", "provincial_staff", 200),
    ("merge", "get", "anonymous", 302),
    ("merge", "get", "outsider", 404),
    ("merge", "get", "district_staff_dh", 404),
    ("merge", "get", "leader", 403),
    ("merge", "get", "district_staff_gl", 200),
    ("merge", "get", "school_staff_gl", 200),
    ("merge", "post", "district_staff_gl", 302),
    ("merge", "post", "provincial_staff", 302),
    ("distinct", "post", "anonymous", 302),
    ("distinct", "post", "outsider", 404),
    ("distinct", "post", "district_staff_dh", 404),
    ("distinct", "post", "leader", 403),
    ("distinct", "post", "district_staff_gl", 302),
    ("merge-undo", "post", "anonymous", 302),
    ("merge-undo", "post", "outsider", 404),
    ("merge-undo", "post", "district_staff_dh", 404),
    ("merge-undo", "post", "leader", 403),
    ("merge-undo", "post", "district_staff_gl", 403),
    ("merge-undo", "post", "school_staff_gl", 403),
    ("merge-undo", "post", "provincial_staff", 302),
]


@pytest.fixture
def gio_linh_pair(world):
    """Two records of one child in Gio Mỹ: a pending pair, or (for the undo) merged."""
    a = StudentFactory(full_name="Hồ Văn Kăn", school=world.school_gl, commune=world.gio_my)
    b = StudentFactory(full_name="Ho Van Kan", school=world.school_gl, commune=world.gio_my)
    return DuplicatePair.objects.create(
        student_a_id=min(a.pk, b.pk), student_b_id=max(a.pk, b.pk), score=90, reasons=[]
    )


@pytest.mark.parametrize(("route", "method", "who", "expected"), TABLE)
def test_it_answers_each_route_for_each_user(
    request, client, world, gio_linh_pair, route, method, who, expected
):
    pair = gio_linh_pair
    if route == "merge-undo":
        staff = request.getfixturevalue("district_staff_gl")
        duplicate_merge(user=staff, pair=pair, keep=pair.student_a)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    args = [] if route in ("list", "detect") else [pair.pk]
    url = reverse(f"duplicates:{route}", args=args)
    data = {"keep": pair.student_a_id}
    if route == "merge" and method == "post":
        data["confirmed"] = "1"
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, (route, method, who)
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    pair.refresh_from_db()
    if expected >= 400 or who == "anonymous":
        # Refused: nothing decided, nothing undone.
        state = "merged" if route == "merge-undo" else "pending"
        assert pair.state == state


def test_every_route_has_rows():
    routes = {p.name for p in urls_duplicates.urlpatterns}
    assert routes == {row[0] for row in TABLE}
    for route in routes:
        whom = {who for r, _m, who, _e in TABLE if r == route}
        assert "anonymous" in whom and "outsider" in whom, route
