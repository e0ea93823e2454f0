"""Who may open each URL of the collection: a table of (URL, object inside or outside
the person's scope, role) -> status. Every route of the `collection` namespace must
have its rows: a new route without them fails here. Outside the scope, 404."""

import datetime as dt

import pytest
from django.urls import get_resolver, reverse

from students.models import CollectionRound, Submission
from tests.students.collection.test_view_review import staged
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "school_staff_gl",
    "district_staff_gl",
    "provincial_staff",
    "leader",
    "outsider",
]


def _row(**statuses):
    """Statuses by role; anonymous visitors are always sent to the login page."""
    return {"anonymous": 302, **statuses}


# (route, method, object): statuses by role. Objects: "round" (the province's round),
# "round_out" (Đông Hà's round), "in"/"out" (Gio Linh's / Đông Hà's school or list).
TABLE = {
    ("rounds", "get", None): _row(
        school_staff_gl=200, district_staff_gl=200, provincial_staff=200, leader=200, outsider=200
    ),
    ("round_create", "get", None): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=200, leader=404, outsider=404
    ),
    ("round", "get", "round"): _row(
        school_staff_gl=302, district_staff_gl=200, provincial_staff=200, leader=200, outsider=404
    ),
    ("round", "get", "round_out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=200, leader=200, outsider=404
    ),
    ("round_close", "post", "round"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=302, leader=404, outsider=404
    ),
    ("round_close", "post", "round_out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=302, leader=404, outsider=404
    ),
    ("round_extend", "post", "round"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=302, leader=404, outsider=404
    ),
    ("round_extend", "post", "round_out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=302, leader=404, outsider=404
    ),
    ("round_approve", "post", "round"): _row(
        school_staff_gl=404, district_staff_gl=302, provincial_staff=302, leader=404, outsider=404
    ),
    ("round_approve", "post", "round_out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=302, leader=404, outsider=404
    ),
    ("round_not_submitted", "get", "round"): _row(
        school_staff_gl=200, district_staff_gl=200, provincial_staff=200, leader=200, outsider=404
    ),
    ("round_not_submitted", "get", "round_out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=200, leader=200, outsider=404
    ),
    ("school", "get", "in"): _row(
        school_staff_gl=200, district_staff_gl=200, provincial_staff=200, leader=200, outsider=404
    ),
    ("school", "get", "out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=200, leader=200, outsider=404
    ),
    ("template", "get", "in"): _row(
        school_staff_gl=200, district_staff_gl=200, provincial_staff=200, leader=200, outsider=404
    ),
    ("template", "get", "out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=200, leader=200, outsider=404
    ),
    # No file sent: the form answers 400 to whoever may upload.
    ("upload", "post", "in"): _row(
        school_staff_gl=400, district_staff_gl=400, provincial_staff=400, leader=404, outsider=404
    ),
    ("upload", "post", "out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=400, leader=404, outsider=404
    ),
    ("submission", "get", "in"): _row(
        school_staff_gl=200, district_staff_gl=200, provincial_staff=200, leader=200, outsider=404
    ),
    ("submission", "get", "out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=200, leader=200, outsider=404
    ),
    ("confirm", "post", "in"): _row(
        school_staff_gl=302, district_staff_gl=302, provincial_staff=302, leader=404, outsider=404
    ),
    ("confirm", "post", "out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=302, leader=404, outsider=404
    ),
    # No decision sent: the form answers 400 to whoever may review.
    ("decide", "post", "in"): _row(
        school_staff_gl=404, district_staff_gl=400, provincial_staff=400, leader=404, outsider=404
    ),
    ("decide", "post", "out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=400, leader=404, outsider=404
    ),
    ("errors_file", "get", "in"): _row(
        school_staff_gl=200, district_staff_gl=200, provincial_staff=200, leader=200, outsider=404
    ),
    ("errors_file", "get", "out"): _row(
        school_staff_gl=404, district_staff_gl=404, provincial_staff=200, leader=200, outsider=404
    ),
}

CASES = [
    pytest.param(name, method, obj, role, status, id=f"{name}-{obj or '-'}-{role}")
    for (name, method, obj), statuses in TABLE.items()
    for role, status in statuses.items()
]


def test_every_collection_route_has_its_rows():
    routes = {
        name
        for name in get_resolver().namespace_dict["collection"][1].reverse_dict
        if isinstance(name, str)
    }
    covered = {name for name, _method, _obj in TABLE}
    assert routes == covered
    for (_name, _method, _obj), statuses in TABLE.items():
        assert set(statuses) == set(ROLES)


@pytest.fixture
def objects(tmp_path, world, school_staff_gl, district_staff_dh):
    collection_round = round_make(world)
    round_out = CollectionRound.objects.create(
        name="Đợt Đông Hà",
        school_year=2026,
        area=world.dong_ha,
        opens_on=dt.date(2026, 9, 1),
        deadline=dt.date(2026, 10, 1),
    )
    inside = staged(tmp_path, world, school_staff_gl, collection_round)
    # The same list (file and counts, without its rows), sent by Đông Hà's school:
    # outside Gio Linh's scope.
    outside = Submission.objects.get(pk=inside.pk)
    outside.pk, outside.school = None, world.school_dh
    outside.save()
    return {
        "round": collection_round,
        "round_out": round_out,
        "in": inside,
        "out": outside,
        "world": world,
    }


def _url(name, obj, objects):
    world = objects["world"]
    if obj is None:
        return reverse(f"collection:{name}")
    if obj.startswith("round"):
        return reverse(f"collection:{name}", args=[objects[obj].pk])
    if name in ("school", "template", "upload"):
        school = world.school_gl if obj == "in" else world.school_dh
        return reverse(f"collection:{name}", args=[objects["round"].pk, school.pk])
    return reverse(f"collection:{name}", args=[objects[obj].pk])


@pytest.mark.parametrize(("name", "method", "obj", "role", "status"), CASES)
def test_it_answers_each_role_as_the_table_says(
    request, client, objects, name, method, obj, role, status
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(_url(name, obj, objects))
    assert response.status_code == status
