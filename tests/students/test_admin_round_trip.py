"""The Django admin's student export imported back unchanged writes nothing and
reports nothing, in .xlsx and CSV; rows cleared in the file are no rows."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.models import Student
from students.resources import StudentResource
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # the admin's formats, in order


@pytest.fixture
def staff_client(client, world, district_staff_gl):
    """Gio Linh's students with every kind of wish (two labels hold a comma), text a
    spreadsheet would take for a formula, a phone-like village and a negative amount."""
    district_staff_gl.is_staff = True
    district_staff_gl.save(update_fields=["is_staff"])
    dao = world.student_gl
    dao.wishes = ["books", "clothes", "bicycle"]
    dao.note = "-50000"
    dao.village = "+84 Thôn 2"
    dao.save()
    StudentFactory(
        full_name="Lê Văn Bình",
        school=world.school_gl,
        wishes=["scholarship", "tuition", "health_insurance", "other"],
        wishes_note="=Sửa lại nhà",
        specific_situation="@ mẹ ốm nặng",
        personal_id="045212000777",
        moet_code="0045000123",
    )
    StudentFactory(full_name="Hồ Thị Lan", school=world.school_gl, birth_date=None)
    client.force_login(district_staff_gl)
    return client


def admin_export(client, fmt: str) -> bytes:
    """The admin's export of every student field (test_inert_cells.py uses it too)."""
    data = {"format": fmt, "resource": "0"}
    data |= {f"studentresource_{name}": "on" for name in StudentResource.fields}
    response = client.post(reverse("admin:students_student_export"), data)
    assert response.status_code == 200
    return response.content


def _import(client, content: bytes, fmt: str):
    name = "hoc_sinh.xlsx" if fmt == XLSX else "hoc_sinh.csv"
    response = client.post(
        reverse("admin:students_student_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": fmt},
    )
    assert response.status_code == 200
    return response


def _problems(response) -> list:
    result = response.context["result"]
    return [
        *(e.error for e in result.base_errors),
        *(m for row in result.invalid_rows for ms in row.error_dict.values() for m in ms),
        *(e.error for _line, errors in result.row_errors() for e in errors),
    ]


def _snapshot():
    return list(Student.objects.order_by("pk").values())


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_it_imports_its_own_export_as_unchanged(staff_client, fmt):
    before = _snapshot()
    response = _import(staff_client, admin_export(staff_client, fmt), fmt)
    assert _problems(response) == []
    totals = response.context["result"].totals
    assert (totals["new"], totals["update"], totals["invalid"], totals["error"]) == (0, 0, 0, 0)
    assert totals["skip"] == 3
    confirmed = staff_client.post(
        reverse("admin:students_student_process_import"),
        response.context["confirm_form"].initial,
        follow=True,
    )
    assert "0 mới, 0 cập nhật, 3 không đổi" in confirmed.content.decode()
    assert _snapshot() == before


def test_it_leaves_out_rows_cleared_in_the_file(staff_client, world):
    workbook = openpyxl.load_workbook(io.BytesIO(admin_export(staff_client, XLSX)))
    ws = workbook.active
    for cell in ws[2]:  # the first student's row, cleared in Excel
        cell.value = None
    ws.append([None] * ws.max_column)  # and blank rows below
    ws.append([""] * ws.max_column)
    out = io.BytesIO()
    workbook.save(out)
    before = _snapshot()
    response = _import(staff_client, out.getvalue(), XLSX)
    assert _problems(response) == []
    assert response.context["result"].totals["skip"] == 2
    assert _snapshot() == before  # a cleared row deletes nobody


def test_it_names_the_right_line_after_a_cleared_row(staff_client, world):
    workbook = openpyxl.load_workbook(io.BytesIO(admin_export(staff_client, XLSX)))
    ws = workbook.active
    headers = [c.value for c in ws[1]]
    for cell in ws[2]:
        cell.value = None
    ws.cell(row=4, column=headers.index("Giới tính") + 1, value="Không rõ")
    out = io.BytesIO()
    workbook.save(out)
    response = _import(staff_client, out.getvalue(), XLSX)
    problems = _problems(response)
    assert len(problems) == 1
    assert problems[0].startswith("Dòng 4, cột “Giới tính”")
    # The preview's table numbers it the same way.
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number + 1 == 4


def test_it_still_reads_wishes_typed_with_commas(staff_client, world):
    assert StudentResource.parse_wishes("Học bổng, Sách vở, đồ dùng học tập, xe dap") == [
        "scholarship",
        "books",
        "bicycle",
    ]
    assert StudentResource.parse_wishes("Quần áo, cặp sách; Khác") == ["clothes", "other"]
    with pytest.raises(ValueError, match="Sách"):
        StudentResource.parse_wishes("Học bổng; Sách")
