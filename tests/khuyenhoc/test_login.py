import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-Thu-nghiem-1"


def test_it_shows_the_login_form_in_vietnamese(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đăng nhập" in body
    assert "Hội Khuyến học tỉnh Quảng Trị" in body
    assert "cdn" not in body.lower()


def test_it_logs_in_and_goes_home(client, world, district_staff_dh):
    response = client.post(
        reverse("login"), {"username": "hoi_dongha", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    body = response.content.decode()
    assert "hoi_dongha" in body
    assert "Đăng xuất" in body


def test_it_refuses_a_wrong_password(client, world, district_staff_dh):
    response = client.post(reverse("login"), {"username": "hoi_dongha", "password": "sai"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'role="alert"' in response.content.decode()


def test_it_logs_out_with_post_only(client, world, district_staff_dh):
    client.force_login(district_staff_dh)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
