"""A district officer adds a student who is already on record under a name typed
without diacritics: the form warns at once and queues the pair; the officer compares
the two records, chooses the one to keep, confirms, and provincial staff undo the
merge. Desktop and phone; screenshots go to test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from students.models import DuplicatePair, Student
from tests.browser.pages import fits, login
from tests.factories import SchoolFactory, StudentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 800}}


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_it_warns_at_once_then_merges_with_confirmation_and_undoes(
    live_server, world, district_staff_gl, provincial_staff, browser, artifacts, device
):
    other_school = SchoolFactory(name="Trường THCS Gio Linh", commune=world.gio_my)
    first = StudentFactory(
        full_name="Nguyen Thanh An",
        school=other_school,
        commune=world.gio_my,
        birth_date="2012-01-23",
        birth_year=2012,
    )
    base = live_server.url
    page = browser.new_page(viewport=VIEWPORTS[device], locale="vi-VN")
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(artifacts / f"duplicates-{device}-{name}.png"), full_page=True
    )
    login(page, base, district_staff_gl)

    # Add the same child again, with diacritics, through the form.
    page.goto(f"{base}/hoc-sinh/them/")
    page.get_by_label("Họ và tên").fill("Nguyễn Thanh An")
    page.get_by_label("Ngày sinh").first.fill("23/01/2012")
    page.get_by_label("Trường").select_option(str(world.school_gl.pk))
    page.get_by_label("Khối lớp").fill("6")
    page.get_by_label("Giới tính").select_option("male")
    page.get_by_label("Dân tộc").select_option(str(world.student_dh.ethnicity_id))
    page.locator("form.student-form, main form").last.locator("button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/hoc-sinh/\d+/$"))
    warning = page.locator(".message-warning")
    expect(warning).to_contain_text("Có thể trùng với học sinh Nguyen Thanh An (sinh 23/01/2012)")
    assert fits(page)
    shot("1-warned")

    # Compare, choose, confirm.
    warning.get_by_role("link", name="So sánh hai hồ sơ").click()
    expect(page.get_by_role("heading", name="So sánh hai hồ sơ")).to_be_visible()
    shot("2-compare")
    created = Student.objects.get(full_name="Nguyễn Thanh An")
    page.get_by_label(re.compile("Giữ hồ sơ . — Nguyễn Thanh An")).check()
    page.get_by_role("button", name="Gộp hai hồ sơ…").click()
    expect(page.get_by_role("heading", name="Xác nhận gộp hai hồ sơ")).to_be_visible()
    assert fits(page)
    shot("3-confirm")
    page.get_by_role("button", name="Xác nhận gộp").click()
    page.wait_for_url(re.compile(rf"/hoc-sinh/{created.pk}/$"))
    expect(page.locator(".message-success")).to_contain_text("Đã gộp hồ sơ")
    shot("4-kept")

    # The record merged away: no status or consent badges.
    page.goto(f"{base}/hoc-sinh/{first.pk}/")
    expect(page.locator(".page-head")).to_contain_text("Đã gộp vào hồ sơ khác")
    expect(page.locator(".page-head")).not_to_contain_text("Đang học")
    expect(page.locator(".page-head")).not_to_contain_text("Thiếu đồng ý")
    shot("5-merged-away")

    # Provincial staff undo it.
    page.context.clear_cookies()
    login(page, base, provincial_staff)
    pair = DuplicatePair.objects.get()
    page.goto(f"{base}/hoc-sinh/trung/{pair.pk}/")
    page.get_by_role("button", name="Hoàn tác lần gộp này").click()
    expect(page.locator(".message-success")).to_contain_text("Đã hoàn tác lần gộp")
    expect(page.get_by_role("heading", name="Các lần gộp")).to_be_visible()
    assert fits(page)
    shot("6-undone")
    assert Student.objects.get(pk=first.pk).merged_into_id is None

    # Back in the queue, marked as changed since it was found.
    page.goto(f"{base}/hoc-sinh/trung/")
    expect(page.locator(".duplicate-table")).to_contain_text("hồ sơ đã thay đổi sau khi phát hiện")
    shot("7-queue")
    assert fits(page)
