import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import Circumstance
from tests.factories import CircumstanceFactory

pytestmark = pytest.mark.django_db


def add_url(student) -> str:
    return reverse("students:circumstance_add", args=[student.pk])


def edit_url(student, circumstance) -> str:
    return reverse("students:circumstance_edit", args=[student.pk, circumstance.pk])


def test_it_adds_a_circumstance_and_refreshes_the_need_score(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(
        add_url(world.student_dh),
        {
            "kind": "disability",
            "disability_type": "mobility",
            "disability_level": "severe",
            "orphan_legal": "unknown",
            "certificate_number": "12/GXN",
            "certificate_date": "01/03/2024",
            "certificate_issuer": "UBND Phường 1",
        },
    )
    assert response.status_code == 302
    circumstance = Circumstance.objects.get(student=world.student_dh)
    assert circumstance.certificate_date == dt.date(2024, 3, 1)
    world.student_dh.refresh_from_db()
    assert world.student_dh.need_score == 8


def test_it_edits_a_circumstance(client, world, district_staff_dh):
    circumstance = CircumstanceFactory(student=world.student_dh, kind="near_poor")
    client.force_login(district_staff_dh)
    url = edit_url(world.student_dh, circumstance)
    assert client.get(url).status_code == 200
    year = timezone.localdate().year
    response = client.post(url, {"kind": "poor", "household_year": year, "orphan_legal": "unknown"})
    assert response.status_code == 302
    circumstance.refresh_from_db()
    assert circumstance.kind == "poor"
    world.student_dh.refresh_from_db()
    assert world.student_dh.need_score == 6


def test_it_refuses_a_disability_without_a_level(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(
        add_url(world.student_dh),
        {"kind": "disability", "disability_type": "vision", "orphan_legal": "unknown"},
    )
    assert response.status_code == 200
    assert "Khuyết tật phải có mức độ" in response.content.decode()
    assert response.context["form"].errors["disability_level"]
    assert not Circumstance.objects.exists()


def test_it_lets_only_association_staff_confirm_other_difficulties(
    client, world, district_staff_gl, school_staff_gl
):
    client.force_login(school_staff_gl)
    assert "confirmed" not in client.get(add_url(world.student_gl)).context["form"].fields
    client.force_login(district_staff_gl)
    assert "confirmed" in client.get(add_url(world.student_gl)).context["form"].fields


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "poor"}, "household_year", "Nhập năm được công nhận hộ nghèo/cận nghèo"),
        ({"kind": "orphan"}, "orphan_label", "Chọn mồ côi cha, mồ côi mẹ"),
        ({"kind": "other"}, "description", "Mô tả hoàn cảnh khó khăn"),
        (
            {"kind": "other", "description": "Nhà bị lũ cuốn", "certificate_date": "future"},
            "certificate_date",
            "Ngày cấp không được ở trong tương lai.",
        ),
    ],
)
def test_it_refuses_an_incomplete_circumstance(
    client, world, district_staff_dh, data, field, message
):
    if data.get("certificate_date") == "future":
        later = timezone.localdate() + dt.timedelta(days=2)
        data = {**data, "certificate_date": later.strftime("%d/%m/%Y")}
    client.force_login(district_staff_dh)
    response = client.post(add_url(world.student_dh), {**data, "orphan_legal": "unknown"})
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Circumstance.objects.exists()


def test_it_answers_404_outside_the_scope(client, world, district_staff_dh, leader):
    theirs = CircumstanceFactory(student=world.student_gl)
    client.force_login(district_staff_dh)
    assert client.get(add_url(world.student_gl)).status_code == 404
    assert client.get(edit_url(world.student_gl, theirs)).status_code == 404
    # Another student's circumstance under one's own student's URL.
    assert client.get(edit_url(world.student_dh, theirs)).status_code == 404
    client.force_login(leader)
    assert client.get(add_url(world.student_dh)).status_code == 404
    response = client.post(add_url(world.student_dh), {"kind": "other", "description": "x"})
    assert response.status_code == 404
    assert Circumstance.objects.count() == 1
