"""The round from each side, in Chromium, on a desktop and on a 390 px phone: the
school's home says what to do; a district filters its schools, sees who has not sent
a list (with the phone) and approves two lists at once; provincial staff close the
round, and the school is told it is closed. Screenshots go to test-artifacts/."""

import datetime as dt

import pytest
from django.utils import timezone

from khuyenhoc.models import School
from students.models import CollectionRound, Submission
from tests.browser.pages import fits, login
from tests.factories import SchoolFactory
from tests.students.collection.test_import_pipeline import ROWS, _xlsx
from tests.students.collection.test_view_failures import no_header

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 800}}


def _submit(collection_round, school, state, **fields):
    return Submission.objects.create(
        round=collection_round,
        school=school,
        original_name=f"{school.name}.xlsx",
        file="submissions/x.xlsx",
        file_sha256="0" * 64,
        state=state,
        rows_total=12,
        rows_valid=12,
        confirmed_at=timezone.now() if state != "has_errors" else None,
        **fields,
    )


def test_the_round_from_the_school_the_district_and_the_province(
    live_server,
    world,
    school_staff_gl,
    district_staff_gl,
    provincial_staff,
    browser,
    artifacts,
):
    today = timezone.localdate()
    collection_round = CollectionRound.objects.create(
        name="Thu thập năm học 2026-2027",
        school_year=2026,
        area=world.province,
        opens_on=today - dt.timedelta(days=7),
        deadline=today + dt.timedelta(days=14),
    )
    School.objects.filter(pk=world.school_gl.pk).update(phone="0233 3825 100")
    others = [
        SchoolFactory(
            name=f"Trường TH Gio Mỹ số {i}", commune=world.gio_my, phone=f"09123456{i:02d}"
        )
        for i in range(4)
    ]
    _submit(collection_round, others[0], "submitted")
    _submit(collection_round, others[1], "submitted")
    _submit(collection_round, others[2], "has_errors")
    returned = _submit(
        collection_round,
        world.school_gl,
        "returned",
        review_comment="Thiếu 2 em lớp 6 ở thôn Tân Minh; bổ sung rồi gửi lại giúp.",
        reviewed_at=timezone.now(),
        reviewed_by=district_staff_gl,
    )
    base = live_server.url

    for device, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = context.new_page()
        # The school lands on what it has to do: its returned list and the comment.
        login(page, base, school_staff_gl)
        main = page.locator("main")
        assert "Hội huyện đã trả lại danh sách của trường" in main.inner_text()
        assert "Thiếu 2 em lớp 6" in main.inner_text()
        assert page.get_by_role("link", name="Tải lên lại").first.is_visible()
        page.screenshot(path=str(artifacts / f"{device}-home-school-returned.png"), full_page=True)
        assert fits(page), f"the school's home scrolls sideways on {device}"
        context.close()

    # The district, on a phone: the schools not sent, then two lists approved at once.
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN")
    page = context.new_page()
    login(page, base, district_staff_gl)
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/")
    assert "3 trường chưa gửi danh sách" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "phone-collection-round-district.png"), full_page=True)
    assert fits(page)
    page.get_by_role("link", name="Xem các trường này").click()
    page.locator("h1").wait_for()
    assert "0233 3825 100" in page.locator("main").inner_text()
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/?state=submitted")
    for school in others[:2]:
        page.get_by_label(f"Duyệt danh sách của {school.name}").check()
    page.get_by_role("button", name="Duyệt các danh sách đã đánh dấu").click()
    page.get_by_text("Đã duyệt 2 danh sách").wait_for()
    assert Submission.objects.filter(state="approved").count() == 2
    page.screenshot(path=str(artifacts / "phone-collection-round-approved.png"), full_page=True)
    assert fits(page)
    context.close()

    # Provincial staff close the round, on a desktop.
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="vi-VN")
    page = context.new_page()
    login(page, base, provincial_staff)
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/")
    page.screenshot(path=str(artifacts / "desktop-collection-round-province.png"), full_page=True)
    page.get_by_role("button", name="Đóng đợt").click()
    page.get_by_text("Đã đóng đợt").first.wait_for()
    collection_round.refresh_from_db()
    assert collection_round.closed_at is not None
    context.close()

    # The school sees that the round is closed and has no upload form.
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN")
    page = context.new_page()
    login(page, base, school_staff_gl)
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/truong/{world.school_gl.pk}/")
    assert "Đợt này đã đóng ngày" in page.locator("main").inner_text()
    assert page.get_by_label("Tệp danh sách").count() == 0
    page.screenshot(path=str(artifacts / "phone-collection-school-closed.png"), full_page=True)
    assert fits(page)
    page.goto(f"{base}/thu-thap/danh-sach/{returned.pk}/")
    page.screenshot(path=str(artifacts / "phone-collection-review-returned.png"), full_page=True)
    assert fits(page)
    context.close()


def test_an_unreadable_file_leaves_the_earlier_list_to_confirm(
    live_server, world, school_staff_gl, browser, artifacts, tmp_path
):
    today = timezone.localdate()
    collection_round = CollectionRound.objects.create(
        name="Thu thập năm học 2026-2027",
        school_year=2026,
        area=world.province,
        opens_on=today - dt.timedelta(days=7),
        deadline=today + dt.timedelta(days=14),
    )
    base = live_server.url
    school_url = f"{base}/thu-thap/dot/{collection_round.pk}/truong/{world.school_gl.pk}/"
    for device, viewport in VIEWPORTS.items():
        Submission.objects.all().delete()
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = context.new_page()
        login(page, base, school_staff_gl)
        for path in (_xlsx(tmp_path, ROWS), no_header(tmp_path)):
            page.goto(school_url)
            page.get_by_label("Tệp danh sách").set_input_files(str(path))
            page.get_by_role("button", name="Tải lên và kiểm tra").click()
            page.wait_for_url(f"{base}/thu-thap/danh-sach/**")
        page.screenshot(
            path=str(artifacts / f"{device}-collection-review-no-header.png"), full_page=True
        )
        assert fits(page)
        page.goto(school_url)
        main = page.locator("main").inner_text()
        assert "Danh sách đang chờ trường xác nhận" in main and "vẫn chờ xác nhận" in main
        page.screenshot(
            path=str(artifacts / f"{device}-collection-school-pending.png"), full_page=True
        )
        assert fits(page)
        page.get_by_role("link", name="Xem lại và xác nhận").click()
        assert page.get_by_role("button", name="Xác nhận 2 dòng hợp lệ").is_visible()
        page.goto(f"{base}/")
        assert "Xem lại và xác nhận" in page.locator("main").inner_text()
        page.screenshot(path=str(artifacts / f"{device}-home-school-pending.png"), full_page=True)
        assert fits(page)
        context.close()
