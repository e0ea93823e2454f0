"""The uploaded file handed back with the error cells marked."""

import io

import openpyxl
import pytest
from django.urls import reverse

from students.collection.errors_workbook import ERROR_FILL
from tests.students.collection.test_import_pipeline import ROWS
from tests.students.collection.test_view_review import staged
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection_round(world):
    return round_make(world)


def test_it_hands_back_the_file_with_the_error_cells_marked(
    client, tmp_path, world, school_staff_gl, collection_round
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    client.force_login(school_staff_gl)
    response = client.get(reverse("collection:errors_file", args=[submission.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "ds-danh-dau-loi.xlsx" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["F5"].fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "12 chữ số" in ws["F5"].comment.text


@pytest.mark.parametrize(
    "who, expected",
    [("district_staff_gl", 200), ("leader", 200), ("district_staff_dh", 404), ("outsider", 404)],
)
def test_it_is_for_those_who_may_see_the_list(
    request, client, tmp_path, world, school_staff_gl, collection_round, who, expected
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("collection:errors_file", args=[submission.pk]))
    assert response.status_code == expected


def test_it_has_nothing_to_hand_back_for_a_clean_list(
    client, tmp_path, world, school_staff_gl, collection_round
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round, rows=ROWS[:2])
    assert submission.rows_error == 0
    client.force_login(school_staff_gl)
    response = client.get(reverse("collection:errors_file", args=[submission.pk]))
    assert response.status_code == 404
