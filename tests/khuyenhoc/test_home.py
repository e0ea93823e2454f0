import pytest
from django.urls import reverse
from django.utils import timezone

from students.models import Student, Submission
from tests.factories import CircumstanceFactory, SchoolFactory, StudentFactory, area_add
from tests.students.collection.test_view_round_tools import open_round_make

pytestmark = pytest.mark.django_db

URL = reverse("home")


def test_it_asks_anonymous_visitors_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_the_leader_totals_by_district(client, world, leader):
    CircumstanceFactory(student=world.student_dh, kind="poor")
    CircumstanceFactory(student=world.student_dh, kind="orphan", orphan_label="father")
    CircumstanceFactory(student=world.student_gl, kind="poor")
    world.student_gl.verified_at = timezone.now()
    world.student_gl.save()
    client.force_login(leader)
    response = client.get(URL)
    assert response.status_code == 200
    rows = {row.label: row for row in response.context["district_rows"]}
    assert set(rows) == {"Thành phố Đông Hà", "Huyện Gio Linh"}
    kinds = ["disability", "orphan", "poor", "near_poor", "other"]
    dong_ha, gio_linh = rows["Thành phố Đông Hà"], rows["Huyện Gio Linh"]
    assert (dong_ha.students, dong_ha.verified) == (1, 0)
    assert dict(zip(kinds, dong_ha.kinds, strict=True)) == {
        "disability": 0,
        "orphan": 1,
        "poor": 1,
        "near_poor": 0,
        "other": 0,
    }
    assert (gio_linh.students, gio_linh.verified, gio_linh.verified_share) == (1, 1, 100.0)
    total = response.context["total"]
    assert (total.students, total.verified) == (2, 1)
    body = response.content.decode()
    assert "Thành phố Đông Hà" in body
    assert "Hộ nghèo" in body
    assert reverse("students:create") not in body


def test_it_uses_thousands_separators(client, world, provincial_staff):
    school = SchoolFactory(commune=world.phuong_1)
    Student.objects.bulk_create(StudentFactory.build_batch(1000, school=school))
    client.force_login(provincial_staff)
    body = client.get(URL).content.decode()
    assert "1.001" in body
    assert "1.002" in body


def test_it_shows_district_staff_their_schools_and_the_empty_ones(client, world, district_staff_dh):
    empty = SchoolFactory(name="Trường TH Trần Hưng Đạo", commune=world.phuong_1)
    StudentFactory(school=world.school_dh, verified_at=timezone.now())
    client.force_login(district_staff_dh)
    response = client.get(URL)
    rows = response.context["school_rows"]
    assert [(r.school, r.students, r.verified) for r in rows] == [(world.school_dh, 2, 1)]
    assert response.context["empty_schools"] == [empty]
    body = response.content.decode()
    assert "Trường TH Trần Hưng Đạo" in body
    assert "Gio Mỹ" not in body
    assert "Gio Linh" not in body


def test_it_shows_school_staff_their_counts_by_grade_and_circumstance(
    client, world, school_staff_gl
):
    StudentFactory(school=world.school_gl, grade=6)
    CircumstanceFactory(student=world.student_gl, kind="near_poor")
    client.force_login(school_staff_gl)
    response = client.get(URL)
    assert response.context["by_grade"] == [{"grade": 6, "n": 1}, {"grade": 8, "n": 1}]
    assert ("Hộ cận nghèo", 1) in response.context["by_kind"]
    body = response.content.decode()
    assert reverse("students:list") in body
    assert "Nguyễn Trãi" not in body


def test_it_counts_in_a_constant_number_of_queries(
    client, world, provincial_staff, django_assert_max_num_queries
):
    for _ in range(10):
        CircumstanceFactory(student=StudentFactory(school=world.school_gl))
    client.force_login(provincial_staff)
    with django_assert_max_num_queries(15):
        assert client.get(URL).status_code == 200


def test_it_tells_a_user_without_a_role_what_to_do(client, world, django_user_model):
    user = django_user_model.objects.create_user("norole", password="x-Mat-khau-1")
    client.force_login(user)
    assert "chưa được giao vai trò" in client.get(URL).content.decode()


def test_the_menu_offers_the_review_pages_to_those_who_may_use_them(
    client, world, district_staff_dh, provincial_staff, leader
):
    client.force_login(district_staff_dh)
    page = client.get(reverse("home")).content.decode()
    for name in ("duplicates:list", "addresses:unresolved", "results:upload", "students:leavers"):
        assert reverse(name) in page, name
    assert reverse("students:rollover") not in page
    client.force_login(provincial_staff)
    assert reverse("students:rollover") in client.get(reverse("home")).content.decode()
    client.force_login(leader)
    assert reverse("duplicates:list") not in client.get(reverse("home")).content.decode()


def test_it_leaves_out_districts_without_schools(client, world, leader):
    world.province.refresh_from_db()
    area_add(parent=world.province, code="464", name="Huyện Cồn Cỏ", kind="district")
    client.force_login(leader)
    response = client.get(URL)
    labels = [row.label for row in response.context["district_rows"]]
    assert labels and "Huyện Cồn Cỏ" not in labels
    assert "Cồn Cỏ" not in response.content.decode()


@pytest.fixture
def open_round(world):
    return open_round_make(world)


def _submit(collection_round, world, state, **fields):
    return Submission.objects.create(
        round=collection_round,
        school=world.school_gl,
        original_name="ds.xlsx",
        file="submissions/x.xlsx",
        file_sha256="0" * 64,
        state=state,
        **fields,
    )


def test_it_shows_a_school_what_to_do_first(client, world, school_staff_gl, open_round):
    client.force_login(school_staff_gl)
    response = client.get(URL)
    [task] = response.context["tasks"]
    assert task.step == "upload"
    html = response.content.decode()
    assert "Việc cần làm:" in html
    assert reverse("collection:template", args=[open_round.pk, world.school_gl.pk]) in html
    assert reverse("collection:school", args=[open_round.pk, world.school_gl.pk]) in html
    assert "Theo huyện, thành phố, thị xã" not in html


def test_it_shows_a_school_its_returned_list_with_the_comment(
    client, world, school_staff_gl, district_staff_gl, open_round
):
    returned = _submit(
        open_round,
        world,
        "returned",
        rows_valid=3,
        review_comment="Thiếu 2 em lớp 6.",
        reviewed_by=district_staff_gl,
        reviewed_at=timezone.now(),
    )
    client.force_login(school_staff_gl)
    html = client.get(URL).content.decode()
    assert "Hội huyện đã trả lại danh sách của trường" in html
    assert "Thiếu 2 em lớp 6." in html and "Tải lên lại" in html
    assert reverse("collection:submission", args=[returned.pk]) in html


def test_it_shows_a_school_its_list_to_confirm_and_a_later_unreadable_file(
    client, world, school_staff_gl, open_round
):
    pending = _submit(open_round, world, "has_errors", rows_valid=3, rows_total=4)
    failed = _submit(
        open_round,
        world,
        "failed",
        file_errors=[
            {"row": 0, "column": "", "message": "Không tìm thấy dòng tiêu đề.", "fix": ""}
        ],
    )
    client.force_login(school_staff_gl)
    response = client.get(URL)
    [task] = response.context["tasks"]
    assert (task.step, task.submission, task.failed) == ("confirm", pending, failed)
    html = response.content.decode()
    assert "Xem lại và xác nhận" in html and "Không tìm thấy dòng tiêu đề." in html


def test_it_shows_a_school_its_approved_list(client, world, school_staff_gl, open_round):
    _submit(open_round, world, "approved", rows_valid=3, reviewed_at=timezone.now())
    client.force_login(school_staff_gl)
    html = client.get(URL).content.decode()
    assert "Hội huyện đã duyệt danh sách của trường" in html


def test_it_shows_no_task_of_a_closed_round(client, world, school_staff_gl, open_round):
    open_round.closed_at = timezone.now()
    open_round.save()
    client.force_login(school_staff_gl)
    response = client.get(URL)
    assert response.context["tasks"] == []
    assert "chưa có đợt thu thập danh sách nào đang mở" in response.content.decode()
