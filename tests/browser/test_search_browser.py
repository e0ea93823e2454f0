"""A district officer searches for a student without typing diacritics, on a desktop
and on a phone, and opens the record; screenshots go to test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from students.record.services import need_scores_recompute
from tests.factories import CircumstanceFactory, GuardianFactory, StudentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "matkhau-Thu-nghiem-1"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


def _record(world):
    student = world.student_dh
    student.village = "Khu phố 3"
    student.commune = world.phuong_1
    student.specific_situation = "Cha mất sớm, mẹ làm thuê, nhà ở tạm."
    student.wishes = ["scholarship", "bicycle"]
    student.save()
    GuardianFactory(student=student, full_name="Lê Thị Hoa", relation="mother")
    CircumstanceFactory(student=student, kind="orphan", orphan_label="father", orphan_legal=False)
    CircumstanceFactory(student=student, kind="poor", household_year=2021)
    StudentFactory(full_name="Nguyễn Văn Anh", school=world.student_gl.school, grade=8)
    for name in ["Lê Thị Bình", "Hoàng Văn Cường", "Phan Thị Dung"]:
        StudentFactory(full_name=name, school=world.school_dh)
    need_scores_recompute()


def _fits(page) -> bool:
    """Nothing sticks out sideways (a phone must not scroll horizontally)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_it_finds_a_student_typed_without_diacritics(
    live_server, world, district_staff_dh, browser, artifacts, device
):
    _record(world)
    page = browser.new_page(viewport=VIEWPORTS[device], locale="vi-VN")
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(artifacts / f"{device}-{name}.png"), full_page=True
    )

    page.goto(f"{live_server.url}/dang-nhap/")
    shot("1-login")
    page.get_by_label("Tên đăng nhập").fill(district_staff_dh.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Tổng quan").is_visible()
    assert _fits(page)
    shot("2-home")

    page.get_by_role("link", name="Học sinh", exact=True).first.click()
    page.wait_for_url(re.compile(r"/hoc-sinh/$"))
    shot("3-list")
    with page.expect_response(lambda r: "q=nguyen" in r.url and r.status == 200):
        page.get_by_role("searchbox").fill("nguyen van an")
    results = page.locator("#ket-qua")
    results.get_by_role("link", name="Nguyễn Văn An").wait_for()
    assert page.locator("#results-status").inner_text() == "Tìm thấy 1 học sinh"
    assert re.search(r"\?q=nguyen(\+|%20)van(\+|%20)an$", page.url), page.url
    text = results.inner_text()
    assert "Nguyễn Văn Anh" not in text  # in Gio Linh: outside this officer's district
    assert "Trần Thị Đào" not in text
    assert "Lê Thị Bình" not in text  # filtered out by the search
    assert _fits(page)
    shot("4-search")

    results.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(re.compile(rf"/hoc-sinh/{world.student_dh.pk}/$"))
    assert page.get_by_role("heading", name="Nguyễn Văn An", level=1).is_visible()
    body = page.locator("main").inner_text()
    assert "Mồ côi cha" in body
    assert "đã cũ" in body
    assert _fits(page)
    shot("5-record")

    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.wait_for_url(re.compile(r"/sua/$"))
    assert _fits(page)
    shot("6-edit")

    page.go_back()
    page.get_by_role("link", name="Thêm hoàn cảnh").first.click()
    page.get_by_label("Loại hoàn cảnh").select_option("disability")
    # The page's script shows the fields of the chosen kind: wait for it, don't race it.
    expect(page.get_by_label("Mức độ khuyết tật")).to_be_visible()
    expect(page.get_by_label("Năm công nhận hộ nghèo/cận nghèo")).to_be_hidden()
    page.get_by_label("Dạng khuyết tật").select_option("vision")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Khuyết tật phải có mức độ").wait_for()
    assert _fits(page)
    shot("7-circumstance-error")
    page.close()


def test_it_shows_the_leader_the_province_and_no_edit_button(
    live_server, world, leader, browser, artifacts
):
    _record(world)
    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = context.new_page()
        page.goto(f"{live_server.url}/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(leader.username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/")
        table = page.get_by_role("region", name="Bảng số liệu theo huyện")
        assert "Huyện Gio Linh" in table.inner_text()
        assert _fits(page)
        page.screenshot(path=str(artifacts / f"{device}-8-province-home.png"), full_page=True)
        page.get_by_role("link", name="Thành phố Đông Hà").click()
        page.get_by_role("link", name="Nguyễn Văn An").click()
        page.get_by_role("heading", name="Nguyễn Văn An", level=1).wait_for()
        assert page.get_by_role("link", name="Sửa hồ sơ").count() == 0
        assert page.get_by_role("link", name="Thêm hoàn cảnh").count() == 0
        context.close()
