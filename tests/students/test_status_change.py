import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from khuyenhoc.models import School
from students.models import Status, StatusChange, Student
from students.status.services import student_status_change
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def url(student) -> str:
    return reverse("students:status_change", args=[student.pk])


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def form(**values) -> dict:
    data = {"changed_on": yesterday().strftime("%d/%m/%Y"), "reason": "Gia đình chuyển nhà"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def school_dh2(world):
    return SchoolFactory(name="Trường THCS Phan Đình Phùng", commune=world.phuong_1)


def test_it_transfers_a_student_to_another_school_keeping_the_history(
    client, world, district_staff_dh, school_dh2
):
    student = world.student_dh
    client.force_login(district_staff_dh)
    response = client.post(
        url(student), form(action="transfer", to_school=school_dh2.pk, grade=7, class_name="7C")
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.school == school_dh2
    assert student.status == Status.STUDYING
    assert student.class_name == "7C"
    assert student.status_changed_on == yesterday()
    change = StatusChange.objects.get(student=student)
    assert change.status == Status.TRANSFERRED
    assert change.from_school == world.school_dh
    assert change.to_school == school_dh2
    assert change.recorded_by == district_staff_dh
    assert change.reason == "Gia đình chuyển nhà"
    # The trigger history says who moved the record and from which page.
    event = student.events.order_by("-pgh_id").first()
    assert event.school_id == school_dh2.pk
    assert event.pgh_context.metadata["source"] == "form"
    assert event.pgh_context.metadata["user"] == district_staff_dh.pk
    body = client.get(reverse("students:detail", args=[student.pk])).content.decode()
    assert "Trường THCS Nguyễn Trãi → Trường THCS Phan Đình Phùng" in body


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("graduated", Status.GRADUATED),
        ("dropped_out", Status.DROPPED_OUT),
        ("not_eligible", Status.NOT_ELIGIBLE),
        ("deceased", Status.DECEASED),
    ],
)
def test_it_records_a_dated_status_with_its_reason(
    client, world, district_staff_dh, action, status
):
    client.force_login(district_staff_dh)
    response = client.post(url(world.student_dh), form(action=action, reason="Theo báo cáo"))
    assert response.status_code == 302
    world.student_dh.refresh_from_db()
    assert world.student_dh.status == status
    assert world.student_dh.school == world.school_dh
    change = StatusChange.objects.get(student=world.student_dh)
    assert (change.status, change.changed_on, change.reason) == (
        status,
        yesterday(),
        "Theo báo cáo",
    )
    assert change.from_school is None and change.to_school is None


def test_it_brings_a_student_back_to_studying(client, world, district_staff_dh):
    Student.objects.filter(pk=world.student_dh.pk).update(status=Status.DROPPED_OUT)
    client.force_login(district_staff_dh)
    page = client.get(url(world.student_dh)).content.decode()
    assert "Quay lại học" in page
    assert 'value="transfer"' not in page
    response = client.post(url(world.student_dh), form(action="studying", reason="Đi học lại"))
    assert response.status_code == 302
    world.student_dh.refresh_from_db()
    assert world.student_dh.status == Status.STUDYING


def test_it_records_a_transfer_out_of_the_province(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    response = client.post(url(world.student_dh), form(action="transfer", out_of_province="on"))
    assert response.status_code == 302
    world.student_dh.refresh_from_db()
    assert world.student_dh.status == Status.TRANSFERRED
    assert world.student_dh.school == world.school_dh
    change = StatusChange.objects.get(student=world.student_dh)
    assert change.from_school == world.school_dh and change.to_school is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"changed_on": "01/01/2999"}, "changed_on", "ở trong tương lai"),
        ({"changed_on": ""}, "changed_on", "Nhập ngày xảy ra"),
        ({"changed_on": "31/02/2024"}, "changed_on", "ngày/tháng/năm"),
        ({"reason": "  "}, "reason", "Nhập lý do"),
        ({"to_school": None}, "to_school", "Chọn trường mới"),
    ],
)
def test_it_refuses_bad_input_with_a_vietnamese_message(
    client, world, district_staff_dh, school_dh2, values, field, message
):
    client.force_login(district_staff_dh)
    data = form(action="transfer", to_school=school_dh2.pk)
    data.update({k: v for k, v in values.items() if v is not None})
    for key, value in values.items():
        if value is None:
            data.pop(key)
    response = client.post(url(world.student_dh), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    world.student_dh.refresh_from_db()
    assert world.student_dh.school == world.school_dh
    assert not StatusChange.objects.exists()


def test_it_refuses_a_school_without_the_students_grade(client, world, district_staff_dh):
    primary = SchoolFactory(
        name="Trường Tiểu học Phường 1",
        commune=world.phuong_1,
        level=School.Level.PRIMARY,
        grade_min=1,
        grade_max=5,
    )
    client.force_login(district_staff_dh)
    response = client.post(url(world.student_dh), form(action="transfer", to_school=primary.pk))
    assert response.status_code == 200
    errors = str(response.context["form"].errors["to_school"])
    assert "chỉ có các lớp 1-5" in errors
    assert "lớp 7" in errors


def test_it_refuses_the_same_school(world, district_staff_dh):
    with pytest.raises(ValidationError) as error:
        student_status_change(
            user=district_staff_dh,
            student=world.student_dh,
            action="transfer",
            changed_on=yesterday(),
            reason="x",
            to_school=world.school_dh,
        )
    assert "phải khác trường hiện tại" in str(error.value.message_dict["to_school"])


def test_it_refuses_a_status_the_student_already_has(world, district_staff_dh):
    Student.objects.filter(pk=world.student_dh.pk).update(status=Status.DROPPED_OUT)
    world.student_dh.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        student_status_change(
            user=district_staff_dh,
            student=world.student_dh,
            action="dropped_out",
            changed_on=yesterday(),
            reason="x",
        )
    assert "Học sinh đang ở tình trạng “Đã bỏ học”" in str(error.value.message_dict["action"])


def test_it_refuses_a_date_before_the_last_status_change(world, district_staff_dh):
    StatusChange.objects.create(
        student=world.student_dh, status="studying", changed_on=yesterday(), reason="Nhập học"
    )
    with pytest.raises(ValidationError) as error:
        student_status_change(
            user=district_staff_dh,
            student=world.student_dh,
            action="dropped_out",
            changed_on=yesterday() - dt.timedelta(days=10),
            reason="x",
        )
    assert "trước lần đổi tình trạng gần nhất" in str(error.value.message_dict["changed_on"])


# --- access -------------------------------------------------------------------------


def test_it_answers_404_to_staff_of_another_district(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    assert client.get(url(world.student_gl)).status_code == 404
    response = client.post(url(world.student_gl), form(action="dropped_out"))
    assert response.status_code == 404
    world.student_gl.refresh_from_db()
    assert world.student_gl.status == Status.STUDYING


def test_it_answers_404_to_an_outsider_and_to_the_leader(client, world, outsider, leader):
    for person in (outsider, leader):
        client.force_login(person)
        assert client.get(url(world.student_dh)).status_code == 404
        assert client.post(url(world.student_dh), form(action="deceased")).status_code == 404
    assert not StatusChange.objects.exists()


def test_it_shows_no_status_links_to_the_leader(client, world, leader):
    client.force_login(leader)
    body = client.get(reverse("students:detail", args=[world.student_dh.pk])).content.decode()
    assert url(world.student_dh) not in body


def test_it_cannot_transfer_to_a_school_outside_the_district(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    page = client.get(url(world.student_dh)).content.decode()
    assert "Trường THCS Gio Mỹ" not in page
    response = client.post(
        url(world.student_dh), form(action="transfer", to_school=world.school_gl.pk)
    )
    assert response.status_code == 200
    assert "thuộc địa bàn mình phụ trách" in str(response.context["form"].errors["to_school"])
    world.student_dh.refresh_from_db()
    assert world.student_dh.school == world.school_dh


def test_the_service_also_refuses_a_school_outside_the_scope(world, district_staff_dh):
    with pytest.raises(ValidationError) as error:
        student_status_change(
            user=district_staff_dh,
            student=world.student_dh,
            action="transfer",
            changed_on=yesterday(),
            reason="x",
            to_school=world.school_gl,
        )
    assert "thuộc địa bàn mình phụ trách" in str(error.value.message_dict["to_school"])


def test_the_service_refuses_a_student_outside_the_scope(world, district_staff_dh):
    with pytest.raises(PermissionDenied):
        student_status_change(
            user=district_staff_dh,
            student=world.student_gl,
            action="dropped_out",
            changed_on=yesterday(),
            reason="x",
        )


def test_provincial_staff_transfer_between_districts(client, world, provincial_staff):
    client.force_login(provincial_staff)
    response = client.post(
        url(world.student_dh), form(action="transfer", to_school=world.school_gl.pk, grade=7)
    )
    assert response.status_code == 302
    world.student_dh.refresh_from_db()
    assert world.student_dh.school == world.school_gl


def test_after_a_transfer_the_old_district_loses_the_record(
    client, world, provincial_staff, district_staff_dh, district_staff_gl
):
    student_status_change(
        user=provincial_staff,
        student=world.student_dh,
        action="transfer",
        changed_on=yesterday(),
        reason="Chuyển nhà",
        to_school=world.school_gl,
    )
    detail = reverse("students:detail", args=[world.student_dh.pk])
    client.force_login(district_staff_dh)
    assert client.get(detail).status_code == 404
    client.force_login(district_staff_gl)
    body = client.get(detail).content.decode()
    assert "Chuyển nhà" in body
    assert "Trường THCS Nguyễn Trãi → Trường THCS Gio Mỹ" in body
