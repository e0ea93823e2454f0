"""A school's page in a round: its pre-filled template, the upload form, and its
lists with their state and the district's comment."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from students.models import CollectionRound
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection_round(world):
    return round_make(world)


@pytest.mark.parametrize(
    "who, school, expected, form",
    [
        ("school_staff_gl", "school_gl", 200, True),
        ("school_staff_gl", "school_dh", 404, False),
        ("district_staff_gl", "school_gl", 200, True),
        ("district_staff_dh", "school_gl", 404, False),
        ("district_staff_dh", "school_dh", 200, True),
        ("provincial_staff", "school_gl", 200, True),
        ("leader", "school_gl", 200, False),  # sees, cannot upload
        ("outsider", "school_gl", 404, False),
    ],
)
def test_it_shows_the_page_and_the_form_by_role(
    request, client, world, collection_round, who, school, expected, form
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("collection:school", args=[collection_round.pk, getattr(world, school).pk])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert ('enctype="multipart/form-data"' in html) == form
        assert (
            reverse("collection:template", args=[collection_round.pk, getattr(world, school).pk])
            in html
        )


def test_it_answers_404_for_a_school_outside_the_round(client, world, provincial_staff):
    round_dh = CollectionRound.objects.create(
        name="Đợt Đông Hà",
        school_year=2026,
        area=world.dong_ha,
        opens_on=dt.date(2026, 9, 1),
        deadline=dt.date(2026, 10, 1),
    )
    client.force_login(provincial_staff)
    assert (
        client.get(reverse("collection:school", args=[round_dh.pk, world.school_gl.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("collection:template", args=[round_dh.pk, world.school_gl.pk])
        ).status_code
        == 404
    )


def test_it_downloads_the_template_with_the_schools_students(
    client, world, school_staff_gl, collection_round
):
    client.force_login(school_staff_gl)
    response = client.get(
        reverse("collection:template", args=[collection_round.pk, world.school_gl.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"danh-sach-{world.school_gl.moet_code}-2026.xlsx" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "Trần Thị Đào" in values
    assert "Nguyễn Văn An" not in values  # Đông Hà's student


@pytest.mark.parametrize("who", ["district_staff_dh", "outsider"])
def test_it_keeps_the_template_from_outsiders(request, client, world, collection_round, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(
        reverse("collection:template", args=[collection_round.pk, world.school_gl.pk])
    )
    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_the_login(client, world, collection_round):
    response = client.get(
        reverse("collection:school", args=[collection_round.pk, world.school_gl.pk])
    )
    assert response.status_code == 302 and "/dang-nhap/" in response.url
