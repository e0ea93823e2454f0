"""A possible duplicate is raised at once: adding a student through the form queues the
pair and warns, and an imported row gets a warning, for a namesake born the same day
in the same district (names compared without diacritics)."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from students.collection.apply import submission_apply
from students.collection.services import submission_confirm, submission_create
from students.collection.staging import submission_stage
from students.duplicates.tasks import duplicates_queue_task
from students.models import DuplicatePair, Student
from tests.factories import SchoolFactory, StudentFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(2012, 1, 23)


def student_data(world, school, **overrides) -> dict:
    data = {
        "full_name": "Nguyễn Thanh An",
        "birth_date": "23/01/2012",
        "birth_year": "",
        "gender": "male",
        "ethnicity": world.student_dh.ethnicity_id,
        "personal_id": "",
        "moet_code": "",
        "school": school.pk,
        "grade": "6",
        "class_name": "6B",
        "village": "",
        "commune": school.commune_id,
        "address_text": "",
        "specific_situation": "Bố mất.",
        "wishes": ["scholarship"],
        "wishes_note": "",
        "status": "studying",
        "guardian_consent_on": "01/09/2025",
        "guardian_consent_by": "Lê Thị Hoa",
        "child_consent_on": "",
        "note": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def gio_linh_2(world):
    """A second school of Gio Linh district."""
    return SchoolFactory(name="Trường THCS Gio Linh", commune=world.gio_my)


def namesake(school, **kw):
    return StudentFactory(
        full_name="Nguyen Thanh An", school=school, birth_date=BORN, birth_year=2012, **kw
    )


def test_it_warns_and_queues_when_a_form_adds_a_namesake_born_the_same_day(
    client, world, gio_linh_2, district_staff_gl
):
    first = namesake(gio_linh_2)
    client.force_login(district_staff_gl)
    response = client.post(
        reverse("students:create"), student_data(world, world.school_gl), follow=True
    )
    created = Student.objects.get(full_name="Nguyễn Thanh An")
    pair = DuplicatePair.objects.get(
        student_a_id=min(first.pk, created.pk), student_b_id=max(first.pk, created.pk)
    )
    assert pair.state == DuplicatePair.State.PENDING
    assert {"same_name", "same_birth_date", "same_district"} <= set(pair.reasons)
    body = response.content.decode()
    assert (
        "Có thể trùng với học sinh Nguyen Thanh An (sinh 23/01/2012) ở Trường THCS Gio Linh" in body
    )
    assert reverse("duplicates:detail", args=[pair.pk]) in body


def test_it_does_not_show_school_staff_a_pair_outside_their_school(
    client, world, gio_linh_2, school_staff_gl
):
    first = namesake(gio_linh_2)
    client.force_login(school_staff_gl)
    response = client.post(
        reverse("students:create"), student_data(world, world.school_gl), follow=True
    )
    body = response.content.decode()
    assert "Có thể trùng với học sinh Nguyen Thanh An" in body
    pair = DuplicatePair.objects.get(student_a=first)
    # The pair is queued for the district, but its page is not the school's to see.
    assert reverse("duplicates:detail", args=[pair.pk]) not in body


@pytest.mark.parametrize(
    "other", [{"gender": "female"}, {"birth_date": dt.date(2012, 1, 24)}, {"district": "dh"}]
)
def test_it_says_nothing_about_another_child(client, world, gio_linh_2, district_staff_gl, other):
    school = world.school_dh if other.pop("district", None) else gio_linh_2
    born = other.pop("birth_date", BORN)
    StudentFactory(
        full_name="Nguyen Thanh An", school=school, birth_date=born, birth_year=2012, **other
    )
    client.force_login(district_staff_gl)
    response = client.post(
        reverse("students:create"), student_data(world, world.school_gl), follow=True
    )
    assert response.status_code == 200
    assert "Có thể trùng" not in response.content.decode()
    assert not DuplicatePair.objects.exists()


HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Lớp",
    "Hộ nghèo",
    "Năm xác nhận hộ nghèo/cận nghèo",
]


def stage(tmp_path: Path, world, user, rows: list[list]):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    submission = submission_create(user=user, school=world.school_gl, upload=path)
    return submission_stage(submission=submission)


def row(n, name="Nguyễn Thanh An", born="23/01/2012", gender="Nam"):
    return [n, name, born, gender, "Kinh", "6B", "x", 2026]


def duplicate_warnings(staged_row) -> list[str]:
    return [w["message"] for w in staged_row.warnings if w["message"].startswith("Có thể trùng")]


def test_it_warns_an_imported_row_of_a_namesake_of_the_district_who_left(
    tmp_path, world, gio_linh_2, school_staff_gl
):
    # Transferred out of another school of the district: not "studying at another
    # school", but the same child may well be written again by the new one.
    namesake(gio_linh_2, status="transferred")
    submission = stage(tmp_path, world, school_staff_gl, [row(1), row(2, "Lê Thị Hoa")])
    first = submission.rows.get(row_number=3)
    assert duplicate_warnings(first) == [
        "Có thể trùng với học sinh Nguyen Thanh An (sinh 23/01/2012) của Trường THCS Gio Linh"
        " (Đã chuyển trường)."
    ]
    assert duplicate_warnings(submission.rows.get(row_number=4)) == []


def test_it_warns_an_imported_row_of_a_namesake_of_the_same_school(
    tmp_path, world, school_staff_gl
):
    # The school's own record is matched to the first row; the second row of the same
    # child is a new student, and says so.
    namesake(world.school_gl)
    submission = stage(tmp_path, world, school_staff_gl, [row(1), row(2)])
    warned = [r.row_number for r in submission.rows.all() if r.warnings]
    assert warned == [4]
    assert (
        "đang học ở Trường THCS Gio Mỹ" in submission.rows.get(row_number=4).warnings[0]["message"]
    )


def test_it_does_not_warn_an_imported_row_of_another_child(
    tmp_path, world, gio_linh_2, school_staff_gl
):
    namesake(gio_linh_2, gender="female", status="transferred")
    namesake(world.school_dh, status="transferred")  # another district, left
    submission = stage(tmp_path, world, school_staff_gl, [row(1)])
    assert duplicate_warnings(submission.rows.get(row_number=3)) == []


def test_a_confirmed_list_queues_its_new_students_namesakes(
    tmp_path, world, gio_linh_2, school_staff_gl
):
    first = namesake(gio_linh_2, status="transferred")
    submission = stage(tmp_path, world, school_staff_gl, [row(1), row(2, "Lê Thị Hoa")])
    submission_apply(submission=submission, user=school_staff_gl)
    assert duplicates_queue_task(submission.pk) == 1
    created = Student.objects.get(full_name="Nguyễn Thanh An")
    pair = DuplicatePair.objects.get()
    assert (pair.student_a_id, pair.student_b_id) == (first.pk, created.pk)
    assert pair.state == DuplicatePair.State.PENDING
    assert duplicates_queue_task(submission.pk) == 1  # again: nothing new


def test_it_queues_a_confirmed_lists_namesakes_when_the_list_is_confirmed(
    tmp_path, world, gio_linh_2, school_staff_gl, django_capture_on_commit_callbacks
):
    first = namesake(gio_linh_2, status="transferred")
    submission = stage(tmp_path, world, school_staff_gl, [row(1), row(2, "Lê Thị Hoa")])
    with django_capture_on_commit_callbacks(execute=True):
        submission_confirm(submission=submission, user=school_staff_gl)
    created = Student.objects.get(full_name="Nguyễn Thanh An")
    pair = DuplicatePair.objects.get()
    assert (pair.student_a_id, pair.student_b_id) == (first.pk, created.pk)
