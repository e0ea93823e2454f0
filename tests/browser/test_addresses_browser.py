"""A district officer works through the addresses the matcher could not place: sees the
student, why the address matched no commune, chooses the commune, saves; the student
leaves the queue and the record shows the commune. Desktop and phone; screenshots go
to test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import fits, login
from tests.factories import StudentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
ADDRESS = "Khu phố 3, phường Đông Lương, TP Đông Hà"


def _field(section, term: str):
    """The value next to a term of one of the record's description lists."""
    return section.locator("dt", has_text=re.compile(rf"^{term}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_it_sets_the_commune_of_an_unmatched_address_and_shows_it_on_the_record(
    live_server, world, district_staff_dh, browser, artifacts, device
):
    student = world.student_dh  # Nguyễn Văn An
    student.address_text = ADDRESS  # no such ward in the areas
    student.save()
    other = StudentFactory(
        full_name="Lê Thị Bình", school=world.school_dh, address_text="123 Lê Lợi"
    )
    # In Gio Linh: not this officer's to see.
    StudentFactory(full_name="Hồ Văn Nam", school=world.school_gl, address_text="Thôn 9")

    base = live_server.url
    page = browser.new_page(viewport=VIEWPORTS[device], locale="vi-VN")
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(artifacts / f"addresses-{device}-{name}.png"), full_page=True
    )
    login(page, base, district_staff_dh)

    page.locator("summary", has_text="Rà soát hồ sơ").click()
    page.get_by_role("link", name="Địa chỉ chưa khớp").click()
    page.wait_for_url(re.compile(r"/dia-chi/$"))
    main = page.locator("main")
    expect(page.get_by_role("heading", name="Địa chỉ chưa xác định xã/phường")).to_be_visible()
    expect(main).to_contain_text("2 học sinh có địa chỉ nhưng chưa có xã/phường cư trú.")
    expect(main).not_to_contain_text("Hồ Văn Nam")
    row = main.locator("tbody tr", has=page.get_by_role("link", name="Nguyễn Văn An"))
    expect(row).to_contain_text(ADDRESS)
    expect(row).to_contain_text("Không tìm thấy")
    expect(row).to_contain_text(
        "Không tìm thấy xã/phường “phường Đông Lương” trong danh mục địa bàn."
    )
    expect(row).to_contain_text(world.school_dh.name)
    expect(main.locator("tbody tr", has_text="Lê Thị Bình")).to_contain_text(
        "Không thấy tên xã/phường trong địa chỉ."
    )
    assert fits(page)
    shot("1-queue")

    row.get_by_role("link", name="Chọn xã/phường khác…").click()
    page.wait_for_url(re.compile(rf"/dia-chi/{student.pk}/$"))
    expect(page.get_by_role("heading", name="Chọn xã/phường cư trú", level=1)).to_be_visible()
    expect(main).to_contain_text(f"Địa chỉ như đã ghi: {ADDRESS}")
    # Saving without a choice says what is missing.
    page.get_by_role("button", name="Lưu").click()
    expect(main).to_contain_text("Hãy chọn xã/phường.")
    commune = page.get_by_label("Xã/phường cư trú")
    expect(commune.locator("optgroup[label='Thành phố Đông Hà'] option")).to_contain_text(
        ["Phường 1"]
    )
    assert fits(page)
    shot("2-form")
    commune.select_option(label="Phường 1")
    page.get_by_label("Thôn/khối phố").fill("Khu phố 3")
    page.get_by_role("button", name="Lưu").click()

    # Back in the queue, without him.
    page.wait_for_url(re.compile(r"/dia-chi/(\?trang=\d*)?$"))
    expect(page.get_by_text("Đã ghi xã/phường cho Nguyễn Văn An.")).to_be_visible()
    expect(main).to_contain_text("1 học sinh có địa chỉ nhưng chưa có xã/phường cư trú.")
    expect(main.locator("tbody tr")).to_have_count(1)
    expect(main.locator("tbody")).not_to_contain_text("Nguyễn Văn An")
    expect(main.get_by_role("link", name=other.full_name)).to_be_visible()
    assert fits(page)
    shot("3-saved")

    # The record shows the commune, the village and the address as written.
    page.goto(f"{base}/hoc-sinh/{student.pk}/")
    expect(page.get_by_role("heading", name="Nguyễn Văn An", level=1)).to_be_visible()
    where = page.locator("section", has=page.get_by_role("heading", name="Trường, lớp và nơi ở"))
    expect(_field(where, "Xã/phường")).to_have_text("Phường 1")
    expect(_field(where, "Huyện/thành phố")).to_have_text("Thành phố Đông Hà")
    expect(_field(where, "Thôn/khối phố")).to_have_text("Khu phố 3")
    expect(_field(where, "Địa chỉ như đã ghi")).to_have_text(ADDRESS)
    entry = page.locator("#lich-su .history-entry").first
    expect(entry).to_contain_text("Biểu mẫu trên trang web")
    expect(entry).to_contain_text("hoi_dongha")
    expect(entry).to_contain_text("Xã/phường cư trú")
    expect(entry.locator("ins", has_text="Phường 1")).to_be_visible()
    expect(entry.locator("ins", has_text="Khu phố 3")).to_be_visible()
    assert fits(page)
    shot("4-record")
    page.close()
