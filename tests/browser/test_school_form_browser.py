"""A school uploads its usual list (title block with the school year, two-row header,
x marks, no year column, "Họ tên cha (mẹ) hoặc người giám hộ") with another school's
name left in the title: every row is accepted, the review says what to look at (the
title, where the poverty year came from), and once confirmed the record shows the
year and the guardian. Screenshots on a desktop and a phone go to test-artifacts/."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from students.models import CollectionRound, Student
from tests.browser.test_collection_browser import VIEWPORTS, _fits, _login, _section, _upload
from tests.students.collection.test_school_form import STUDENTS, _xlsx

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_the_usual_form_is_accepted_with_its_warnings(
    live_server, world, school_staff_gl, browser, artifacts, tmp_path, device
):
    collection_round = CollectionRound.objects.create(
        name="Thu thập năm học 2026-2027",
        school_year=2026,
        area=world.province,
        opens_on=timezone.localdate() - dt.timedelta(days=7),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    path = _xlsx(tmp_path / "DS HS DBKK.xlsx", school="TRƯỜNG THCS GIO LINH")
    base = live_server.url
    page = browser.new_context(viewport=VIEWPORTS[device], locale="vi-VN").new_page()
    _login(page, base, school_staff_gl)
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/truong/{world.school_gl.pk}/")
    _upload(page, path)

    main = page.locator("main").inner_text()
    assert "Chờ xác nhận" in main
    assert page.locator("#row-errors").count() == 0
    warnings = _section(page, "row-warnings").inner_text()
    assert "Tiêu đề ghi “TRƯỜNG THCS GIO LINH”" in warnings
    assert "lấy năm 2026 theo năm học ở tiêu đề (dòng 5)" in warnings
    assert "thiếu tên phụ huynh" not in main
    assert _fits(page)
    page.screenshot(path=str(artifacts / f"{device}-school-form-review.png"), full_page=True)

    page.get_by_role("button", name=re.compile(r"^Xác nhận 60 dòng hợp lệ$")).click()
    page.wait_for_url(re.compile(r"/thu-thap/danh-sach/\d+/$"))
    assert "Đã ghi vào hồ sơ" in page.locator("main").inner_text()
    student = Student.objects.get(school=world.school_gl, full_name=STUDENTS[3][1])
    page.goto(f"{base}/hoc-sinh/{student.pk}/")
    circumstances = page.locator("#hoan-canh").inner_text()
    assert "Hộ cận nghèo" in circumstances and "năm 2026" in circumstances
    assert STUDENTS[3][11] in page.locator("main").inner_text()  # the guardian
    assert _fits(page)
    page.screenshot(path=str(artifacts / f"{device}-school-form-record.png"), full_page=True)
