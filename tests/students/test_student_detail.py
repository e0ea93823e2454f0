import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import AcademicResult, StatusChange
from tests.factories import CircumstanceFactory, GuardianFactory, StudentFactory

pytestmark = pytest.mark.django_db


def url(student) -> str:
    return reverse("students:detail", args=[student.pk])


def test_it_shows_the_whole_record(client, world, district_staff_dh):
    student = world.student_dh
    student.personal_id = "045212000123"
    student.moet_code = "4512345678"
    student.village = "Khu phố 3"
    student.commune = world.phuong_1
    student.specific_situation = "Cha mất năm 2020, mẹ làm thuê."
    student.wishes = ["scholarship", "bicycle"]
    student.guardian_consent_on = dt.date(2025, 9, 5)
    student.guardian_consent_by = "Lê Thị Hoa"
    student.save()
    GuardianFactory(student=student, full_name="Lê Thị Hoa", relation="mother", phone="0912345678")
    CircumstanceFactory(
        student=student,
        kind="disability",
        disability_type="mobility",
        disability_level="severe",
        certificate_number="123/GXN",
        certificate_date=dt.date(2024, 3, 1),
        certificate_issuer="UBND Phường 1",
    )
    AcademicResult.objects.create(
        student=student, school_year=2024, grade=6, academic_result="Khá", conduct="Tốt"
    )
    StatusChange.objects.create(
        student=student, status="studying", changed_on=dt.date(2024, 9, 5), reason="Nhập học"
    )
    client.force_login(district_staff_dh)
    response = client.get(url(student))
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "Nguyễn Văn An",
        "05/09/2012",
        "Nam",
        "Kinh",
        "045212000123",
        "4512345678",
        "Trường THCS Nguyễn Trãi",
        "Khu phố 3",
        "Phường 1",
        "Thành phố Đông Hà",
        "Lê Thị Hoa",
        "0912345678",
        "Khuyết tật vận động",
        "123/GXN",
        "01/03/2024",
        "UBND Phường 1",
        "Cha mất năm 2020",
        "Học bổng",
        "Xe đạp",
        "2024-2025",
        "Khá",
        "Nhập học",
        "05/09/2025",
        "Chưa xác minh",
        "Đang học",
    ]:
        assert text in body, text


def test_it_shows_only_the_birth_year_when_that_is_all_we_know(client, world, provincial_staff):
    world.student_dh.birth_date = None
    world.student_dh.birth_year = 2013
    world.student_dh.save()
    client.force_login(provincial_staff)
    body = client.get(url(world.student_dh)).content.decode()
    assert "2013" in body
    assert "chỉ biết năm sinh" in body


def test_it_flags_a_stale_poverty_year(client, world, provincial_staff):
    year = timezone.localdate().year
    CircumstanceFactory(student=world.student_dh, kind="poor", household_year=year - 3)
    CircumstanceFactory(student=world.student_gl, kind="near_poor", household_year=year)
    client.force_login(provincial_staff)
    assert "đã cũ" in client.get(url(world.student_dh)).content.decode()
    assert "đã cũ" not in client.get(url(world.student_gl)).content.decode()


def test_it_answers_404_outside_the_scope(client, world, district_staff_dh, school_staff_gl):
    client.force_login(district_staff_dh)
    assert client.get(url(world.student_gl)).status_code == 404
    client.force_login(school_staff_gl)
    assert client.get(url(world.student_dh)).status_code == 404
    assert client.get(url(world.student_gl)).status_code == 200


def test_it_answers_404_to_someone_without_a_grant(client, world, outsider):
    client.force_login(outsider)
    assert client.get(url(world.student_dh)).status_code == 404


def test_it_shows_edit_links_to_staff_who_may_change(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    body = client.get(url(world.student_dh)).content.decode()
    assert reverse("students:edit", args=[world.student_dh.pk]) in body
    assert reverse("students:circumstance_add", args=[world.student_dh.pk]) in body


def test_it_shows_no_edit_links_to_the_leader(client, world, leader):
    CircumstanceFactory(student=world.student_dh)
    client.force_login(leader)
    response = client.get(url(world.student_dh))
    assert response.status_code == 200
    body = response.content.decode()
    assert "/sua/" not in body
    assert "/hoan-canh/them/" not in body
    assert reverse("students:create") not in body


def test_it_reads_the_record_in_a_constant_number_of_queries(
    client, world, district_staff_dh, django_assert_max_num_queries
):
    for _ in range(5):
        CircumstanceFactory(student=world.student_dh)
        GuardianFactory(student=world.student_dh)
    client.force_login(district_staff_dh)
    with django_assert_max_num_queries(20):
        assert client.get(url(world.student_dh)).status_code == 200


def test_it_answers_404_in_the_site_layout(client, world, district_staff_dh, settings):
    settings.DEBUG = False
    client.force_login(district_staff_dh)
    response = client.get(url(world.student_gl))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body
    assert "Trần Thị Đào" not in body


# --- record page: history, consent, support, query count ------------------------------


def _history(body: str) -> str:
    return body.split('id="lich-su"', 1)[1]


def test_it_shows_who_changed_a_circumstance_from_the_form_old_and_new(
    client, world, district_staff_dh
):
    circumstance = CircumstanceFactory(
        student=world.student_dh, kind="poor", household_year=2025, certificate_number="12/HN"
    )
    client.force_login(district_staff_dh)
    response = client.post(
        reverse("students:circumstance_edit", args=[world.student_dh.pk, circumstance.pk]),
        {
            "kind": "poor",
            "household_year": "2025",
            "certificate_number": "45/HN-UBND",
            "certificate_date": "03/02/2025",
            "certificate_issuer": "UBND Phường 1",
            "orphan_legal": "unknown",
        },
    )
    assert response.status_code == 302
    history = _history(client.get(url(world.student_dh)).content.decode())
    assert "Biểu mẫu trên trang web" in history
    assert district_staff_dh.username in history or "hoi_dongha" in history
    assert "Hộ nghèo 2025" in history
    assert "Số giấy xác nhận/chứng nhận" in history
    assert "<del>12/HN</del>" in history
    assert "<ins>45/HN-UBND</ins>" in history
    assert "<ins>03/02/2025</ins>" in history
    assert timezone.localtime().strftime("%d/%m/%Y") in history


def test_it_shows_an_import_with_a_link_to_its_submission(client, world, district_staff_dh):
    from students.history import history_source
    from students.models import Student

    school_gl = world.school_gl
    with history_source(source="import", user=district_staff_dh, submission=12):
        Student.objects.filter(pk=world.student_dh.pk).update(class_name="7B", village="Thôn Mới")
    with history_source(source="command", command="import_students"):
        Student.objects.filter(pk=world.student_dh.pk).update(grade=8)
    with history_source(source="merge", user=district_staff_dh):
        Student.objects.filter(pk=world.student_dh.pk).update(school=school_gl)
        Student.objects.filter(pk=world.student_dh.pk).update(school=world.school_dh)
    client.force_login(district_staff_dh)
    history = _history(client.get(url(world.student_dh)).content.decode())
    link = reverse("collection:submission", args=[12])
    assert f'<a href="{link}">Nhập danh sách số 12</a>' in history
    assert "<del>7A</del>" in history and "<ins>7B</ins>" in history
    assert "<ins>Thôn Mới</ins>" in history
    assert "Lệnh quản trị (import_students)" in history
    assert "Gộp hồ sơ trùng" in history
    # Foreign keys read as names, not ids.
    assert "<ins>Trường THCS Gio Mỹ</ins>" in history
    # Newest first.
    assert history.index("Gộp hồ sơ trùng") < history.index("Nhập danh sách số 12")


def test_it_shows_the_guardian_and_student_edits_of_the_form(client, world, district_staff_dh):
    guardian = GuardianFactory(student=world.student_dh, full_name="Lê Văn Hùng", phone="")
    client.force_login(district_staff_dh)
    client.post(
        reverse("students:guardian_edit", args=[world.student_dh.pk, guardian.pk]),
        {"full_name": "Lê Văn Hùng", "relation": "father", "occupation": "", "phone": "0905123456"},
    )
    history = _history(client.get(url(world.student_dh)).content.decode())
    assert "Phụ huynh: Lê Văn Hùng (Cha)" in history
    assert "<del>(trống)</del>" in history and "<ins>0905123456</ins>" in history


def test_it_hides_history_baselines_but_diffs_against_them(client, world, provincial_staff):
    from students.history_baseline import history_baseline
    from students.models import Student

    # A row loaded without history (as seed_demo does) gets a baseline ...
    Student.objects.filter(pk=world.student_dh.pk).update(village="Thôn 1")
    world.student_dh.events.all().delete()
    counts = history_baseline()
    assert counts["student"] == 1
    assert history_baseline()["student"] == 0
    client.force_login(provincial_staff)
    body = client.get(url(world.student_dh)).content.decode()
    assert "Chưa có thay đổi nào" in body
    # ... so the first change says what the old value was.
    Student.objects.filter(pk=world.student_dh.pk).update(village="Thôn 2")
    history = _history(client.get(url(world.student_dh)).content.decode())
    assert "<del>Thôn 1</del>" in history and "<ins>Thôn 2</ins>" in history


def test_it_flags_missing_consent_from_age_seven(client, world, provincial_staff):
    from students.models import Student

    Student.objects.filter(pk=world.student_dh.pk).update(
        guardian_consent_on=None, child_consent_on=None
    )
    client.force_login(provincial_staff)
    body = client.get(url(world.student_dh)).content.decode()
    assert "Thiếu đồng ý xử lý dữ liệu" in body
    assert "cần cả sự đồng ý của chính học sinh" in body
    young = timezone.localdate().year - 5
    Student.objects.filter(pk=world.student_dh.pk).update(
        birth_date=None,
        birth_year=young,
        guardian_consent_on=dt.date(2025, 9, 5),
        guardian_consent_by="Lê Thị Hoa",
    )
    body = client.get(url(world.student_dh)).content.decode()
    assert "Thiếu đồng ý xử lý dữ liệu" not in body
    assert "Chưa cần (dưới 7 tuổi)" in body


def test_it_shows_the_support_section_with_an_honest_empty_state(client, world, leader):
    client.force_login(leader)
    body = client.get(url(world.student_dh)).content.decode()
    assert "Hỗ trợ đã nhận theo năm học" in body
    assert "Chưa ghi nhận hỗ trợ nào" in body


def test_it_shows_circumstance_evidence_dates_and_confirmation(client, world, provincial_staff):
    CircumstanceFactory(
        student=world.student_dh,
        kind="other",
        description="Nhà bị lũ cuốn",
        confirmed=True,
        started_on=dt.date(2024, 10, 1),
        ended_on=dt.date(2025, 3, 1),
    )
    client.force_login(provincial_staff)
    body = client.get(url(world.student_dh)).content.decode()
    assert "cán bộ đã xác nhận" in body
    assert "từ 01/10/2024" in body and "đến 01/03/2025" in body
    assert "đã kết thúc" in body


def test_it_reads_the_record_and_its_history_in_the_same_number_of_queries(
    client, world, district_staff_dh, provincial_staff, django_assert_num_queries
):
    from students.history import history_source
    from students.models import Student

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            CircumstanceFactory(student=world.student_dh, certificate_number=f"{i}/A")
            GuardianFactory(student=world.student_dh, full_name=f"Người {i}")
            AcademicResult.objects.create(student=world.student_dh, school_year=2000 + i)
            StatusChange.objects.create(
                student=world.student_dh,
                status="studying",
                changed_on=dt.date(2024, 9, 5),
                reason=f"Lần {i}",
                from_school=world.school_dh,
                to_school=world.school_gl,
                recorded_by=district_staff_dh,
            )
            with history_source(source="form", user=district_staff_dh):
                Student.objects.filter(pk=world.student_dh.pk).update(
                    class_name=f"7{i}", school=world.school_dh if i % 2 else world.school_gl
                )

    # One change of each kind (a school named in a diff costs one query for all of them).
    grow(0, 1)
    client.force_login(provincial_staff)
    client.get(url(world.student_dh))  # warm the user's caches (session, roles)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world.student_dh)).status_code == 200
    grow(1, 8)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(world.student_dh))
    assert response.status_code == 200
    assert response.content.decode().count('class="history-entry"') > 8


def test_a_merged_duplicate_keeps_its_page_with_a_link_to_the_kept_record(
    client, world, district_staff_dh, district_staff_gl
):
    from students.models import Student

    duplicate = StudentFactory(full_name="Nguyễn Văn Ân", school=world.school_dh)
    Student.objects.filter(pk=duplicate.pk).update(merged_into=world.student_dh)
    client.force_login(district_staff_dh)
    body = client.get(url(duplicate)).content.decode()
    assert "đã được gộp vào hồ sơ" in body
    assert f'href="{url(world.student_dh)}"' in body
    client.force_login(district_staff_gl)
    assert client.get(url(duplicate)).status_code == 404
