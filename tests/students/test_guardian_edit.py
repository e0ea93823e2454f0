import pytest
from django.urls import reverse

from students.models import Guardian
from tests.factories import GuardianFactory

pytestmark = pytest.mark.django_db


def add_url(student) -> str:
    return reverse("students:guardian_add", args=[student.pk])


def edit_url(student, guardian) -> str:
    return reverse("students:guardian_edit", args=[student.pk, guardian.pk])


def test_it_adds_a_guardian_and_restores_a_lost_leading_zero(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(
        add_url(world.student_dh),
        {
            "full_name": " Lê  Thị Hoa ",
            "relation": "mother",
            "occupation": "",
            "phone": "912 345 678",
        },
    )
    assert response.status_code == 302
    guardian = Guardian.objects.get(student=world.student_dh)
    assert (guardian.full_name, guardian.phone, guardian.search_key) == (
        "Lê Thị Hoa",
        "0912345678",
        "le thi hoa",
    )


def test_it_edits_a_guardian(client, world, district_staff_dh):
    guardian = GuardianFactory(student=world.student_dh)
    client.force_login(district_staff_dh)
    response = client.post(
        edit_url(world.student_dh, guardian),
        {"full_name": "Nguyễn Văn Bình", "relation": "father", "occupation": "Thợ hồ", "phone": ""},
    )
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert (guardian.occupation, guardian.phone) == ("Thợ hồ", "")


def test_it_refuses_a_bad_phone_number(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(
        add_url(world.student_dh),
        {"full_name": "Lê Thị Hoa", "relation": "mother", "phone": "12345"},
    )
    assert response.status_code == 200
    assert "Số điện thoại phải bắt đầu bằng 0" in response.content.decode()
    assert not Guardian.objects.exists()


def test_it_answers_404_outside_the_scope(client, world, district_staff_dh, leader):
    theirs = GuardianFactory(student=world.student_gl)
    client.force_login(district_staff_dh)
    assert client.get(add_url(world.student_gl)).status_code == 404
    assert client.get(edit_url(world.student_gl, theirs)).status_code == 404
    assert client.get(edit_url(world.student_dh, theirs)).status_code == 404
    client.force_login(leader)
    assert client.get(add_url(world.student_dh)).status_code == 404
    response = client.post(add_url(world.student_dh), {"full_name": "X", "relation": "father"})
    assert response.status_code == 404
    assert Guardian.objects.count() == 1
