"""People's names follow one rule (khuyenhoc/text.py name_problem) in the forms, the
services and imported files: markup, digits, symbols and right-to-left letters are
refused with a Vietnamese message; invisible characters are removed; search finds a
name that arrived with them."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from students.models import Guardian, Student
from students.record.services import student_create
from tests.factories import StudentFactory
from tests.students.test_student_edit import CREATE, edit_url, student_data

pytestmark = pytest.mark.django_db

ZWSP, RLO, PDF = "\u200b", "\u202e", "\u202c"
BAD_NAMES = [
    ("<script>alert(1)</script>", "mã HTML"),
    ("Hồ Thị <b>Mai</b>", "mã HTML"),
    ("Hồ Thị Mai 2", "chữ số"),
    ("=1+1", "chữ số"),
    ("@Hồ Thị Mai", "“@”"),
    ("Hồ Thị Mai 😀", "không dùng trong tên"),
    ("מאי", "từ phải sang trái"),
]


@pytest.mark.parametrize(("name", "says"), BAD_NAMES)
def test_it_refuses_such_a_name_for_a_new_student(client, world, district_staff_dh, name, says):
    client.force_login(district_staff_dh)
    before = Student.objects.count()
    response = client.post(CREATE, student_data(world, full_name=name))
    assert response.status_code == 200
    (message,) = response.context["form"].errors["full_name"]
    assert says in message and "Chỉ ghi họ và tên bằng chữ cái" in message
    assert Student.objects.count() == before


def test_it_refuses_such_a_name_when_a_student_is_edited(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    student = world.student_dh
    data = student_data(world, full_name="Nguyễn Văn An 3")
    response = client.post(edit_url(student), data)
    assert response.status_code == 200
    assert "chữ số" in response.context["form"].errors["full_name"][0]
    student.refresh_from_db()
    assert student.full_name == "Nguyễn Văn An"


def test_the_service_refuses_it_whatever_the_way_in(world, district_staff_dh):
    data = {
        "full_name": "<img src=x onerror=alert(1)>",
        "birth_year": 2012,
        "gender": "male",
        "ethnicity": world.student_dh.ethnicity,
        "school": world.school_dh,
        "grade": 7,
    }
    with pytest.raises(ValidationError) as caught:
        student_create(user=district_staff_dh, data=data)
    assert "mã HTML" in caught.value.message_dict["full_name"][0]


def test_it_removes_invisible_characters_and_search_finds_the_name(
    client, world, district_staff_dh
):
    client.force_login(district_staff_dh)
    written = f"Hồ{ZWSP} Thị {RLO}Mai{PDF}\ufeff"
    response = client.post(CREATE, student_data(world, full_name=written))
    assert response.status_code == 302
    student = Student.objects.get(search_key="ho thi mai")
    assert (student.full_name, student.search_key) == ("Hồ Thị Mai", "ho thi mai")
    assert list(Student.objects.search("hồ thị mai")) == [student]
    # A search typed (or pasted) with such characters finds it too.
    assert list(Student.objects.search(f"ho{ZWSP} thi mai")) == [student]


def test_the_migration_clears_search_keys_stored_with_invisible_characters(world):
    """Keys written before the rule: the data migration removes what search_key now
    drops, so those students are found again."""
    student = StudentFactory(school=world.school_dh, full_name="Hồ Thị Mai", grade=7)
    Student.objects.filter(pk=student.pk).update(search_key=f"ho{ZWSP} thi{RLO}  mai\x01")
    assert not Student.objects.search("ho thi mai").exists()
    migration = importlib.import_module(
        "students.migrations.0020_circumstance_household_year_unknown"
    )
    with connection.schema_editor() as editor:
        migration.keys_clean(None, editor)
    student.refresh_from_db()
    assert student.search_key == "ho thi mai"
    assert list(Student.objects.search("ho thi mai")) == [student]


@pytest.mark.parametrize(("name", "says"), BAD_NAMES[:3])
def test_it_refuses_such_a_guardian_name(client, world, district_staff_dh, name, says):
    client.force_login(district_staff_dh)
    response = client.post(
        reverse("students:guardian_add", args=[world.student_dh.pk]),
        {"full_name": name, "relation": "mother", "phone": ""},
    )
    assert response.status_code == 200
    assert says in response.context["form"].errors["full_name"][0]
    assert not Guardian.objects.filter(student=world.student_dh).exists()


def test_it_keeps_names_schools_really_write(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    for name in ("H'Hen Niê", "Hồ Thị Mai (Na)", "Nguyễn T. Hoa", "Kpă Y-Sơn"):
        response = client.post(CREATE, student_data(world, full_name=name, class_name="7B"))
        assert response.status_code == 302, response.context["form"].errors
    assert Student.objects.filter(class_name="7B").count() == 4


def test_a_name_on_record_from_before_the_rule_is_judged_only_when_changed(
    client, world, district_staff_dh
):
    legacy = StudentFactory(school=world.school_dh, full_name="Nguyễn Văn An 2", grade=7)
    client.force_login(district_staff_dh)
    data = student_data(world, full_name="Nguyễn Văn An 2", class_name="7C")
    assert client.post(edit_url(legacy), data).status_code == 302
    legacy.refresh_from_db()
    assert legacy.class_name == "7C"
    data["full_name"] = "Nguyễn Văn An 3"
    response = client.post(edit_url(legacy), data)
    assert "chữ số" in response.context["form"].errors["full_name"][0]
