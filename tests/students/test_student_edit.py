import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import Circumstance, StatusChange, Student
from tests.factories import CircumstanceFactory, SchoolFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("students:create")


def edit_url(student) -> str:
    return reverse("students:edit", args=[student.pk])


def add_url(student) -> str:
    return reverse("students:circumstance_add", args=[student.pk])


def student_data(world, **overrides) -> dict:
    data = {
        "full_name": "  Hồ  Thị Mai ",
        "birth_date": "05/09/2012",
        "birth_year": "",
        "gender": "female",
        "ethnicity": world.student_dh.ethnicity_id,
        "personal_id": "",
        "moet_code": "",
        "school": world.school_dh.pk,
        "grade": "7",
        "class_name": "7A",
        "village": "Khu phố 2",
        "commune": world.phuong_1.pk,
        "address_text": "",
        "specific_situation": "Mẹ bị bệnh nặng.",
        "wishes": ["scholarship"],
        "wishes_note": "",
        "status": "studying",
        "guardian_consent_on": "01/09/2025",
        "guardian_consent_by": "Hồ Văn Nam",
        "child_consent_on": "",
        "note": "",
    }
    data.update(overrides)
    return data


def test_it_creates_a_student(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(CREATE, student_data(world))
    student = Student.objects.get(full_name="Hồ Thị Mai")
    assert response.status_code == 302
    assert response.url == reverse("students:detail", args=[student.pk])
    assert student.birth_date == dt.date(2012, 9, 5)
    assert student.birth_year == 2012
    assert student.search_key == "ho thi mai"
    assert student.guardian_consent_on == dt.date(2025, 9, 1)
    assert student.wishes == ["scholarship"]


def test_it_accepts_only_a_birth_year(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    client.post(CREATE, student_data(world, birth_date="", birth_year="2013"))
    student = Student.objects.get(full_name="Hồ Thị Mai")
    assert student.birth_date is None
    assert student.birth_year == 2013


def test_it_offers_only_schools_the_user_may_change(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.get(CREATE)
    form = response.context["form"]
    assert list(form.fields["school"].queryset) == [world.school_dh]
    # Communes are reference data: the whole province's are offered (students live
    # across district lines); tests/khuyenhoc/test_widgets.py has the picker's rules.
    assert set(form.fields["commune"].queryset) == {world.phuong_1, world.gio_my}
    body = response.content.decode()
    assert "Trường THCS Gio Mỹ" not in body


def test_it_refuses_a_school_outside_the_scope(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(CREATE, student_data(world, school=world.school_gl.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["school"]
    assert not Student.objects.filter(full_name="Hồ Thị Mai").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("personal_id", "04521200012", "Số định danh cá nhân phải gồm đúng 12 chữ số"),
        ("personal_id", "0452120001234", "Số định danh cá nhân phải gồm đúng 12 chữ số"),
        ("personal_id", "04521200012A", "Số định danh cá nhân phải gồm đúng 12 chữ số"),
        ("birth_date", "future", "ở trong tương lai"),
        ("grade", "3", "không thuộc cấp học của trường"),
        ("birth_date", "31/02/2012", "Nhập ngày theo dạng ngày/tháng/năm"),
    ],
)
def test_it_refuses_bad_input_with_a_message_on_the_field(
    client, world, district_staff_dh, field, value, message
):
    if value == "future":
        value = (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    client.force_login(district_staff_dh)
    response = client.post(CREATE, student_data(world, **{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert message in response.content.decode()
    assert not Student.objects.filter(full_name="Hồ Thị Mai").exists()


def test_it_updates_a_student_but_leaves_status_and_school_to_their_own_page(
    client, world, district_staff_dh
):
    other = SchoolFactory(name="Trường THCS Phan Bội Châu", commune=world.phuong_1)
    student = world.student_dh
    client.force_login(district_staff_dh)
    data = student_data(world, full_name="Nguyễn Văn Ân", status="dropped_out", school=other.pk)
    response = client.post(edit_url(student), data)
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.full_name == "Nguyễn Văn Ân"
    assert (student.status, student.school) == ("studying", world.school_dh)
    assert not StatusChange.objects.filter(student=student).exists()
    page = client.get(edit_url(student)).content.decode()
    assert reverse("students:status_change", args=[student.pk]) in page


def test_it_saves_nothing_when_an_edit_is_bad(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(
        edit_url(world.student_dh), student_data(world, full_name="Tên mới", grade="11")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "không thuộc cấp học của trường" in body
    assert "<h1>Sửa hồ sơ học sinh</h1>" in body
    assert response.context["student"].full_name == "Nguyễn Văn An"
    world.student_dh.refresh_from_db()
    assert world.student_dh.full_name == "Nguyễn Văn An"


def test_it_answers_404_on_every_edit_url_outside_the_scope(client, world, district_staff_dh):
    circumstance = CircumstanceFactory(student=world.student_gl)
    client.force_login(district_staff_dh)
    urls = [
        edit_url(world.student_gl),
        add_url(world.student_gl),
        reverse("students:circumstance_edit", args=[world.student_gl.pk, circumstance.pk]),
        reverse("students:circumstance_edit", args=[world.student_dh.pk, circumstance.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"kind": "other", "description": "x"}).status_code == 404, url
    assert Circumstance.objects.count() == 1


def test_it_answers_404_to_the_leader_on_every_edit_url(client, world, leader):
    client.force_login(leader)
    for url in [CREATE, edit_url(world.student_dh), add_url(world.student_dh)]:
        assert client.get(url).status_code == 404, url
    response = client.post(edit_url(world.student_dh), student_data(world, full_name="X"))
    assert response.status_code == 404
    world.student_dh.refresh_from_db()
    assert world.student_dh.full_name == "Nguyễn Văn An"


def test_it_lets_school_staff_change_only_their_school(client, world, school_staff_gl):
    client.force_login(school_staff_gl)
    assert client.get(edit_url(world.student_gl)).status_code == 200
    assert client.get(edit_url(world.student_dh)).status_code == 404
    form = client.get(CREATE).context["form"]
    assert list(form.fields["school"].queryset) == [world.school_gl]
