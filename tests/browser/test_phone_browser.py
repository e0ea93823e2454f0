"""Everyday use on a 390 px phone, in an English browser: the interface stays
Vietnamese, wide tables say that they scroll and keep their first column in view, and
the commune picker finds an old commune's name typed without diacritics. Screenshots
go to test-artifacts/phone-390-*.png."""

import datetime as dt
import re

import pytest

from khuyenhoc.models import AreaSuccession
from tests.browser.pages import login
from tests.factories import SchoolFactory, StudentFactory, SupportFactory, area_add

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def _sticks(page, box_selector: str) -> bool:
    """After scrolling the box sideways, its first column is still at its left edge."""
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector);
            box.scrollLeft = box.scrollWidth;
            const first = box.querySelector("tbody tr > :first-child");
            return Math.abs(first.getBoundingClientRect().left - box.getBoundingClientRect().left) < 2;
        }""",
        box_selector,
    )


def test_it_keeps_wide_tables_usable_on_a_phone(
    live_server, world, provincial_staff, browser, artifacts
):
    for i in range(3):
        SchoolFactory(name=f"Trường Tiểu học Số {i + 1} Đông Hà", commune=world.phuong_1)
    SupportFactory(student=world.student_dh, giver="Công ty Điện lực Quảng Trị")
    page = browser.new_page(
        viewport=PHONE, locale="en-US", extra_http_headers={"Accept-Language": "en-US,en"}
    )
    shot = lambda name: page.screenshot(  # noqa: E731
        path=str(artifacts / f"phone-390-{name}.png"), full_page=True
    )
    page.goto(f"{live_server.url}/dang-nhap/")
    assert page.get_by_label("Tên đăng nhập").is_visible()
    shot("1-login-english-browser")
    login(page, live_server.url, provincial_staff)

    box = page.locator(".table-scroll").first
    box.wait_for()
    assert box.get_attribute("data-overflowing") is not None
    hint = page.locator(".scroll-hint").first
    assert hint.is_visible()
    assert "vuốt sang ngang" in hint.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot("2-home")
    assert _sticks(page, ".table-scroll")
    page.wait_for_function("document.querySelector('.table-scroll').hasAttribute('data-scrolled')")
    shot("3-home-scrolled")

    page.goto(f"{live_server.url}/hoc-sinh/{world.student_dh.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator(".support-table").is_visible()
    assert _sticks(page, ".table-scroll:has(.support-table)")
    shot("4-record")

    page.goto(f"{live_server.url}/hoc-sinh/?page=99999999999999999999")
    assert page.get_by_role("link", name="Nguyễn Văn An").first.is_visible()
    shot("5-list-past-the-end")


def test_it_finds_an_old_commune_without_diacritics_on_a_phone(
    live_server, world, district_staff_dh, browser, artifacts
):
    reform = dt.date(2025, 7, 1)
    for area in (world.gio_my, world.phuong_1):
        area.refresh_from_db()
        area.valid_to = reform - dt.timedelta(days=1)
        area.save(update_fields=["valid_to"])
    new_province = area_add(parent=None, code="45n", name="Tỉnh Quảng Trị (mới)", kind="province")
    gio_linh_2025 = area_add(parent=new_province, code="19507", name="Xã Gio Linh", kind="commune")
    AreaSuccession.objects.create(
        old_area=world.gio_my, new_area=gio_linh_2025, is_default=True, effective_on=reform
    )
    StudentFactory(full_name="Lê Văn Tám", school=world.school_dh)
    page = browser.new_page(viewport=PHONE, locale="en-US")
    login(page, live_server.url, district_staff_dh)
    page.goto(f"{live_server.url}/hoc-sinh/{world.student_dh.pk}/sua/")
    search = page.get_by_role("searchbox", name=re.compile("Tìm xã, phường"))
    search.fill("gio my")
    select = page.locator("select#id_commune")
    assert select.evaluate("s => s.options[s.selectedIndex].textContent").startswith("Xã Gio Mỹ")
    assert select.input_value() == str(gio_linh_2025.pk)
    saved_as = page.locator(".commune-saved-as")
    assert saved_as.inner_text() == "Sẽ ghi vào hồ sơ: Xã Gio Linh (tên hiện nay)"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("fieldset", has=search).screenshot(
        path=str(artifacts / "phone-390-6-commune-picker.png")
    )
    page.get_by_role("button", name=re.compile("Lưu")).first.click()
    page.wait_for_url(re.compile(rf"/hoc-sinh/{world.student_dh.pk}/$"))
    world.student_dh.refresh_from_db()
    assert world.student_dh.commune_id == gio_linh_2025.pk
