"""A school sends its list the way the pilot did it: download the school's template,
fill it in, upload it, see what is wrong, upload the fixed file, confirm; then the
district approves. Screenshots of the progress, school and review pages on a desktop
and on a phone go to test-artifacts/."""

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from students.models import CollectionRound, Student, Submission
from tests.factories import CircumstanceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "matkhau-Thu-nghiem-1"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
NEW_STUDENT = {
    "Họ và tên": "Lê Văn Tám",
    "Ngày sinh": "05/09/2012",
    "Giới tính": "Nam",
    "Dân tộc": "Kinh",
    "Lớp": "7A",
    "Thôn/Khối phố": "Thôn 2",
    "Xã/Phường": "Gio Mỹ",
    "Hộ nghèo": "x",
    "Năm xác nhận hộ nghèo/cận nghèo": 2026,
}


def _fits(page) -> bool:
    """Nothing sticks out sideways (a phone must not scroll horizontally)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _login(page, base: str, user) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def _fill(template: Path, out: Path, personal_id: str) -> Path:
    """Add the new student below the school's students, as a school would in Excel."""
    wb = openpyxl.load_workbook(template)
    for ws in wb.worksheets:
        header_row = next(
            (row[0].row for row in ws.iter_rows() if any(c.value == "Họ và tên" for c in row)),
            None,
        )
        if header_row is None:
            continue
        columns = {c.value: c.column for c in ws[header_row] if c.value}
        row = header_row + 1
        while ws.cell(row=row, column=columns["Họ và tên"]).value:
            row += 1
        for name, value in {**NEW_STUDENT, "Số định danh cá nhân": personal_id}.items():
            ws.cell(row=row, column=columns[name], value=value)
        wb.active = wb.worksheets.index(ws)
        wb.save(out)
        return out
    raise AssertionError("the template has no header row")


def _section(page, heading_id: str):
    return page.locator("section", has=page.locator(f"#{heading_id}"))


def _upload(page, path: Path) -> None:
    page.get_by_label("Tệp danh sách").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    # Through the job's progress page, which follows the job to its result.
    page.wait_for_url(re.compile(r"/thu-thap/danh-sach/\d+/$"))


def test_a_school_sends_its_list_and_the_district_approves_it(
    live_server, world, school_staff_gl, district_staff_gl, browser, artifacts, tmp_path
):
    # The school's student already on record, poor household this year: her row in the
    # template comes back unchanged.
    CircumstanceFactory(
        student=world.student_gl, kind="poor", household_year=timezone.localdate().year
    )
    collection_round = CollectionRound.objects.create(
        name="Thu thập năm học 2026-2027",
        school_year=2026,
        area=world.province,
        opens_on=timezone.localdate() - dt.timedelta(days=7),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    base = live_server.url
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"], locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    _login(page, base, school_staff_gl)

    page.get_by_role("link", name="Thu thập", exact=True).click()
    page.get_by_role("link", name=collection_round.name).click()
    # A school goes from the round straight to its own page.
    page.wait_for_url(re.compile(r"/truong/\d+/$"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu (.xlsx)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.suffix == ".xlsx"

    # A mistyped personal ID: the list comes back with the row and the column.
    _upload(page, _fill(template, tmp_path / "danh-sach-loi.xlsx", personal_id="0452120001"))
    main = page.locator("main")
    assert "Có lỗi" in main.inner_text()
    text = _section(page, "row-errors").inner_text()
    assert "Số định danh cá nhân" in text and "12 chữ số" in text
    assert page.get_by_role("link", name="Tải tệp có đánh dấu lỗi").is_visible()
    first = Submission.objects.get()

    # The fixed file: every row valid, the new student listed, then confirmed.
    page.get_by_role("link", name="Tải lên lại").click()
    _upload(page, _fill(template, tmp_path / "danh-sach-da-sua.xlsx", personal_id="045212000001"))
    assert page.locator("#row-errors").count() == 0
    assert "Lê Văn Tám" in _section(page, "new-students").inner_text()
    confirm = page.get_by_role("button", name=re.compile(r"^Xác nhận \d+ dòng hợp lệ$"))
    confirm.click()
    page.wait_for_url(re.compile(r"/thu-thap/danh-sach/\d+/$"))
    assert "Đã ghi vào hồ sơ" in page.locator("main").inner_text()
    assert Student.objects.filter(personal_id="045212000001", school=world.school_gl).exists()
    second = Submission.objects.exclude(pk=first.pk).get()
    assert second.state == Submission.State.SUBMITTED
    context.close()

    # The district approves, on a phone.
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN")
    page = context.new_page()
    _login(page, base, district_staff_gl)
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/")
    page.get_by_role("link", name="Đã gửi").click()
    page.wait_for_url(re.compile(rf"/thu-thap/danh-sach/{second.pk}/$"))
    assert _fits(page)
    page.screenshot(path=str(artifacts / "phone-collection-review-submitted.png"), full_page=True)
    page.get_by_role("button", name="Trả lại cho trường").click()
    page.get_by_text("Khi trả lại, hãy ghi rõ trường cần sửa gì.").first.wait_for()
    page.get_by_role("button", name="Duyệt danh sách").click()
    page.get_by_text("Đã duyệt danh sách của Trường THCS Gio Mỹ").wait_for()
    second.refresh_from_db()
    assert second.state == Submission.State.APPROVED
    assert Student.objects.get(personal_id="045212000001").verified_at is not None
    context.close()

    # Screenshots of each page on a desktop and on a phone, as the district sees them.
    pages = {
        "progress": f"/thu-thap/dot/{collection_round.pk}/",
        "school": f"/thu-thap/dot/{collection_round.pk}/truong/{world.school_gl.pk}/",
        "review-errors": f"/thu-thap/danh-sach/{first.pk}/",
        "review-approved": f"/thu-thap/danh-sach/{second.pk}/",
    }
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = context.new_page()
        _login(page, base, district_staff_gl)
        for name, path in pages.items():
            page.goto(f"{base}{path}")
            page.locator("h1").wait_for()
            page.screenshot(path=str(artifacts / f"{device}-collection-{name}.png"), full_page=True)
            assert _fits(page), f"{name} scrolls sideways on {device}"
        progress = page.goto(f"{base}{pages['progress']}")
        assert progress.ok
        assert "Đã duyệt" in page.locator("main").inner_text()
        context.close()
