"""A school downloads its template and uploads it back without touching it: the review
page says nothing changes and nothing is wrong (issue 13, item 4). Screenshot of the
review page in test-artifacts/."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from students.models import CollectionRound, Submission
from tests.browser.pages import login

# Addresses as the school first wrote them, wishes of every kind, text beginning with
# - + =, students added in the pages without circumstance or class.
from tests.students.collection.test_template_round_trip import students  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("students"),
]


def _stat(page, label: str) -> str:
    stat = page.locator(".stat", has=page.locator(".stat-label", has_text=re.compile(f"^{label}$")))
    return stat.locator(".stat-value").inner_text()


def test_the_unchanged_template_comes_back_with_no_change(
    live_server, world, school_staff_gl, browser, artifacts, tmp_path
):
    collection_round = CollectionRound.objects.create(
        name="Thu thập năm học 2026-2027",
        school_year=2026,
        area=world.province,
        opens_on=timezone.localdate() - dt.timedelta(days=7),
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    login(page, base, school_staff_gl)
    page.goto(f"{base}/thu-thap/dot/{collection_round.pk}/truong/{world.school_gl.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu (.xlsx)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)

    page.get_by_label("Tệp danh sách").set_input_files(str(template))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    # Through the job's progress page, which follows the job to its result.
    page.wait_for_url(re.compile(r"/thu-thap/danh-sach/\d+/$"))
    page.screenshot(
        path=str(artifacts / "desktop-collection-template-unchanged.png"), full_page=True
    )
    assert _stat(page, "Dòng học sinh") == "4"
    assert _stat(page, "Có thay đổi") == "0"
    assert _stat(page, "Học sinh mới") == "0"
    assert _stat(page, "Có lỗi") == "0"
    assert _stat(page, "Không đổi") == "4"
    assert "chưa đánh dấu diện nào" in page.locator("main").inner_text()
    submission = Submission.objects.get()
    assert (submission.changed_count, submission.rows_error) == (0, 0)
    context.close()
