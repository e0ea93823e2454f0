"""The school template: canonical headers, typed cells, drop-down lists, instructions,
and a round trip through the upload parser that gives back the same values."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from students.collection.columns import CANONICAL, CANONICAL_HEADERS
from students.collection.parse import file_parse
from students.collection.staging import (
    Matcher,
    related_changes,
    related_current,
    row_changes,
    row_context,
)
from students.collection.template import school_template_write
from students.collection.workbook import (
    DISABILITY_LEVEL_LABELS,
    DISABILITY_TYPE_LABELS,
    ORPHAN_LABELS,
    RELATION_LABELS,
    SHEET_CHOICES,
    SHEET_HELP,
    SHEET_LIST,
    WISH_LABELS,
)
from students.models import Circumstance, Ethnicity, Guardian, Status, Student
from tests.factories import CircumstanceFactory, GuardianFactory, StudentFactory

pytestmark = pytest.mark.django_db

HEADER_ROW = 5  # three title lines, a blank row, then the header
FIRST_DATA = HEADER_ROW + 1
LETTER = {c.key: chr(ord("A") + i) for i, c in enumerate(CANONICAL)}


def _write(school, tmp_path):
    path = tmp_path / "mau.xlsx"
    count = school_template_write(school=school, school_year=2026, path=path)
    return path, count


def _parse(school, path):
    result = file_parse(path=path, name=path.name, context=row_context(school=school))
    assert result.file_errors == []
    assert result.unknown_columns == []
    return result


def _circumstance_key(c) -> tuple:
    get = c.get if isinstance(c, dict) else lambda k, d=None: getattr(c, k, d)
    return (
        get("kind"),
        get("disability_type") or "",
        get("disability_level") or "",
        get("orphan_label") or "",
        get("household_year"),
        get("description") or "",
    )


def _expected(student: Student) -> dict:
    guardian = student.guardians.order_by("pk").first()
    return {
        "full_name": student.full_name,
        "birth_date": student.birth_date,
        "birth_year": student.birth_year,
        "gender": student.gender,
        "ethnicity_id": student.ethnicity_id,
        "personal_id": student.personal_id,
        "moet_code": student.moet_code,
        "class_name": student.class_name,
        "grade": student.grade,
        "village": student.village,
        "commune_id": student.commune_id,
        "specific_situation": student.specific_situation,
        "wishes": sorted(student.wishes),
        "note": student.note,
        "circumstances": sorted(_circumstance_key(c) for c in student.circumstances.all()),
        "guardian": (guardian.full_name, guardian.relation, guardian.phone) if guardian else None,
    }


def _parsed(row) -> dict:
    v = row.values
    g = row.guardian
    return {
        **{k: v[k] for k in _expected_keys() if k in v},
        "wishes": sorted(v["wishes"]),
        "circumstances": sorted(_circumstance_key(c) for c in row.circumstances),
        "guardian": (g["full_name"], g["relation"], g["phone"]) if g else None,
    }


def _expected_keys():
    return (
        "full_name",
        "birth_date",
        "birth_year",
        "gender",
        "ethnicity_id",
        "personal_id",
        "moet_code",
        "class_name",
        "grade",
        "village",
        "commune_id",
        "specific_situation",
        "note",
    )


@pytest.fixture
def students(world):
    """Students of the Đông Hà school covering every kind of value the template writes."""
    school, year = world.school_dh, timezone.localdate().year
    an = world.student_dh
    an.personal_id, an.moet_code = "001234567890", "0045123456"
    # address_text as an import stores it ("as written"; the template has no column for it).
    an.village, an.commune, an.address_text = "Khu phố 3", world.phuong_1, "Khu phố 3, Phường 1"
    an.wishes = ["scholarship", "bicycle"]
    an.specific_situation = "Cha mất sớm, mẹ làm thuê."
    an.note = "Đã nhận học bổng năm 2025"
    an.save()
    CircumstanceFactory(
        student=an,
        kind="disability",
        household_year=None,
        disability_type="mobility",
        disability_level="severe",
    )
    GuardianFactory(student=an, full_name="Nguyễn Thị Hoa", relation="mother", phone="0912345678")

    bru = Ethnicity.objects.get(name="Bru - Vân Kiều")
    lan = StudentFactory(
        full_name="Hồ Thị Lan",
        school=school,
        grade=6,
        class_name="6/1",
        gender="female",
        birth_date=None,
        birth_year=2014,
        ethnicity=bru,
        village="Thôn Tân Hiệp",
        commune=world.phuong_1,
        address_text="Thôn Tân Hiệp, Phường 1",
        wishes=["books", "tuition", "health_insurance"],
    )
    CircumstanceFactory(student=lan, kind="orphan", household_year=None, orphan_label="both")
    CircumstanceFactory(student=lan, kind="poor", household_year=year)
    GuardianFactory(student=lan, full_name="Hồ Văn Pả", relation="grandparent", phone="")

    minh = StudentFactory(full_name="Lê Quang Minh", school=school, grade=9, class_name="9B")
    CircumstanceFactory(student=minh, kind="near_poor", household_year=year - 1)
    CircumstanceFactory(
        student=minh, kind="other", household_year=None, description="Nhà bị lũ cuốn trôi"
    )
    # Not studying any more, or at another school: not in the template.
    StudentFactory(full_name="Đã Chuyển Trường", school=school, status=Status.TRANSFERRED)
    return [an, lan, minh]


def test_it_writes_the_canonical_headers_in_order(world, students, tmp_path):
    path, count = _write(world.school_dh, tmp_path)
    assert count == 3
    ws = load_workbook(path)[SHEET_LIST]
    assert [c.value for c in ws[HEADER_ROW]] == CANONICAL_HEADERS
    assert ws["A1"].value == "DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN"
    assert ws["A2"].value == world.school_dh.name
    assert ws["A3"].value == "Năm học 2026-2027"
    assert all(c.font.bold for c in ws[HEADER_ROW])


def test_it_prefills_only_the_schools_current_students(world, students, tmp_path):
    path, _count = _write(world.school_dh, tmp_path)
    ws = load_workbook(path)[SHEET_LIST]
    names = [ws[f"B{r}"].value for r in range(FIRST_DATA, ws.max_row + 1) if ws[f"B{r}"].value]
    assert sorted(names) == sorted(s.full_name for s in students)
    assert "Trần Thị Đào" not in names  # Gio Linh's school


def test_it_keeps_leading_zeros_of_ids_and_phones_as_text(world, students, tmp_path):
    path, _count = _write(world.school_dh, tmp_path)
    ws = load_workbook(path)[SHEET_LIST]
    row = next(r for r in range(FIRST_DATA, ws.max_row + 1) if ws[f"B{r}"].value == "Nguyễn Văn An")
    for key, value in (
        ("personal_id", "001234567890"),
        ("moet_code", "0045123456"),
        ("guardian_phone", "0912345678"),
    ):
        cell = ws[f"{LETTER[key]}{row}"]
        assert (cell.value, cell.data_type, cell.number_format) == (value, "s", "@")
    birth = ws[f"{LETTER['birth']}{row}"]
    assert birth.is_date and birth.number_format == "DD/MM/YYYY"
    assert birth.value.date() == dt.date(2012, 9, 5)
    # Blank rows below keep the text format too (column style), for new students; so
    # does the date of birth, so that a typed "2012" stays a year.
    for key in ("personal_id", "moet_code", "class_name", "guardian_phone", "birth"):
        assert ws.column_dimensions[LETTER[key]].number_format == "@", key


def test_it_writes_only_the_year_when_the_date_is_unknown(world, students, tmp_path):
    path, _count = _write(world.school_dh, tmp_path)
    ws = load_workbook(path)[SHEET_LIST]
    row = next(r for r in range(FIRST_DATA, ws.max_row + 1) if ws[f"B{r}"].value == "Hồ Thị Lan")
    cell = ws[f"{LETTER['birth']}{row}"]
    assert (cell.value, cell.number_format) == (2014, "0")


def test_it_has_drop_downs_on_the_right_columns(world, students, tmp_path):
    path, _count = _write(world.school_dh, tmp_path)
    wb = load_workbook(path)
    ws = wb[SHEET_LIST]
    formulas = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.min_row == FIRST_DATA and rng.max_row >= FIRST_DATA + 3 + 200
            formulas[rng.coord.split(":")[0].rstrip("0123456789")] = (dv.type, dv.formula1)
    assert formulas[LETTER["gender"]] == ("list", "DM_GENDER")
    assert formulas[LETTER["ethnicity"]] == ("list", "DM_ETHNICITY")
    assert formulas[LETTER["disability"]] == ("list", "DM_DISABILITY")
    assert formulas[LETTER["disability_level"]] == ("list", "DM_DISABILITY_LEVEL")
    assert formulas[LETTER["orphan"]] == ("list", "DM_ORPHAN")
    assert formulas[LETTER["poor"]] == ("list", '"x"')
    assert formulas[LETTER["near_poor"]] == ("list", '"x"')
    assert formulas[LETTER["household_year"]][0] == "whole"

    # The named lists point at the hidden sheet and hold every value.
    choices = wb[SHEET_CHOICES]
    assert choices.sheet_state == "hidden"

    def listed(name):
        sheet, cells = next(wb.defined_names[name].destinations)
        return [c.value for row in wb[sheet][cells] for c in row]

    assert listed("DM_GENDER") == ["Nam", "Nữ"]
    assert listed("DM_ETHNICITY") == list(
        Ethnicity.objects.order_by("code").values_list("name", flat=True)
    )
    assert len(listed("DM_ETHNICITY")) == 55
    assert listed("DM_DISABILITY") == list(DISABILITY_TYPE_LABELS.values())
    assert listed("DM_DISABILITY_LEVEL") == ["Đặc biệt nặng", "Nặng", "Nhẹ"]
    assert listed("DM_ORPHAN") == list(ORPHAN_LABELS.values())


def test_it_freezes_the_header(world, students, tmp_path):
    path, _count = _write(world.school_dh, tmp_path)
    ws = load_workbook(path)[SHEET_LIST]
    assert ws.freeze_panes == f"C{FIRST_DATA}"
    assert ws.column_dimensions[LETTER["full_name"]].width >= 20


def test_it_has_an_instructions_sheet_in_vietnamese(world, students, tmp_path):
    path, _count = _write(world.school_dh, tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == SHEET_LIST
    text = "\n".join(
        str(c.value) for row in wb[SHEET_HELP].iter_rows() for c in row if c.value is not None
    )
    for header in CANONICAL_HEADERS:
        assert header in text
    assert "không bị xoá" in text.lower()
    assert "05/09/2012" in text and "x" in text
    assert "Tải tệp lên" in text


def test_it_writes_an_empty_template_for_a_school_without_students(world, tmp_path):
    Student.objects.filter(school=world.school_gl).delete()
    path, count = _write(world.school_gl, tmp_path)
    assert count == 0
    ws = load_workbook(path)[SHEET_LIST]
    assert [c.value for c in ws[HEADER_ROW]] == CANONICAL_HEADERS


def test_it_reads_back_identically_through_the_parser(world, students, tmp_path):
    path, _count = _write(world.school_dh, tmp_path)
    result = _parse(world.school_dh, path)
    assert [r.errors for r in result.rows] == [[], [], []]
    parsed = {r.values["full_name"]: _parsed(r) for r in result.rows}
    for student in students:
        student.refresh_from_db()
        assert parsed[student.full_name] == _expected(student), student.full_name


def test_it_changes_nothing_when_uploaded_back_as_it_is(world, students, tmp_path):
    """The staging step's own comparison finds every row of the template unchanged."""
    path, _count = _write(world.school_dh, tmp_path)
    rows = _parse(world.school_dh, path).rows
    matcher = Matcher(school=world.school_dh, rows=rows)
    current = [matcher.match(r) for r in rows]
    assert None not in current
    related = related_current(student_ids={c["pk"] for c in current})
    for row, student in zip(rows, current, strict=True):
        assert row_changes(row, student) == {}, row.values["full_name"]
        assert related_changes(row, related[student["pk"]]) == {}, row.values["full_name"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("ext", ["ods", "xls"])
def test_it_reads_back_after_libreoffice_saves_it(world, students, tmp_path, ext):
    """Schools open the template in LibreOffice or old Excel and save it again."""
    path, _count = _write(world.school_dh, tmp_path)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", ext, "--outdir", str(tmp_path / ext), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = _parse(world.school_dh, tmp_path / ext / f"mau.{ext}")
    assert [r.errors for r in result.rows] == [[], [], []]
    parsed = {r.values["full_name"]: _parsed(r) for r in result.rows}
    for student in students:
        student.refresh_from_db()
        assert parsed[student.full_name] == _expected(student), student.full_name


def test_it_reads_back_every_drop_down_value(world, tmp_path):
    """Every disability type and level, orphan label and relation the lists offer."""
    school = world.school_dh
    world.student_dh.delete()
    levels = list(DISABILITY_LEVEL_LABELS)
    relations = list(RELATION_LABELS)
    made = []
    for i, dtype in enumerate(DISABILITY_TYPE_LABELS):
        s = StudentFactory(full_name=f"Học Sinh Tật {chr(65 + i)}", school=school)
        CircumstanceFactory(student=s, kind="disability", household_year=None,
                            disability_type=dtype, disability_level=levels[i % 3])  # fmt: skip
        GuardianFactory(student=s, relation=relations[i % len(relations)])
        made.append(s)
    for i, label in enumerate(ORPHAN_LABELS):
        s = StudentFactory(full_name=f"Học Sinh Mồ Côi {chr(65 + i)}", school=school)
        CircumstanceFactory(student=s, kind="orphan", household_year=None, orphan_label=label)
        GuardianFactory(student=s, relation=relations[(6 + i) % len(relations)])
        made.append(s)
    path, _count = _write(school, tmp_path)
    result = _parse(school, path)
    parsed = {r.values["full_name"]: _parsed(r) for r in result.rows}
    assert all(r.is_valid for r in result.rows)
    for student in made:
        assert parsed[student.full_name] == _expected(student), student.full_name
    seen_relations = {p["guardian"][1] for p in parsed.values()}
    assert seen_relations == set(relations)


def test_it_reads_back_every_wish_but_clothes(world, tmp_path):
    an = world.student_dh
    an.wishes = [w for w in WISH_LABELS if w not in ("clothes", "other")]
    an.save()
    CircumstanceFactory(student=an)
    path, _count = _write(world.school_dh, tmp_path)
    (row,) = _parse(world.school_dh, path).rows
    assert sorted(row.values["wishes"]) == sorted(an.wishes)


def test_it_keeps_a_written_wish_of_its_own(world, tmp_path):
    an = world.student_dh
    an.wishes, an.wishes_note = ["other"], "Sửa lại nhà"
    an.save()
    CircumstanceFactory(student=an)
    path, _count = _write(world.school_dh, tmp_path)
    (row,) = _parse(world.school_dh, path).rows
    assert (row.values["wishes"], row.values["wishes_note"]) == (["other"], "Sửa lại nhà")


def test_it_reads_back_the_clothes_wish(world, tmp_path):
    an = world.student_dh
    an.wishes = ["clothes"]
    an.save()
    CircumstanceFactory(student=an)
    path, _count = _write(world.school_dh, tmp_path)
    (row,) = _parse(world.school_dh, path).rows
    assert row.values["wishes"] == ["clothes"]


def test_it_reads_back_another_difficulty_with_brackets(world, tmp_path):
    CircumstanceFactory(
        student=world.student_dh,
        kind="other",
        household_year=None,
        description="Nhà bị lũ cuốn (năm 2020)",
    )
    path, _count = _write(world.school_dh, tmp_path)
    (row,) = _parse(world.school_dh, path).rows
    assert row.circumstances[0]["description"] == "Nhà bị lũ cuốn (năm 2020)"


def test_it_leaves_out_circumstances_that_ended(world, tmp_path):
    an = world.student_dh
    CircumstanceFactory(student=an)
    CircumstanceFactory(
        student=an,
        kind="orphan",
        household_year=None,
        orphan_label="father",
        started_on=dt.date(2020, 1, 1),
        ended_on=dt.date(2021, 1, 1),
    )
    path, _count = _write(world.school_dh, tmp_path)
    (row,) = _parse(world.school_dh, path).rows
    assert [c["kind"] for c in row.circumstances] == ["poor"]


def test_it_gives_back_an_address_the_import_could_not_match(world, tmp_path):
    an = world.student_dh
    an.village, an.commune, an.address_text = "Thôn 5", None, "Thôn 5, xã Hải Vĩnh"
    an.save()
    CircumstanceFactory(student=an)
    path, _count = _write(world.school_dh, tmp_path)
    ws = load_workbook(path)[SHEET_LIST]
    assert ws[f"{LETTER['commune']}{FIRST_DATA}"].value == "xã Hải Vĩnh"
    assert Guardian.objects.count() == 0 and Circumstance.objects.count() == 1
