"""The list most schools really send: a title block naming the school and the school
year, a two-row header with merged cells ("Đối tượng" over "Khuyết tật | Mồ côi | Hộ
nghèo | Hộ cận nghèo"), a row of column numbers, criteria marked with x, no column for
the poverty year, the guardian under "Họ tên cha (mẹ) hoặc người giám hộ", and a
signature footer. Built here the way a school makes it in Excel (merged title lines,
bold bordered header), as tests/students/collection/corpus/make_corpus.py builds the
corpus."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from openpyxl.styles import Alignment, Border, Font, Side

from students.collection.apply import submission_apply
from students.collection.header import school_key, title_read
from students.collection.parse import file_parse
from students.collection.rows import RowContext
from students.collection.services import submission_create
from students.collection.staging import submission_stage
from students.collection.template import school_template_write
from students.models import Circumstance, CollectionRound, Student, Submission
from tests.factories import CircumstanceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)
TOP = ["STT", "Họ và tên", "Ngày sinh", "Nữ", "Dân tộc", "Lớp", "Địa chỉ (thôn, xã)"]
TOP += ["Đối tượng", None, None, None, "Họ tên cha (mẹ) hoặc người giám hộ", "Số điện thoại"]
TOP += ["Nguyện vọng", "Ghi chú"]
SUB = [None] * 7 + ["Khuyết tật", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo"] + [None] * 4
WIDTH = len(TOP)
POOR, NEAR_POOR = 9, 10  # column indexes of the two household columns

FAMILY = ["Nguyễn", "Trần", "Lê", "Hồ", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Phan"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Quang", "Minh"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Ngọc", "Thị Kim", "Thị Hồng"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Khánh", "Long", "Nam", "Phúc", "Tâm", "Kăn"]
GIVEN_F = ["Ánh", "Đào", "Hoa", "Hương", "Lan", "Mai", "Ngân", "Nhung", "Thảo", "Yến"]
ETHNIC = ["Kinh", "Kinh", "Kinh", "Vân Kiều", "Pa Cô"]
VILLAGES = ["Thôn 2", "Thôn Hà Thanh", "Thôn Tân Minh", "Thôn Nhĩ Hạ", "Thôn 5"]


def _student(i: int) -> list:
    """The i-th student (0-based) of the list, as the school typed it."""
    female = i % 2 == 1
    family = FAMILY[i % 10]
    middle = (MIDDLE_F if female else MIDDLE_M)[i // 2 % 5]
    given = (GIVEN_F if female else GIVEN_M)[(i + i // 10) % 10]  # 60 different names
    born = dt.date(2011 + i % 4, 1 + i % 12, 1 + (i * 7) % 28)
    # Some dates were typed as text, as schools do.
    birth = born.strftime("%d/%m/%Y") if i % 5 == 0 else born
    grade = 6 + born.year % 4
    row = [i + 1, f"{family} {middle} {given}", birth, "x" if female else None]
    row += [ETHNIC[i % 5], f"{grade}{'ABC'[i % 3]}", f"{VILLAGES[i % 5]}, xã Gio Mỹ"]
    criteria = [None, None, None, None]
    if i < 33:  # 33 households marked poor or near-poor, with no year anywhere in the row
        criteria[2 if i % 3 else 3] = "x"
        if i % 11 == 0:
            criteria[1] = "Mồ côi cha"
    elif i % 2:
        criteria[0] = "Vận động, nặng" if i % 4 == 1 else "x (trí tuệ, nhẹ)"
    else:
        criteria[1] = ["Cha", "Mẹ", "Cả cha lẫn mẹ"][i % 3]
    row += criteria
    guardian = f"{family} {'Văn' if i % 3 else 'Thị'} {GIVEN_M[(i + 3) % 10]}"
    # Phone numbers typed as numbers lose their leading 0.
    phone = 912000000 + i if i % 4 == 0 else f"09{i:08d}"
    row += [guardian, phone, "Học bổng" if i % 2 else "Xe đạp", None]
    return row


STUDENTS = [_student(i) for i in range(60)]


def _title(school: str, year_line: str | None) -> list[list]:
    rows = [
        ["PHÒNG GD&ĐT GIO LINH", None, None, None, None, None, None, None, None]
        + ["CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [school, None, None, None, None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
        [],
        ["DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN"],
        [year_line] if year_line else [],
        [],
    ]
    return [r + [None] * (WIDTH - len(r)) for r in rows]


FOOTER = [
    ["Tổng cộng: 60 học sinh"],
    [],
    [None] * 10 + ["Gio Mỹ, ngày 15 tháng 9 năm 2026"],
    [None, "NGƯỜI LẬP BIỂU"] + [None] * 8 + ["HIỆU TRƯỞNG"],
    [],
    [None, "Lê Thị Thanh"] + [None] * 8 + ["Trần Văn Hải"],
]


def _sheet(school: str, year_line: str | None) -> list[list]:
    numbering = [f"({n})" for n in range(1, WIDTH + 1)]
    return [*_title(school, year_line), TOP, SUB, numbering, *STUDENTS, *FOOTER]


def _xlsx(path: Path, school="TRƯỜNG THCS GIO MỸ", year_line="Năm học 2026 - 2027") -> Path:
    """The sheet as Excel holds it: merged title lines, a bold bordered two-row header
    whose single columns span both rows, dates as date cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS HS ĐBKK"
    box = Border(*(Side(style="thin"),) * 4)
    for r, row in enumerate(_sheet(school, year_line), start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            if r in (7, 8):
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for r in (7, 8, 9):
        for c in range(1, WIDTH + 1):
            ws.cell(row=r, column=c).border = box
    for merge in ("A1:D1", "J1:O1", "A2:D2", "J2:O2", "A4:O4", "A5:O5", "H7:K7"):
        ws.merge_cells(merge)
    for c in range(1, WIDTH + 1):
        if TOP[c - 1] and not 8 <= c <= 11:
            letter = openpyxl.utils.get_column_letter(c)
            ws.merge_cells(f"{letter}7:{letter}8")
    wb.save(path)
    return path


def _csv(path: Path, school="TRƯỜNG THCS GIO MỸ", year_line="Năm học 2026 - 2027") -> Path:
    """The same list saved as CSV: no merge information, dates as text."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        for row in _sheet(school, year_line):
            writer.writerow(
                [
                    v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else "" if v is None else v
                    for v in row
                ]
            )
    return path


WRITERS = {"xlsx": _xlsx, "csv": _csv}


def _context(corpus_context: RowContext, **kwargs) -> RowContext:
    corpus_context.today = TODAY
    corpus_context.school_name = "Trường THCS Gio Mỹ"
    for key, value in kwargs.items():
        setattr(corpus_context, key, value)
    return corpus_context


def _parse(tmp_path, ext: str, context: RowContext, **layout):
    path = WRITERS[ext](tmp_path / f"ds.{ext}", **layout)
    return file_parse(path=path, name=path.name, context=context)


def _household(row):
    return [c for c in row.circumstances if c["kind"] in ("poor", "near_poor")]


@pytest.mark.parametrize("ext", WRITERS)
def test_it_accepts_every_row_of_the_usual_form(tmp_path, corpus_context, ext):
    result = _parse(tmp_path, ext, _context(corpus_context))
    assert result.file_errors == []
    assert result.unknown_columns == []
    assert result.header.start == 6 and result.header.data_start == 9
    assert len(result.rows) == 60
    assert [r.errors for r in result.rows if r.errors] == []
    assert [r.row for r in result.rows] == list(range(10, 70))
    # The year of the 33 households is the title's school year.
    households = [c for r in result.rows for c in _household(r)]
    assert len(households) == 33
    assert {c["household_year"] for c in households} == {2026}
    assert sum(c["kind"] == "poor" for c in households) == 22


@pytest.mark.parametrize("ext", WRITERS)
def test_it_keeps_the_guardians(tmp_path, corpus_context, ext):
    result = _parse(tmp_path, ext, _context(corpus_context))
    assert [r.guardian["full_name"] for r in result.rows] == [s[11] for s in STUDENTS]
    assert result.rows[0].guardian["phone"] == "0912000000"
    assert result.rows[1].guardian["phone"] == "0900000001"
    warnings = [w.message for r in result.rows for w in r.warnings]
    assert not any("thiếu tên phụ huynh" in w for w in warnings)


@pytest.mark.parametrize("ext", WRITERS)
def test_it_says_once_where_the_year_came_from(tmp_path, corpus_context, ext):
    result = _parse(tmp_path, ext, _context(corpus_context))
    warnings = [(r.row, w) for r in result.rows for w in r.warnings]
    assert len(warnings) == 1, warnings
    row, warning = warnings[0]
    assert row == 10 and warning.warning
    assert warning.column == "K (Đối tượng / Hộ cận nghèo)"
    assert "lấy năm 2026 theo năm học ở tiêu đề (dòng 5)" in warning.message
    assert warning.fix


def test_it_reads_the_rest_of_each_row(tmp_path, corpus_context):
    result = _parse(tmp_path, "xlsx", _context(corpus_context))
    first, second = result.rows[0], result.rows[1]
    assert first.values["full_name"] == "Nguyễn Văn An"
    assert first.values["gender"] == "male" and second.values["gender"] == "female"
    assert first.values["village"] == "Thôn 2"
    assert first.values["wishes"] == ["bicycle"]
    orphan = result.rows[11].circumstances
    assert {c["kind"] for c in orphan} == {"orphan", "poor"}
    disability = result.rows[33].circumstances
    assert disability == [
        {"kind": "disability", "disability_type": "mobility", "disability_level": "severe"}
    ]


@pytest.mark.parametrize("ext", WRITERS)
def test_it_warns_when_the_title_names_another_school(tmp_path, corpus_context, ext):
    result = _parse(tmp_path, ext, _context(corpus_context), school="TRƯỜNG THCS GIO LINH")
    assert result.file_errors == []
    assert all(r.is_valid for r in result.rows) and len(result.rows) == 60
    first = result.rows[0].warnings[0]
    assert first.warning and first.row == 2 and first.column == ""
    assert "“TRƯỜNG THCS GIO LINH”" in first.message
    assert "Trường THCS Gio Mỹ" in first.message
    assert sum("Tiêu đề ghi" in w.message for r in result.rows for w in r.warnings) == 1


def test_it_takes_the_rounds_school_year_when_the_title_has_none(tmp_path, corpus_context):
    result = _parse(tmp_path, "xlsx", _context(corpus_context, school_year=2026), year_line=None)
    assert all(r.is_valid for r in result.rows)
    assert {c["household_year"] for r in result.rows for c in _household(r)} == {2026}
    warnings = [w.message for r in result.rows for w in r.warnings]
    assert len(warnings) == 1 and "theo năm học của đợt thu thập" in warnings[0]


def test_the_title_wins_over_the_round(tmp_path, corpus_context):
    """A list of last school year uploaded in this round says so in its title: the
    certificates it marks are last year's (and stale, said once a year)."""
    result = _parse(
        tmp_path,
        "xlsx",
        _context(corpus_context, school_year=2026, today=dt.date(2026, 11, 2)),
        year_line="NĂM HỌC: 2025-2026",
    )
    assert all(r.is_valid for r in result.rows)
    assert {c["household_year"] for r in result.rows for c in _household(r)} == {2025}
    assert any("2025 đã cũ" in w.message for w in result.rows[0].warnings)


def test_it_records_an_unknown_year_with_a_warning_not_an_error(tmp_path, corpus_context):
    result = _parse(tmp_path, "xlsx", _context(corpus_context), year_line=None)
    assert all(r.is_valid for r in result.rows) and len(result.rows) == 60
    households = [c for r in result.rows for c in _household(r)]
    assert len(households) == 33 and {c["household_year"] for c in households} == {None}
    warned = [r for r in result.rows if r.warnings]
    assert len(warned) == 33
    warning = warned[0].warnings[0]
    assert warning.warning and "chưa rõ năm" in warning.message
    assert warning.column.startswith(("J (", "K ("))


@pytest.mark.parametrize(
    ("lines", "year", "school"),
    [
        ([["TRƯỜNG THCS GIO MỸ"], ["Năm học 2026 - 2027"]], 2026, "THCS GIO MỸ"),
        ([["DANH SÁCH HS ĐBKK TRƯỜNG TH&THCS GIO MỸ, HUYỆN GIO LINH, NĂM HỌC 2025-2026"]], 2025,
         "TH&THCS GIO MỸ"),
        ([["Trường: Tiểu học Vĩnh Long"], ["NĂM HỌC 2026–2027"]], 2026, "Tiểu học Vĩnh Long"),
        ([["Gio Mỹ, ngày 5 tháng 10 năm 2026"]], 2026, ""),
        ([["KT. HIỆU TRƯỞNG"], ["Chi hội khuyến học trường học"]], None, ""),
        ([["DANH SÁCH HỌC SINH CÁC TRƯỜNG TRÊN ĐỊA BÀN HUYỆN GIO LINH"]], None, ""),
        ([["TRƯỜNG PTDTBT TH&THCS A NGO"]], None, "PTDTBT TH&THCS A NGO"),
    ],
)  # fmt: skip
def test_it_reads_the_school_year_and_school_from_a_title(lines, year, school):
    title = title_read(lines)
    assert (title.year, title.school) == (year, school)


@pytest.mark.parametrize(
    ("written", "registered", "same"),
    [
        ("THCS GIO MỸ", "Trường THCS Gio Mỹ", True),
        ("Trung học cơ sở Gio Mỹ", "Trường THCS Gio Mỹ", True),
        ("TH&THCS Gio Mỹ", "Trường TH và THCS Gio Mỹ", True),
        ("Gio Mỹ", "Trường THCS Gio Mỹ", True),
        ("THCS GIO LINH", "Trường THCS Gio Mỹ", False),
        ("Tiểu học Gio Mỹ", "Trường THCS Gio Mỹ", False),
    ],
)
def test_it_compares_school_names_as_schools_write_them(written, registered, same):
    a, b = school_key(written), school_key(registered)
    assert (a in b or b in a) is same


def test_the_usual_form_goes_into_the_registry(tmp_path, world, school_staff_gl):
    """Through the services the upload page uses: every row written, the guardians
    kept, the year from the title; without it the year is unknown, shown as such and
    counted as stale."""
    path = _xlsx(tmp_path / "ds.xlsx")
    submission = submission_stage(
        submission=submission_create(user=school_staff_gl, school=world.school_gl, upload=path)
    )
    assert submission.file_errors == []
    assert (submission.rows_total, submission.rows_error) == (60, 0)
    assert submission.state == Submission.State.READY
    result = submission_apply(submission=submission, user=school_staff_gl)
    assert result.created == 60
    an = Student.objects.get(school=world.school_gl, full_name="Nguyễn Văn An")
    assert an.guardians.get().full_name == STUDENTS[0][11]
    assert an.circumstances.get(kind="near_poor").household_year == 2026


def test_a_list_without_any_year_is_written_with_the_year_unknown(
    client, tmp_path, world, school_staff_gl
):
    path = _xlsx(tmp_path / "ds.xlsx", year_line=None)
    submission = submission_stage(
        submission=submission_create(user=school_staff_gl, school=world.school_gl, upload=path)
    )
    assert (submission.rows_total, submission.rows_error, submission.rows_warning) == (60, 0, 33)
    assert submission.state == Submission.State.READY
    submission_apply(submission=submission, user=school_staff_gl)
    unknown = Circumstance.objects.filter(student__school=world.school_gl, kind="near_poor")
    assert unknown.count() == 11 and {c.household_year for c in unknown} == {None}
    # The 4th student (i = 3) is near-poor and nothing else.
    c = unknown.get(student__full_name=STUDENTS[3][1])
    assert c.summary == "Hộ cận nghèo chưa rõ năm"
    assert c.student.need_score == 2  # near-poor, stale: 2 (4 when current)
    client.force_login(school_staff_gl)
    page = client.get(reverse("students:detail", args=[c.student_id])).content.decode()
    assert "chưa rõ năm" in page and "đã cũ" not in page


def test_the_template_of_a_student_whose_year_is_unknown_comes_back_unchanged(
    tmp_path, world, school_staff_gl
):
    """The template's title says "Năm học 2026-2027", but its year column is blank for
    this student: the year stays unknown rather than becoming the title's."""
    CircumstanceFactory(student=world.student_gl, kind="near_poor", household_year=None)
    path = tmp_path / "mau.xlsx"
    school_template_write(school=world.school_gl, school_year=2026, path=path)
    submission = submission_stage(
        submission=submission_create(user=school_staff_gl, school=world.school_gl, upload=path)
    )
    assert (submission.rows_total, submission.rows_error) == (1, 0)
    assert (submission.changed_count, submission.unchanged_count) == (0, 1)
    (row,) = submission.rows.all()
    assert row.data["circumstances"] == [{"kind": "near_poor", "household_year": None}]


def test_a_list_without_any_year_takes_its_rounds_school_year(tmp_path, world, school_staff_gl):
    """Uploaded in a round (the upload page's path), a list whose title and columns
    give no year takes the round's: staged with the warning saying so, not unknown."""
    collection_round = CollectionRound.objects.create(
        name="Thu thập năm học 2026-2027",
        school_year=2026,
        area=world.province,
        opens_on=dt.date(2026, 9, 1),
        deadline=dt.date(2027, 5, 31),
    )
    path = _xlsx(tmp_path / "ds.xlsx", year_line=None)
    submission = submission_stage(
        submission=submission_create(
            user=school_staff_gl,
            school=world.school_gl,
            upload=path,
            collection_round=collection_round,
        )
    )
    assert (submission.rows_total, submission.rows_error) == (60, 0)
    households = [
        c
        for row in submission.rows.all()
        for c in row.data["circumstances"]
        if c["kind"] in ("poor", "near_poor")
    ]
    assert len(households) == 33
    assert {c["household_year"] for c in households} == {2026}
