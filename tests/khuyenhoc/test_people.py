"""People's names in Vietnamese order everywhere: family name first, the login name only
when no name is set."""

import pytest
from django.urls import reverse

from khuyenhoc.models import person_name
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_puts_the_family_name_first():
    user = UserFactory(username="truong_gl", last_name="Võ Thị Thu", first_name="Hà")
    assert user.get_full_name() == "Võ Thị Thu Hà"
    assert person_name(user) == "Võ Thị Thu Hà"


def test_it_falls_back_to_the_login_name_only_without_a_name():
    assert person_name(UserFactory(username="truong_gl")) == "truong_gl"
    assert person_name(UserFactory(username="x", first_name="Hà")) == "Hà"
    assert person_name(None) == ""


def test_it_shows_the_name_in_the_header(client, world, district_staff_dh):
    district_staff_dh.last_name, district_staff_dh.first_name = "Hoàng Thị", "Lan"
    district_staff_dh.save(update_fields=["last_name", "first_name"])
    client.force_login(district_staff_dh)
    body = client.get(reverse("home")).content.decode()
    assert "Hoàng Thị Lan" in body
    assert "Lan Hoàng Thị" not in body
