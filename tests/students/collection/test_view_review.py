"""The review page of an uploaded list: counts, errors, differences against the
registry, missing students, and who may see it."""

import openpyxl
import pytest
from django.urls import reverse

from students.collection.apply import submission_apply
from students.collection.services import submission_create
from students.collection.staging import submission_stage
from students.models import Submission
from tests.students.collection.test_import_pipeline import HEADER, ROWS, _xlsx
from tests.students.collection.test_view_upload import round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection_round(world):
    return round_make(world)


def staged(tmp_path, world, user, in_round, rows=ROWS, name="ds.xlsx") -> Submission:
    submission = submission_create(
        user=user,
        school=world.school_gl,
        upload=_xlsx(tmp_path, rows, name),
        collection_round=in_round,
    )
    return submission_stage(submission=submission)


def page(client, submission) -> str:
    response = client.get(reverse("collection:submission", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "who, expected",
    [
        ("school_staff_gl", 200),
        ("district_staff_gl", 200),
        ("provincial_staff", 200),
        ("leader", 200),
        ("district_staff_dh", 404),  # Gio Linh's list is none of Đông Hà's business
        ("outsider", 404),
    ],
)
def test_it_shows_the_list_only_inside_the_scope(
    request, client, tmp_path, world, school_staff_gl, collection_round, who, expected
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("collection:submission", args=[submission.pk]))
    assert response.status_code == expected


def test_it_shows_the_counts_errors_new_and_missing_students(
    client, tmp_path, world, school_staff_gl, collection_round
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    client.force_login(school_staff_gl)
    html = page(client, submission)
    assert "Dòng 5" in html and "12 chữ số" in html
    assert "Lê Văn Tám" in html and "Hồ Thị Hoa" in html  # new students
    assert "Học sinh đang học không có trong tệp" in html
    assert "Trần Thị Đào" in html  # the school's student the file leaves out
    assert "1 dòng có lỗi sẽ KHÔNG được ghi" in html and "dòng 5" in html
    assert "Xác nhận 2 dòng hợp lệ" in html
    assert reverse("collection:errors_file", args=[submission.pk]) in html


def test_it_shows_changed_fields_old_and_new_with_vietnamese_labels(
    client, tmp_path, world, school_staff_gl, collection_round
):
    submission_apply(
        submission=staged(tmp_path, world, school_staff_gl, collection_round),
        user=school_staff_gl,
    )
    changed = [list(ROWS[0]), list(ROWS[1])]
    changed[0][6] = "8A"
    changed[0][3] = "Nữ"
    changed[0][15] = "0987654321"
    again = staged(tmp_path, world, school_staff_gl, collection_round, changed, "ds2.xlsx")
    client.force_login(school_staff_gl)
    html = page(client, again)
    assert "Học sinh có thay đổi" in html
    assert "Khối lớp" in html and "<del>7</del>" in html and "<ins>8</ins>" in html
    assert "Giới tính" in html and "<del>Nam</del>" in html and "<ins>Nữ</ins>" in html
    assert "Số điện thoại phụ huynh" in html and "<ins>0987654321</ins>" in html
    assert "class_name" not in html and "gender" not in html


def test_it_lists_the_columns_it_did_not_recognise(
    client, tmp_path, world, school_staff_gl, collection_round
):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*HEADER, "Sở thích"])
    ws.append([*ROWS[0], "bóng đá"])
    path = tmp_path / "la.xlsx"
    wb.save(path)
    submission = submission_stage(
        submission=submission_create(
            user=school_staff_gl,
            school=world.school_gl,
            upload=path,
            collection_round=collection_round,
        )
    )
    client.force_login(school_staff_gl)
    html = page(client, submission)
    assert "Cột không nhận ra" in html and "Sở thích" in html


def test_it_gives_the_leader_no_buttons(
    client, tmp_path, world, school_staff_gl, leader, collection_round
):
    submission = staged(tmp_path, world, school_staff_gl, collection_round)
    client.force_login(leader)
    html = page(client, submission)
    assert "Xác nhận 2 dòng hợp lệ" not in html
    assert "Tải lên lại" not in html
    assert "Duyệt danh sách" not in html


def test_it_answers_404_for_an_unknown_list(client, school_staff_gl):
    client.force_login(school_staff_gl)
    assert client.get(reverse("collection:submission", args=[999999])).status_code == 404
