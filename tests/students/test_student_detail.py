import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import AcademicResult, StatusChange
from tests.factories import CircumstanceFactory, GuardianFactory

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
