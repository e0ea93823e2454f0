"""The list of collection rounds, and opening one (provincial staff)."""

import datetime as dt

import pytest
from django.urls import reverse

from students.models import CollectionRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(world):
    kw = {"school_year": 2026, "opens_on": dt.date(2026, 9, 1), "deadline": dt.date(2026, 10, 15)}
    return (
        CollectionRound.objects.create(name="Đợt toàn tỉnh", area=world.province, **kw),
        CollectionRound.objects.create(name="Đợt riêng Gio Linh", area=world.gio_linh, **kw),
    )


@pytest.mark.parametrize(
    "who, seen",
    [
        ("provincial_staff", {"Đợt toàn tỉnh", "Đợt riêng Gio Linh"}),
        ("leader", {"Đợt toàn tỉnh", "Đợt riêng Gio Linh"}),
        ("district_staff_gl", {"Đợt toàn tỉnh", "Đợt riêng Gio Linh"}),
        ("school_staff_gl", {"Đợt toàn tỉnh", "Đợt riêng Gio Linh"}),
        ("district_staff_dh", {"Đợt toàn tỉnh"}),
        ("outsider", set()),
    ],
)
def test_it_lists_the_rounds_that_reach_the_user(request, client, rounds, who, seen):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("collection:rounds"))
    assert response.status_code == 200
    assert {r.name for r in response.context["rounds"]} == seen


def test_only_provincial_staff_see_the_button_to_open_a_round(
    client, provincial_staff, district_staff_gl
):
    client.force_login(provincial_staff)
    assert "Mở đợt thu thập" in client.get(reverse("collection:rounds")).content.decode()
    client.force_login(district_staff_gl)
    assert "Mở đợt thu thập" not in client.get(reverse("collection:rounds")).content.decode()


def test_provincial_staff_open_a_round(client, world, provincial_staff):
    client.force_login(provincial_staff)
    response = client.post(
        reverse("collection:round_create"),
        {
            "name": "Thu thập năm học 2026-2027",
            "school_year": "2026",
            "area": world.province.pk,
            "opens_on": "01/09/2026",
            "deadline": "15/10/2026",
        },
    )
    collection_round = CollectionRound.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("collection:round", args=[collection_round.pk])
    assert collection_round.deadline == dt.date(2026, 10, 15)
    assert collection_round.created_by == provincial_staff


def test_it_refuses_a_deadline_before_the_opening(client, world, provincial_staff):
    client.force_login(provincial_staff)
    response = client.post(
        reverse("collection:round_create"),
        {
            "name": "Đợt sai ngày",
            "school_year": "2026",
            "area": world.province.pk,
            "opens_on": "15/10/2026",
            "deadline": "01/09/2026",
        },
    )
    assert response.status_code == 200
    assert "Hạn nộp phải sau ngày mở đợt." in response.content.decode()
    assert not CollectionRound.objects.exists()


@pytest.mark.parametrize("who", ["district_staff_gl", "school_staff_gl", "leader", "outsider"])
def test_others_cannot_open_a_round(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("collection:round_create")
    assert client.get(url).status_code == 404
    data = {
        "name": "x",
        "school_year": "2026",
        "area": world.gio_linh.pk,
        "opens_on": "01/09/2026",
        "deadline": "15/10/2026",
    }
    assert client.post(url, data).status_code == 404
    assert not CollectionRound.objects.exists()


def test_an_area_outside_the_scope_is_not_a_choice(client, world):
    from khuyenhoc.roles import Role
    from tests.factories import user_with_role

    staff = user_with_role(Role.PROVINCIAL_STAFF, area=world.dong_ha, username="tinh_dh")
    client.force_login(staff)
    response = client.post(
        reverse("collection:round_create"),
        {
            "name": "x",
            "school_year": "2026",
            "area": world.gio_linh.pk,
            "opens_on": "01/09/2026",
            "deadline": "15/10/2026",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["area"]
    assert not CollectionRound.objects.exists()
