"""The interface is Vietnamese whatever the browser asks for, Django's own messages
included, in this project's wording (locale/vi overrides Django's catalogue)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_it_shows_the_login_page_in_vietnamese_to_an_english_browser(client, world):
    body = client.get(reverse("login"), **ENGLISH_BROWSER).content.decode()
    assert '<html lang="vi">' in body
    assert "Tên đăng nhập" in body
    assert "Mật khẩu" in body
    assert "Username" not in body
    assert "Password" not in body


def test_it_shows_django_form_errors_in_vietnamese_to_an_english_browser(client, world):
    response = client.post(reverse("login"), {"username": "", "password": ""}, **ENGLISH_BROWSER)
    body = response.content.decode()
    assert "Mục này bắt buộc." in body
    assert "This field is required" not in body
    assert "Trường này" not in body


def test_it_says_a_wrong_password_in_vietnamese(client, world, district_staff_dh):
    response = client.post(
        reverse("login"), {"username": "hoi_dongha", "password": "sai"}, **ENGLISH_BROWSER
    )
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_it_keeps_vietnamese_after_an_old_language_cookie(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("login"), **ENGLISH_BROWSER).content.decode()
    assert "Tên đăng nhập" in body


def test_it_offers_no_language_switch(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    body = client.get(reverse("home"), **ENGLISH_BROWSER).content.decode()
    assert "lang-switch" not in body
    assert [code for code, _name in settings.LANGUAGES] == ["vi"]


def test_it_shows_a_required_field_in_the_project_wording_on_a_student_form(
    client, world, district_staff_dh
):
    client.force_login(district_staff_dh)
    data = {"full_name": "Lê Văn Tám", "gender": "male", "personal_id": "04521274387a"}
    response = client.post(reverse("students:create"), data, **ENGLISH_BROWSER)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mục này bắt buộc." in body
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số" in body
    assert "có ký tự không phải chữ số" in body
    assert "ký tự)" not in body
    assert "Trường này là bắt buộc" not in body
    assert "This field is required" not in body


def test_it_has_compiled_the_current_catalogue(tmp_path):
    # .mo files are built by `make install`, not committed: a stale one would show
    # Django's wording again without any other test noticing which string changed.
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: apt-get install gettext"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make install`"


def test_it_refuses_a_nul_character_in_vietnamese(client, world):
    response = client.post(
        reverse("login"), {"username": "a\x00b", "password": "x"}, **ENGLISH_BROWSER
    )
    assert response.status_code == 200
    assert "Không được chứa ký tự rỗng (NUL)" in response.content.decode()


def test_it_shows_the_admin_in_vietnamese_where_django_left_english(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    body = client.get(reverse("admin:auth_user_changelist"), **ENGLISH_BROWSER).text
    assert "Hiện số lượng" in body
    assert "Show counts" not in body
    assert "Skip to main content" not in body
