"""The student export: `export_students` by area or school, scoped to a user when one is
given, in the canonical layout, with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from khuyenhoc.models import Area
from khuyenhoc.text import search_key
from students.collection.columns import CANONICAL_HEADERS
from students.collection.parse import file_parse
from students.collection.staging import row_context
from students.collection.template import students_export_write
from students.collection.workbook import SHEET_LIST
from students.models import Circumstance, Ethnicity, Guardian, Status, Student
from tests.factories import CircumstanceFactory, SchoolFactory, StudentFactory, area_add

pytestmark = pytest.mark.django_db

HEADER_ROW = 5


def _names(path) -> list[str]:
    """The students' names, sheet after sheet (one sheet per school)."""
    names = []
    for ws in load_workbook(path, read_only=True).worksheets:
        rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
        assert list(rows[0]) == CANONICAL_HEADERS
        names += [r[1] for r in rows[1:] if r[1]]
    return names


def _export(tmp_path, *args) -> tuple[list[str], str]:
    path = tmp_path / "ds.xlsx"
    from io import StringIO

    out = StringIO()
    call_command("export_students", *args, "--output", str(path), stdout=out)
    return _names(path), out.getvalue()


def test_it_exports_a_district(world, tmp_path):
    names, out = _export(tmp_path, "--area", "461")
    assert names == ["Nguyễn Văn An"]
    assert out.count("\n") == 1
    assert "Đã xuất 1 học sinh của Thành phố Đông Hà (mã 461)" in out


def test_it_exports_the_province_one_sheet_per_school(world, tmp_path):
    StudentFactory(full_name="Lê Thị Bé", school=world.school_gl, grade=6)
    names, _out = _export(tmp_path, "--area", "45")
    # Schools by name: "Trường THCS Gio Mỹ" before "Trường THCS Nguyễn Trãi".
    assert names == ["Lê Thị Bé", "Trần Thị Đào", "Nguyễn Văn An"]
    wb = load_workbook(tmp_path / "ds.xlsx")
    assert wb.sheetnames == ["THCS Gio Mỹ", "THCS Nguyễn Trãi"]
    gio_my = wb["THCS Gio Mỹ"]
    assert gio_my["A2"].value == "Trường THCS Gio Mỹ"
    assert gio_my["A3"].value.startswith("Tỉnh Quảng Trị (mã 45), xuất ngày ")
    assert [gio_my[f"A{r}"].value for r in (6, 7)] == [1, 2]
    assert wb["THCS Nguyễn Trãi"]["A6"].value == 1


def test_it_writes_an_empty_list_when_nobody_matches(world, tmp_path):
    Student.objects.all().delete()
    names, out = _export(tmp_path, "--area", "45")
    assert names == []
    assert load_workbook(tmp_path / "ds.xlsx").sheetnames == [SHEET_LIST]
    assert "Đã xuất 0 học sinh" in out


def test_it_reads_back_through_the_parser(world, tmp_path):
    CircumstanceFactory(student=world.student_dh)
    names, _out = _export(tmp_path, "--school", world.school_dh.moet_code)
    path = tmp_path / "ds.xlsx"
    result = file_parse(path=path, name=path.name, context=row_context(school=world.school_dh))
    assert [(r.values["full_name"], r.is_valid) for r in result.rows] == [("Nguyễn Văn An", True)]


def test_it_exports_a_commune(world, tmp_path):
    names, _out = _export(tmp_path, "--area", "19510")
    assert names == ["Trần Thị Đào"]


def test_it_exports_a_school(world, tmp_path):
    names, out = _export(tmp_path, "--school", world.school_gl.moet_code)
    assert names == ["Trần Thị Đào"]
    assert world.school_gl.name in out


def test_it_leaves_out_students_no_longer_studying_unless_asked(world, tmp_path):
    StudentFactory(full_name="Bùi Văn Cũ", school=world.school_dh, status=Status.GRADUATED)
    names, _out = _export(tmp_path, "--area", "461")
    assert names == ["Nguyễn Văn An"]
    names, _out = _export(tmp_path, "--area", "461", "--all-statuses")
    assert sorted(names) == ["Bùi Văn Cũ", "Nguyễn Văn An"]


def test_it_prefers_the_unit_with_schools_when_a_code_is_shared(world, tmp_path):
    # The old district ended with the 2025 reform; a unit with the same code that has
    # no schools (a made-up case) must not win just because it is current.
    world.dong_ha.valid_to = dt.date(2025, 6, 30)
    world.dong_ha.save()
    world.province.refresh_from_db()
    Area.objects.add_child(
        world.province,
        create_kwargs={
            "code": "461",
            "name": "Đơn vị mới 461",
            "short_name": "Đơn vị mới 461",
            "kind": "district",
            "valid_from": dt.date(2025, 7, 1),
        },
    )
    names, out = _export(tmp_path, "--area", "461")
    assert names == ["Nguyễn Văn An"]
    assert "Thành phố Đông Hà" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--area", "99999"), "Không có địa bàn mã '99999'"),
        (("--school", "XX000"), "Không có trường mã 'XX000'"),
        (("--area", "461", "--user", "khong_co"), "Không có người dùng 'khong_co'"),
    ],
)
def test_it_says_clearly_what_it_cannot_find(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_students", *args, "--output", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_it_needs_an_area_or_a_school_and_an_xlsx_name(world, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_students", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("export_students", "--area", "45", "--output", str(tmp_path / "x.csv"))


def test_it_never_gives_a_district_user_another_districts_students(
    world, district_staff_dh, tmp_path
):
    StudentFactory.create_batch(3, school=world.school_gl)
    names, _out = _export(tmp_path, "--area", "45", "--user", district_staff_dh.username)
    assert names == ["Nguyễn Văn An"]
    names, out = _export(tmp_path, "--area", "466", "--user", district_staff_dh.username)
    assert names == []
    assert "Đã xuất 0 học sinh" in out
    names, _out = _export(
        tmp_path, "--school", world.school_gl.moet_code, "--user", district_staff_dh.username
    )
    assert names == []


def test_it_gives_an_outsider_nothing(world, outsider, tmp_path):
    names, _out = _export(tmp_path, "--area", "45", "--user", outsider.username)
    assert names == []


def _many_students(school, commune, n: int) -> None:
    kinh = Ethnicity.objects.get(code="01")
    year = timezone.localdate().year
    students = Student.objects.bulk_create(
        Student(
            full_name=f"Học Sinh Số {i}",
            search_key=search_key(f"Học Sinh Số {i}"),
            birth_date=dt.date(2012, 1 + i % 12, 1 + i % 28),
            birth_year=2012,
            gender="female" if i % 2 else "male",
            ethnicity=kinh,
            personal_id=f"0{45_000_000_000 + i:011d}",
            moet_code=f"HS{i:08d}",
            school=school,
            grade=6 + i % 4,
            class_name=f"{6 + i % 4}A",
            commune=commune,
            village=f"Thôn {i % 9 + 1}",
            wishes=["scholarship"],
        )
        for i in range(n)
    )
    Circumstance.objects.bulk_create(
        Circumstance(student=s, kind="poor" if i % 2 else "near_poor", household_year=year)
        for i, s in enumerate(students)
    )
    Circumstance.objects.bulk_create(
        Circumstance(
            student=s, kind="disability", disability_type="vision", disability_level="mild"
        )
        for s in students[::5]
    )
    Guardian.objects.bulk_create(
        Guardian(student=s, full_name="Nguyễn Văn Cha", relation="father", phone="0912345678")
        for s in students
    )


def test_it_exports_5000_students_with_a_bounded_number_of_queries(
    world, tmp_path, django_assert_max_num_queries
):
    school = SchoolFactory(name="Trường THCS Lớn", commune=world.phuong_1)
    _many_students(school, world.phuong_1, 5000)
    path = tmp_path / "lon.xlsx"
    started = time.perf_counter()
    # The schools, one cursor over the students, then circumstances and guardians per
    # 2,000 (3 chunks).
    with django_assert_max_num_queries(13):
        count = students_export_write(
            queryset=Student.objects.filter(school=school), path=path, title=school.name
        )
    seconds = time.perf_counter() - started
    print(f"\nexport of {count} students: {seconds:.2f} s ({count / seconds:,.0f} rows/s)")
    assert count == 5000
    assert seconds < 30
    (ws,) = load_workbook(path, read_only=True).worksheets
    rows = list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == 5000
    assert rows[0][5].startswith("0") and len(rows[0][5]) == 12


def test_it_names_communes_with_their_unit(world, tmp_path):
    """ "Gio Linh" alone is also a commune since 2025: the export says which one, and
    the name reads back to the same commune."""
    world.gio_linh.refresh_from_db()
    town = area_add(
        parent=world.gio_linh,
        code="19501",
        name="Thị trấn Gio Linh",
        short_name="Gio Linh",
        kind="commune",
    )
    dao = world.student_gl
    dao.village, dao.commune = "Khóm 3", town
    dao.save()
    CircumstanceFactory(student=dao)
    StudentFactory(full_name="Lê Văn Mỹ", school=world.school_gl, commune=world.gio_my)
    path = tmp_path / "ds.xlsx"
    students_export_write(
        queryset=Student.objects.filter(school=world.school_gl), path=path, title="Gio Mỹ"
    )
    ws = load_workbook(path).active
    communes = {row[1]: row[9] for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert communes == {"Trần Thị Đào": "Thị trấn Gio Linh", "Lê Văn Mỹ": "Xã Gio Mỹ"}
    rows = file_parse(path=path, name=path.name, context=row_context(school=world.school_gl)).rows
    assert {r.values["full_name"]: r.values["commune_id"] for r in rows} == {
        "Trần Thị Đào": town.pk,
        "Lê Văn Mỹ": world.gio_my.pk,
    }
