"""A school uploads a 6,000-row list on the site of `make run` (the embedded PostgreSQL,
no DATABASE_URL): preview, then confirm. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import login
from tests.embedded_site import (
    DEMO_PASSWORD,
    embedded_server_url,
    school_list_write,
    student_count,
)

pytestmark = pytest.mark.browser


def test_it_previews_and_confirms_a_6000_row_upload_in_the_browser(
    embedded_site, browser, artifacts, tmp_path
):
    site = embedded_site
    round_id = site.query(
        "import json, datetime as dt; from khuyenhoc.models import Area;"
        " from students.models import CollectionRound;"
        " r = CollectionRound.objects.create(name='Đợt kiểm thử', school_year=2026,"
        " area=Area.objects.get(code='45', kind='province'), opens_on=dt.date(2026, 9, 1),"
        " deadline=dt.date(2027, 5, 31));"
        " print(json.dumps(r.pk))"
    )
    path = school_list_write(
        tmp_path / "danh-sach-6000.xlsx",
        rows=6000,
        grades=tuple(site.school["grades"]),
        seed=9,
        first_id=8_000_000,
    )
    before = student_count(site)

    class Demo:
        username = "truong_giolinh"

    with embedded_server_url(site) as base:
        page = browser.new_page()
        login(page, base, Demo, password=DEMO_PASSWORD)
        page.goto(f"{base}/thu-thap/dot/{round_id}/truong/{site.school['id']}/")
        page.get_by_label("Tệp danh sách").set_input_files(str(path))
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
        page.wait_for_url(re.compile(r"/thu-thap/danh-sach/\d+/$"), timeout=120_000)
        body = page.locator("main").inner_text()
        assert "6.000" in body, body[:2000]
        assert "ngoài dự kiến" not in body
        page.screenshot(path=str(artifacts / "embedded-6000-preview.png"), full_page=False)
        page.get_by_role("button", name=re.compile("Xác nhận")).first.click()
        # Rows whose name and birth date match a student of an earlier test's list
        # update that student; the others are new.
        written = page.get_by_text(re.compile(r"Đã ghi vào hồ sơ lúc .*: thêm [\d.]+ học sinh"))
        written.first.wait_for(timeout=120_000)
        created = int(
            re.search(r"thêm ([\d.]+) học sinh", written.first.inner_text())[1].replace(".", "")
        )
        assert created > 5000
        assert student_count(site) == before + created
        page.screenshot(path=str(artifacts / "embedded-6000-confirmed.png"), full_page=False)
