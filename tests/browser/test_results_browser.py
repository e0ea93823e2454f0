"""A district officer uploads the education department's export of the year's results
for a school: sees which rows matched a record (by MOET code, or by name and date of
birth), which matched but need a look (the file's birth date is not the record's) and
which did not (a mistyped code pointing at another child), confirms, follows the job, and finds the result on the
student's record and through the list's filter. Desktop and phone; screenshots go to
test-artifacts/."""

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from students.results.services import school_year_default
from tests.browser.pages import fits, login
from tests.factories import StudentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
HEADER = [
    "STT",
    "Mã học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Lớp",
    "Học lực",
    "Hạnh kiểm",
    "Danh hiệu",
]


def _export(path: Path, year: int) -> Path:
    """The department's export as a school downloads it: a title block, then the list."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "KQ cả năm"
    for row in [
        ["SỞ GIÁO DỤC VÀ ĐÀO TẠO QUẢNG TRỊ"],
        ["TRƯỜNG THCS NGUYỄN TRÃI"],
        [f"BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI CẢ NĂM - NĂM HỌC {year}-{year + 1}"],
        [],
        HEADER,
        [1, "4610000101", "Lê Thị Bình", "12/03/2012", "7A", "Khá", "Tốt", ""],
        [2, "4610000102", "HOÀNG VĂN CƯỜNG", "21/11/2012", "7B", "TB", "K", ""],
        [3, "", "Nguyen Van An", dt.datetime(2012, 9, 5), "7A", "G", "T", "HSG"],
        [4, "", "Trần Văn Không Có", "02/02/2012", "7C", "Khá", "Tốt", ""],
        # Lê Thị Bình's code typed for Phan Thị Dung.
        [5, "4610000101", "Phan Thị Dung", "05/09/2012", "7B", "Khá", "Tốt", ""],
    ]:
        ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_it_uploads_results_previews_confirms_and_shows_them_on_the_record(
    live_server, world, district_staff_dh, browser, artifacts, tmp_path, device
):
    school = world.school_dh
    StudentFactory(
        school=school,
        full_name="Lê Thị Bình",
        moet_code="4610000101",
        birth_date=dt.date(2012, 3, 12),
        gender="female",
    )
    StudentFactory(
        school=school,
        full_name="Hoàng Văn Cường",
        moet_code="4610000102",
        birth_date=dt.date(2012, 11, 20),
    )
    StudentFactory(school=school, full_name="Phan Thị Dung", gender="female")
    student = world.student_dh  # Nguyễn Văn An, born 05/09/2012, no MOET code
    year = school_year_default()
    year_display = f"{year}-{year + 1}"
    export = _export(tmp_path / "KQ_ca_nam_THCS_Nguyen_Trai.xlsx", year)

    base = live_server.url
    page = browser.new_page(viewport=VIEWPORTS[device], locale="vi-VN")
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(artifacts / f"results-{device}-{name}.png"), full_page=True
    )
    login(page, base, district_staff_dh)

    page.locator("summary", has_text="Rà soát hồ sơ").click()
    page.get_by_role("link", name="Kết quả học tập", exact=True).click()
    page.wait_for_url(re.compile(r"/ket-qua-hoc-tap/$"))
    expect(page.get_by_role("heading", name="Tải lên kết quả học tập", level=1)).to_be_visible()
    page.get_by_role("combobox", name="Trường").select_option(label=school.name)
    expect(page.get_by_label("Năm học (năm bắt đầu)")).to_have_value(str(year))
    page.get_by_label("Năm học (năm bắt đầu)").fill(str(year))
    page.get_by_label("Tệp kết quả học tập").set_input_files(str(export))
    assert fits(page)
    shot("1-upload")
    page.get_by_role("button", name="Tải lên và xem trước").click()
    # Through the reading job's page, which follows the job to the preview.
    page.wait_for_url(re.compile(r"/ket-qua-hoc-tap/\d+/$"))

    main = page.locator("main")
    expect(page.get_by_role("heading", name="Xem trước kết quả học tập", level=1)).to_be_visible()
    expect(main).to_contain_text(school.name)
    expect(main).to_contain_text(f"Năm học {year_display}")
    stats = page.get_by_role("group", name="Số liệu của tệp")
    expect(stats.locator(".stat", has_text="Dòng trong tệp")).to_contain_text("5")
    expect(stats.locator(".stat", has_text="Khớp với hồ sơ")).to_contain_text("3")
    expect(stats.locator(".stat", has_text="Cần kiểm tra")).to_contain_text("1")
    expect(stats.locator(".stat", has_text="Không khớp")).to_contain_text("2")
    expect(stats.locator(".stat", has_text="Dòng có lỗi")).to_contain_text("0")
    assert "Tệp ghi năm học" not in main.inner_text()  # the file names the chosen year

    unmatched = page.locator("section", has=page.locator("#unmatched-title"))
    expect(unmatched.get_by_role("heading")).to_have_text("2 dòng không khớp với hồ sơ")
    expect(unmatched.locator("tbody tr")).to_have_count(2)
    row = unmatched.locator("tbody tr", has_text="Dòng 9")
    expect(row).to_contain_text("Trần Văn Không Có")
    expect(row).to_contain_text("02/02/2012")
    expect(row).to_contain_text("Không có học sinh có họ tên và ngày sinh này trong trường.")
    typo = unmatched.locator("tbody tr", has_text="Dòng 10")
    expect(typo).to_contain_text("Phan Thị Dung")
    expect(typo).to_contain_text(
        "Mã học sinh 4610000101 trong hồ sơ là của Lê Thị Bình, sinh 12/03/2012: khác cả họ"
        " tên và ngày sinh trong tệp. Hãy kiểm tra lại mã học sinh rồi tải lên lại."
    )

    matched = page.locator("section", has=page.locator("#matched-title"))
    an = matched.locator("tbody tr", has=page.get_by_role("link", name="Nguyễn Văn An"))
    expect(an).to_contain_text("Dòng 8")
    expect(an).to_contain_text("Giỏi")
    expect(an).to_contain_text("Tốt")
    expect(an).to_contain_text("Học sinh Giỏi")
    expect(an).to_contain_text("Mới")
    cuong = matched.locator("tbody tr", has=page.get_by_role("link", name="Hoàng Văn Cường"))
    expect(cuong).to_contain_text("Trung bình")
    expect(cuong).to_contain_text("Khá")
    expect(cuong).to_contain_text(
        "Cần kiểm tra Ngày sinh trong tệp là 21/11/2012, trong hồ sơ là 20/11/2012"
    )
    # The row to check comes first.
    expect(matched.locator("tbody tr").first).to_contain_text("Hoàng Văn Cường")
    expect(matched.locator("tbody tr")).to_have_count(3)
    expect(main).to_contain_text(f"3 dòng khớp với hồ sơ sẽ được ghi cho năm học {year_display}.")
    expect(main).to_contain_text("1 dòng khớp theo mã học sinh nhưng họ tên hoặc ngày sinh")
    assert fits(page)
    shot("2-preview")

    # Nothing is written before the confirmation.
    assert not student.academic_results.exists()
    page.get_by_role("button", name="Xác nhận ghi 3 kết quả").click()
    # Through the writing job's page, back to the preview, which now says what was written.
    page.wait_for_url(re.compile(r"/ket-qua-hoc-tap/\d+/$"))
    expect(main.locator(".message-success")).to_contain_text(
        "thêm 3 kết quả, cập nhật 0, giữ nguyên 0"
    )
    expect(page.get_by_role("button", name=re.compile("Xác nhận ghi"))).to_have_count(0)
    assert fits(page)
    shot("3-written")

    # The upload page lists the upload as written.
    main.get_by_role("link", name="Kết quả học tập", exact=True).click()
    page.wait_for_url(re.compile(r"/ket-qua-hoc-tap/$"))
    recent = page.locator("section", has=page.locator("#recent-title")).locator("tbody tr")
    expect(recent).to_have_count(1)
    expect(recent).to_contain_text(export.name)
    expect(recent).to_contain_text(school.name)
    expect(recent).to_contain_text(year_display)
    expect(recent).to_contain_text("Đã ghi")
    assert fits(page)
    shot("4-recent")

    # The record shows the year's result.
    recent.get_by_role("link", name=export.name).click()
    matched.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(re.compile(rf"/hoc-sinh/{student.pk}/$"))
    results = page.locator("#ket-qua")
    result_row = results.locator("tbody tr", has_text=year_display)
    expect(result_row.locator("th")).to_have_text(year_display)
    expect(result_row.locator("td")).to_have_text(["7", "Giỏi", "Tốt", "Học sinh Giỏi"])
    results.scroll_into_view_if_needed()
    assert fits(page)
    shot("5-record")

    # The list's filter by academic result finds him, and only him.
    page.goto(f"{base}/hoc-sinh/")
    page.locator("summary", has_text="Lọc thêm").click()
    with page.expect_response(lambda r: "academic_result=" in r.url and r.status == 200):
        page.get_by_label("Học lực / kết quả học tập").select_option("Giỏi")
    with page.expect_response(lambda r: f"result_year={year}" in r.url and r.status == 200):
        page.get_by_label("Năm học của kết quả").select_option(str(year))
    listing = page.locator("#ket-qua")
    expect(listing.get_by_role("link", name="Nguyễn Văn An")).to_be_visible()
    expect(page.locator("#results-status")).to_have_text("Tìm thấy 1 học sinh")
    text = listing.inner_text()
    assert "Hoàng Văn Cường" not in text and "Lê Thị Bình" not in text
    assert fits(page)
    shot("6-filter")
    page.close()
