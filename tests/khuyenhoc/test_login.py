import pytest
from django.templatetags.static import static
from django.urls import reverse

from tests.factories import UserFactory

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


def test_it_sends_an_anonymous_visitor_to_the_login_page_and_back(client, world):
    """Sign-in is required by default (LoginRequiredMiddleware); where every route sends
    an anonymous visitor is in the URL table (tests/urls/)."""
    response = client.get(reverse("students:list"))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=" + reverse("students:list")


def test_it_serves_the_static_files_to_anonymous_visitors(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get(static("css/app.css"))
    assert response.status_code == 200
    assert "text/css" in response["Content-Type"]


def test_it_signs_staff_in_through_the_admin_login_page(client, world):
    UserFactory(username="quantri", is_staff=True, is_superuser=True)
    index = reverse("admin:index")
    response = client.get(index)
    assert response.url == reverse("admin:login") + "?next=" + index
    response = client.post(
        reverse("admin:login"), {"username": "quantri", "password": PASSWORD, "next": index}
    )
    assert response.status_code == 302 and response.url == index
    assert client.get(index).status_code == 200
