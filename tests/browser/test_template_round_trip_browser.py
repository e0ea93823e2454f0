"""A school downloads its template and uploads it back without touching it: the review
page says nothing changes and nothing is wrong (issue 13, item 4). Screenshot of the
review page in test-artifacts/."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from students.models import CollectionRound, Submission
from tests.browser.test_collection_browser import VIEWPORTS, _login, _upload
from tests.factories import CircumstanceFactory, GuardianFactory, StudentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _stat(page, label: str) -> str:
    stat = page.locator(".stat", has=page.locator(".stat-label", has_text=re.compile(f"^{label}$")))
    return stat.locator(".stat-value").inner_text()


def test_the_unchanged_template_comes_back_with_no_change(
    live_server, world, school_staff_gl, browser, artifacts, tmp_path
):
    year = timezone.localdate().year
    # Addresses as the school first wrote them, wishes of every kind, and a student
    # added in the pages whose circumstances are still to record (world.student_gl).
    dao = world.student_gl
    dao.village, dao.commune = "Thôn 2", world.gio_my
    dao.address_text = "Thôn 2, xã Gio Mỹ, huyện Gio Linh"
    dao.save()
    hoa = StudentFactory(
        full_name="Lê Thị Hoa",
        school=world.school_gl,
        gender="female",
        village="Thôn Tân Minh",
        commune=world.gio_my,
        address_text="Thôn Tân Minh, xã Gio Mỹ, huyện Gio Linh",
        wishes=["books", "clothes", "other"],
        wishes_note="Áo ấm mùa đông",
        note="-50.000 đồng còn nợ học phí",
    )
    CircumstanceFactory(student=hoa, kind="poor", household_year=year)
    GuardianFactory(student=hoa, full_name="Lê Văn Tư", phone="0912000111")
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
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/truong/{world.school_gl.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu (.xlsx)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)

    _upload(page, template)
    page.screenshot(
        path=str(artifacts / "desktop-collection-template-unchanged.png"), full_page=True
    )
    assert _stat(page, "Dòng học sinh") == "2"
    assert _stat(page, "Có thay đổi") == "0"
    assert _stat(page, "Học sinh mới") == "0"
    assert _stat(page, "Có lỗi") == "0"
    assert _stat(page, "Không đổi") == "2"
    assert "chưa đánh dấu diện nào" in page.locator("main").inner_text()
    submission = Submission.objects.get()
    assert (submission.changed_count, submission.rows_error) == (0, 0)
    context.close()
