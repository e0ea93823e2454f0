"""Import and export of students in the Django admin, scoped to the person's areas."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyenhoc.models import PersonalDataAccess
from students.models import Circumstance, Student
from students.resources import StudentResource
from tests.factories import CircumstanceFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV_FORMAT = "1"  # import_formats / export_formats are [XLSX, CSV]
HEADER = ["ID", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số định danh cá nhân"]
HEADER += ["Mã trường", "Khối", "Lớp", "Tình trạng", "Nguyện vọng"]


@pytest.fixture
def staff_dh(district_staff_dh):
    district_staff_dh.is_staff = True
    district_staff_dh.save(update_fields=["is_staff"])
    return district_staff_dh


@pytest.fixture
def leader_staff(leader):
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    return leader


def csv_file(rows: list[list], header=HEADER) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("hoc_sinh.csv", out.getvalue().encode("utf-8"), "text/csv")


def upload(client, rows, header=HEADER):
    """The first step: the file is read and checked (dry run), nothing is kept."""
    return client.post(
        reverse("admin:students_student_import"),
        {"import_file": csv_file(rows, header), "format": CSV_FORMAT},
    )


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(reverse("admin:students_student_process_import"), form.initial)


def row_errors(response) -> list[str]:
    result = response.context["result"]
    return [m for row in result.invalid_rows for ms in row.error_dict.values() for m in ms]


def export_csv(client) -> list[dict]:
    data = {"format": CSV_FORMAT, "resource": "0"}
    data |= {f"studentresource_{name}": "on" for name in StudentResource.fields}
    response = client.post(reverse("admin:students_student_export"), data)
    assert response.status_code == 200, response.content[:500]
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_exports_only_the_students_of_the_district(client, world, staff_dh):
    client.force_login(staff_dh)
    rows = export_csv(client)
    assert [r["Họ và tên"] for r in rows] == ["Nguyễn Văn An"]
    assert rows[0]["Mã trường"] == world.school_dh.moet_code
    assert rows[0]["Ngày sinh"] == "05/09/2012"
    assert rows[0]["Dân tộc"] == "Kinh"
    assert "Gio Mỹ" not in str(rows)
    assert "Trần Thị Đào" not in str(rows)


def test_it_logs_the_export_of_personal_data(client, world, staff_dh):
    client.force_login(staff_dh)
    export_csv(client)
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.action, entry.rows) == (staff_dh, "admin_export", 1)


def test_it_exports_in_a_fixed_number_of_queries(
    client, world, staff_dh, django_assert_max_num_queries
):
    StudentFactory.create_batch(30, school=world.school_dh)
    client.force_login(staff_dh)
    with django_assert_max_num_queries(16):
        rows = export_csv(client)
    assert len(rows) == 31


def test_it_creates_and_updates_students_with_their_history(client, world, staff_dh):
    CircumstanceFactory(student=world.student_dh, kind="orphan", orphan_label="father")
    client.force_login(staff_dh)
    rows = [
        # An update found by ID; a new status is dated like a change in the pages.
        [
            world.student_dh.pk,
            "Nguyễn Văn An",
            "05/09/2012",
            "Nam",
            "Kinh",
            "",
            "",
            "8",
            "8A",
            "Đã bỏ học",
            "",
        ],
        # A new student: the school by its MOET code, the ethnicity by its GSO code.
        [
            "",
            "Lê  Thị Hoa",
            "2013",
            "Nữ",
            "01",
            "045213000123",
            world.school_dh.moet_code,
            "6",
            "6B",
            "",
            "Học bổng, Xe đạp",
        ],
    ]
    rows[0][6] = world.school_dh.moet_code
    response = upload(client, rows)
    assert response.status_code == 200
    assert row_errors(response) == []
    assert not Student.objects.filter(full_name="Lê Thị Hoa").exists()  # dry run only

    response = confirm(client, response)
    assert response.status_code == 302

    new = Student.objects.get(personal_id="045213000123")
    assert (new.full_name, new.search_key, new.birth_year, new.birth_date) == (
        "Lê Thị Hoa",
        "le thi hoa",
        2013,
        None,
    )
    assert (new.school, new.grade, new.gender, new.status) == (
        world.school_dh,
        6,
        "female",
        "studying",
    )
    assert new.wishes == ["scholarship", "bicycle"]
    assert new.status_changed_on is not None

    world.student_dh.refresh_from_db()
    assert (world.student_dh.grade, world.student_dh.class_name) == (8, "8A")
    assert world.student_dh.status == "dropped_out"
    assert world.student_dh.need_score > 0
    change = world.student_dh.status_changes.get()
    assert (change.status, change.recorded_by) == ("dropped_out", staff_dh)

    for student in (new, world.student_dh):
        event = student.events.order_by("-pgh_id").first()
        assert event.pgh_context.metadata["source"] == "admin-import"
        assert event.pgh_context.metadata["username"] == "hoi_dongha"


def test_it_scores_a_student_found_by_personal_id(client, world, staff_dh):
    world.student_dh.personal_id = "045212000001"
    world.student_dh.save(update_fields=["personal_id"])
    # A circumstance written past the services: the import recomputes the score.
    Circumstance.objects.create(student=world.student_dh, kind="orphan", orphan_label="both")
    Student.objects.filter(pk=world.student_dh.pk).update(need_score=0)
    client.force_login(staff_dh)
    header = ["Số định danh cá nhân", "Lớp"]
    response = upload(client, [["45212000001", "7C"]], header)  # a number cell lost its 0
    assert row_errors(response) == []
    confirm(client, response)
    world.student_dh.refresh_from_db()
    assert world.student_dh.class_name == "7C"
    assert world.student_dh.need_score > 0
    assert Student.objects.count() == 2


def test_it_refuses_a_row_for_a_school_of_another_district(client, world, staff_dh):
    client.force_login(staff_dh)
    rows = [
        ["", "Lê Thị Hoa", "2013", "Nữ", "Kinh", "", world.school_dh.moet_code, "6", "", "", ""],
        [
            "",
            "Hồ Văn Nam",
            "2012",
            "Nam",
            "Vân Kiều",
            "",
            world.school_gl.moet_code,
            "7",
            "",
            "",
            "",
        ],
    ]
    response = upload(client, rows)
    errors = row_errors(response)
    assert errors == [
        f"Dòng 3, cột “Mã trường”: Không tìm thấy trường có mã {world.school_gl.moet_code} "
        "trong các trường bạn được cập nhật. Ghi mã trường của Bộ GD&ĐT."
    ]
    assert "confirm_form" not in response.context
    assert "Trường THCS Gio Mỹ" not in response.text
    assert Student.objects.count() == 2


def test_it_does_not_touch_a_student_of_another_district(client, world, staff_dh):
    world.student_gl.personal_id = "045212000999"
    world.student_gl.save(update_fields=["personal_id"])
    before = world.student_gl.events.count()
    client.force_login(staff_dh)
    by_id = [
        world.student_gl.pk,
        "Đổi Tên",
        "2012",
        "Nữ",
        "Kinh",
        "",
        world.school_dh.moet_code,
        "7",
        "",
        "",
        "",
    ]
    by_personal_id = [
        "",
        "Đổi Tên",
        "2012",
        "Nữ",
        "Kinh",
        "045212000999",
        world.school_dh.moet_code,
        "7",
        "",
        "",
        "",
    ]
    response = upload(client, [by_id, by_personal_id])
    errors = row_errors(response)
    assert errors[0] == (
        f"Dòng 2, cột “ID”: Không tìm thấy học sinh có ID {world.student_gl.pk} trong các "
        "trường bạn được cập nhật. Để thêm học sinh mới, để trống cột ID."
    )
    assert errors[1].startswith("Dòng 3, cột “Số định danh cá nhân”: Số định danh cá nhân")
    assert "đã được dùng cho một học sinh khác" in errors[1]
    for text in ("Trần Thị Đào", "Gio Mỹ", world.school_gl.moet_code):
        assert text not in response.text
    world.student_gl.refresh_from_db()
    assert world.student_gl.full_name == "Trần Thị Đào"
    assert world.student_gl.events.count() == before
    assert Student.objects.count() == 2


def test_it_names_the_row_and_column_of_bad_cells(client, world, staff_dh):
    client.force_login(staff_dh)
    rows = [
        [
            "",
            "Lê Thị Hoa",
            "31/02/2013",
            "Nữ",
            "Người Sao Hỏa",
            "12345",
            world.school_dh.moet_code,
            "6",
            "",
            "",
            "Xe máy",
        ]
    ]
    errors = row_errors(upload(client, rows))
    assert any(
        e.startswith("Dòng 2, cột “Ngày sinh”: Ngày sinh “31/02/2013” không có thật")
        for e in errors
    )
    assert any(
        e.startswith("Dòng 2, cột “Dân tộc”: Không có dân tộc “Người Sao Hỏa”") for e in errors
    )
    assert any(
        e.startswith("Dòng 2, cột “Số định danh cá nhân”: Số định danh cá nhân phải gồm đúng 12")
        for e in errors
    )
    assert any(
        e.startswith("Dòng 2, cột “Nguyện vọng”: “Xe máy” không có trong danh sách") for e in errors
    )
    assert Student.objects.count() == 2


def test_it_writes_nothing_when_a_row_is_bad_at_confirmation(client, world, staff_dh):
    client.force_login(staff_dh)
    good = ["", "Lê Thị Hoa", "2013", "Nữ", "Kinh", "", world.school_dh.moet_code, "6", "", "", ""]
    response = upload(
        client,
        [
            good,
            [
                "",
                "Hồ Văn Nam",
                "2012",
                "Nam",
                "Kinh",
                "045212000777",
                world.school_dh.moet_code,
                "7",
                "",
                "",
                "",
            ],
        ],
    )
    assert row_errors(response) == []
    # Between the check and the confirmation the personal ID is taken elsewhere.
    world.student_gl.personal_id = "045212000777"
    world.student_gl.save(update_fields=["personal_id"])
    confirm(client, response)
    assert Student.objects.count() == 2


def test_it_gives_no_import_to_the_leader(client, world, leader_staff):
    client.force_login(leader_staff)
    changelist = client.get(reverse("admin:students_student_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:students_student_import") not in changelist.text
    assert reverse("admin:students_student_export") in changelist.text
    assert client.get(reverse("admin:students_student_import")).status_code == 403
    response = client.post(
        reverse("admin:students_student_import"),
        {"import_file": csv_file([]), "format": CSV_FORMAT},
    )
    assert response.status_code == 403
    assert client.post(reverse("admin:students_student_process_import"), {}).status_code == 403


def test_it_shows_the_import_button_to_district_staff(client, world, staff_dh):
    client.force_login(staff_dh)
    changelist = client.get(reverse("admin:students_student_changelist"))
    assert reverse("admin:students_student_import") in changelist.text


def test_it_lets_a_superuser_import_anywhere(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = [
        [
            world.student_gl.pk,
            "Trần Thị Đào",
            "05/09/2012",
            "Nữ",
            "Kinh",
            "",
            world.school_gl.moet_code,
            "9",
            "9A",
            "",
            "",
        ]
    ]
    confirm(client, upload(client, rows))
    world.student_gl.refresh_from_db()
    assert (world.student_gl.grade, world.student_gl.class_name) == (9, "9A")


def test_it_imports_without_a_query_per_lookup(
    client, world, staff_dh, django_assert_max_num_queries
):
    """Lookups are read once per file; what is left per row is django-import-export's
    savepoint, the write and its release, once in the check and once in the confirmation."""
    client.force_login(staff_dh)
    school = world.school_dh.moet_code

    def rows(n):
        return [
            [
                "",
                # Names hold no digits (khuyenhoc/text.py name_problem): i in letters.
                "Học Sinh " + "".join("ABCDEGHIKL"[int(d)] for d in str(i)),
                "2012",
                "Nam",
                "Kinh",
                f"0452120{i:05d}",
                school,
                "7",
                "7A",
                "",
                "Học bổng",
            ]
            for i in range(n)
        ]

    def queries(n, captured):
        with captured as ctx:
            confirm(client, upload(client, rows(n)))
        return len(ctx.captured_queries)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = queries(5, CaptureQueriesContext(connection))
    Student.objects.filter(full_name__startswith="Học Sinh").delete()
    many = queries(25, CaptureQueriesContext(connection))
    per_row = (many - few) / 20
    assert per_row <= 6, per_row
    assert Student.objects.filter(full_name__startswith="Học Sinh").count() == 25


def test_it_puts_a_missing_birth_date_on_its_column(client, world, staff_dh):
    client.force_login(staff_dh)
    header = ["Họ và tên", "Giới tính", "Dân tộc", "Mã trường", "Khối"]
    errors = row_errors(
        upload(client, [["Lê Thị Hoa", "Nữ", "Kinh", world.school_dh.moet_code, "6"]], header)
    )
    assert len(errors) == 1
    assert errors[0].startswith("Dòng 2, cột “Ngày sinh”: ")
