"""A district officer searches without diacritics, opens the record, edits a
circumstance and finds the change in the record's history (who, from where, old → new);
then transfers the student to another school of the district. Desktop and phone;
screenshots go to test-artifacts/."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import CircumstanceFactory, GuardianFactory, SchoolFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "matkhau-Thu-nghiem-1"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_it_edits_a_circumstance_and_shows_it_in_the_history(
    live_server, world, district_staff_dh, browser, artifacts, device
):
    student = world.student_dh
    GuardianFactory(student=student, full_name="Lê Thị Hoa", relation="mother")
    CircumstanceFactory(
        student=student, kind="poor", household_year=2025, certificate_number="12/HN"
    )
    new_school = SchoolFactory(name="Trường THCS Phan Đình Phùng", commune=world.phuong_1)
    district_staff_dh.last_name, district_staff_dh.first_name = "Hoàng Thị", "Lan"
    district_staff_dh.save()

    page = browser.new_page(viewport=VIEWPORTS[device], locale="vi-VN")
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(artifacts / f"record-{device}-{name}.png"), full_page=True
    )
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(district_staff_dh.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")

    # Search without diacritics, open the record.
    page.goto(f"{live_server.url}/hoc-sinh/")
    with page.expect_response(lambda r: "q=nguyen" in r.url and r.status == 200):
        page.get_by_role("searchbox").fill("nguyen van an")
    results = page.locator("#ket-qua")
    results.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(re.compile(rf"/hoc-sinh/{student.pk}/$"))
    expect(page.get_by_role("heading", name="Nguyễn Văn An", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Hỗ trợ đã nhận theo năm học")).to_be_visible()
    assert _fits(page)
    shot("1-record")

    # Edit the circumstance's certificate.
    page.get_by_role("link", name=re.compile("Sửa hoàn cảnh này")).first.click()
    page.wait_for_url(re.compile(r"/hoan-canh/\d+/sua/$"))
    page.get_by_label("Số giấy xác nhận/chứng nhận").fill("45/HN-UBND")
    page.get_by_label("Ngày cấp").fill("03/02/2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(rf"/hoc-sinh/{student.pk}/$"))
    expect(page.get_by_text("Đã lưu hoàn cảnh")).to_be_visible()

    # The history says who, from where, and old → new.
    history = page.locator("#lich-su")
    entry = history.locator(".history-entry").first
    expect(entry).to_contain_text("Hoàng Thị Lan")
    expect(entry).to_contain_text("Biểu mẫu trên trang web")
    expect(entry).to_contain_text(timezone.localtime().strftime("%d/%m/%Y"))
    expect(entry).to_contain_text("Hộ nghèo 2025")
    expect(entry.locator("del", has_text="12/HN")).to_be_visible()
    expect(entry.locator("ins", has_text="45/HN-UBND")).to_be_visible()
    expect(entry.locator("ins", has_text="03/02/2025")).to_be_visible()
    history.scroll_into_view_if_needed()
    assert _fits(page)
    shot("2-history")

    # Transfer to another school of the district.
    page.get_by_role("link", name="Chuyển trường").first.click()
    page.wait_for_url(re.compile(r"/tinh-trang/\?loai=transfer$"))
    expect(page.get_by_label("Trường mới", exact=True)).to_be_visible()
    page.get_by_role("button", name="Ghi thay đổi").click()
    expect(page.get_by_text("Chọn trường mới, hoặc đánh dấu")).to_be_visible()
    expect(page.get_by_text("Nhập lý do")).to_be_visible()
    assert _fits(page)
    shot("3-transfer-errors")
    page.get_by_label("Trường mới", exact=True).select_option(str(new_school.pk))
    page.get_by_label("Lý do").fill("Gia đình chuyển nhà")
    page.get_by_role("button", name="Ghi thay đổi").click()
    page.wait_for_url(re.compile(rf"/hoc-sinh/{student.pk}/$"))
    status = page.locator("#tinh-trang")
    expect(status).to_contain_text("Trường THCS Nguyễn Trãi → Trường THCS Phan Đình Phùng")
    expect(status).to_contain_text("Gia đình chuyển nhà")
    expect(history.locator(".history-entry").first.locator("ins").first).to_contain_text(
        "Trường THCS Phan Đình Phùng"
    )
    shot("4-transferred")
    page.close()
