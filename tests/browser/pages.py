"""Helpers the browser tests share: signing in through the login form, and the check
that a page does not scroll sideways on a phone."""

from __future__ import annotations

PASSWORD = "matkhau-Thu-nghiem-1"


def fits(page) -> bool:
    """Nothing sticks out sideways (a phone must not scroll horizontally)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def login(page, base: str, user, password: str = PASSWORD) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
