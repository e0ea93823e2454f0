"""Every workbook and CSV the application writes keeps text typed as `=1+1` inert:
the school's template, the list export, the error file, the Django admin's .xlsx and
CSV exports (khuyenhoc/spreadsheet.py)."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from khuyenhoc.resources import SchoolResource
from students.collection.errors_workbook import errors_workbook_write
from students.collection.services import submission_create
from students.collection.staging import submission_stage
from students.collection.template import school_template_write
from students.collection.workbook import SHEET_LIST
from students.list.export import students_export_write_progress
from students.models import Student
from tests.factories import CircumstanceFactory, StudentFactory, UserFactory
from tests.students.collection.test_import_pipeline import HEADER
from tests.students.collection.test_view_upload import round_make
from tests.students.test_admin_round_trip import admin_export

pytestmark = pytest.mark.django_db

FORMULA = "=1+1"


@pytest.fixture
def formula_student(world):
    student = StudentFactory(
        full_name=FORMULA,
        school=world.school_gl,
        note='=HYPERLINK("http://example.com","x")',
        specific_situation="@SUM(A1)",
        wishes=["other"],
        wishes_note="=2+2",
    )
    CircumstanceFactory(student=student, household_year=timezone.localdate().year)
    return student


def _cells(path, sheet=None):
    workbook = openpyxl.load_workbook(path)
    ws = workbook[sheet] if sheet else workbook.active
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def _assert_inert(cells, *texts):
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    found = {c.value: c for c in cells}
    for text in texts:
        assert (found[text].data_type, found[text].quotePrefix) == ("s", True), text


def test_it_writes_the_template_inert(world, formula_student, tmp_path):
    path = tmp_path / "mau.xlsx"
    school_template_write(school=world.school_gl, school_year=2026, path=path)
    _assert_inert(_cells(path, SHEET_LIST), FORMULA, formula_student.note, "@SUM(A1)")


def test_it_writes_the_list_export_inert(world, formula_student, tmp_path):
    path = tmp_path / "ds.xlsx"
    students_export_write_progress(
        queryset=Student.objects.filter(school=world.school_gl),
        path=path,
        title="Danh sách",
        progress=lambda done: None,
    )
    _assert_inert(_cells(path), FORMULA, formula_student.note, "@SUM(A1)")


def test_it_writes_the_error_file_inert(world, school_staff_gl, tmp_path):
    upload = tmp_path / "ds.csv"
    with upload.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow(
            [1, FORMULA, "05/09/2012", "Nam", "Kinh", "", "7A", "-Thôn 2", "Gio Mỹ"]
            + ["", "", "x", 2026, "", "", ""]
        )
    submission = submission_stage(
        submission=submission_create(
            user=school_staff_gl,
            school=world.school_gl,
            upload=upload,
            collection_round=round_make(world),
        )
    )
    assert submission.rows_error == 1  # a name with digits
    path = errors_workbook_write(submission=submission, path=tmp_path / "loi.xlsx")
    _assert_inert(_cells(path), FORMULA, "-Thôn 2")


@pytest.fixture
def admin_client(client, world, formula_student, district_staff_gl):
    district_staff_gl.is_staff = True
    district_staff_gl.save(update_fields=["is_staff"])
    client.force_login(district_staff_gl)
    return client


def test_it_writes_the_admin_xlsx_export_inert(admin_client, formula_student, tmp_path):
    path = tmp_path / "admin.xlsx"
    path.write_bytes(admin_export(admin_client, "0"))
    _assert_inert(_cells(path), FORMULA, formula_student.note, "@SUM(A1)", "=2+2")


def test_it_writes_the_admin_csv_export_inert(admin_client, formula_student):
    text = admin_export(admin_client, "1").decode("utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["ID"] == str(formula_student.pk)]
    assert row["Họ và tên"] == "'=1+1"
    assert row["Ghi chú"] == "'" + formula_student.note
    assert row["Hoàn cảnh cụ thể"] == "'@SUM(A1)"
    assert row["Nguyện vọng khác"] == "'=2+2"
    assert row["Nguyện vọng"] == "Khác"


def test_it_writes_the_admin_school_export_inert_and_reads_it_back(client, world):
    """The schools' resource goes through the same formats: a name typed as a formula
    is quoted in the CSV, and the CSV imported back changes nothing."""
    world.school_gl.name = "=1+1 Trường"
    world.school_gl.save()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {"format": "1", "resource": "0"}
    data |= {f"schoolresource_{name}": "on" for name in SchoolResource.fields}
    content = client.post(reverse("admin:khuyenhoc_school_export"), data).content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert "'=1+1 Trường" in [r["Tên trường"] for r in rows]
    response = client.post(
        reverse("admin:khuyenhoc_school_import"),
        {"import_file": SimpleUploadedFile("truong.csv", content), "format": "1"},
    )
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    world.school_gl.refresh_from_db()
    assert world.school_gl.name == "=1+1 Trường"
