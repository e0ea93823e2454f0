"""Unit tests of the row rules (students/collection/rows.py): every check has a bad
input that gives an error, or a warning, on the right column with a Vietnamese
message and what to do."""

from __future__ import annotations

import datetime as dt

import pytest

from students.collection.header import Title, header_find
from students.collection.rows import RowContext, RowParser, ethnicity_keys, is_footer
from tests.students.collection.corpus.make_corpus import CANONICAL

ETHNICITIES = ethnicity_keys(
    [
        (1, "01", "Kinh", "Việt"),
        (23, "23", "Bru - Vân Kiều", "Vân Kiều, Bru, Măng Coong, Tri, Khùa"),
        (31, "31", "Tà Ôi", "Tôi Ôi, Pa Cô, Pa Hi"),
    ]
)
GOOD = {
    "STT": 1,
    "Họ và tên": "Nguyễn Văn An",
    "Ngày sinh": "05/09/2012",
    "Giới tính": "Nam",
    "Dân tộc": "Kinh",
    "Số định danh cá nhân": "045212000123",
    "Lớp": "7A",
    "Thôn/Khối phố": "Thôn 2",
    "Xã/Phường": "Gio Mỹ",
    "Hộ nghèo": "x",
    "Năm xác nhận hộ nghèo/cận nghèo": 2025,
    "Họ tên cha/mẹ/người giám hộ": "Nguyễn Văn Bình",
    "Quan hệ": "Cha",
    "Số điện thoại": "0912345678",
}


def _parse(today=dt.date(2025, 11, 1), header=CANONICAL, **cells):
    """One row of a canonical list, the good student with `cells` changed (keys are
    headers with "_" for " ")."""
    named = {h.replace("/", " "): h for h in (*CANONICAL, *header)}
    values = {**GOOD, **{named[k.replace("_", " ")]: v for k, v in cells.items()}}
    mapped = header_find([list(header)])
    context = RowContext(
        today=today,
        ethnicities=ETHNICITIES,
        communes={"gio my": 9000, "dong le": 9001},
        grade_min=6,
        grade_max=9,
    )
    row = [values.get(h, "") for h in header]
    return RowParser(mapped, context).parse(row, 7)


def _errors(parsed) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in parsed.errors]


def _only_error(parsed, column: str, says: str) -> None:
    assert len(parsed.errors) == 1, _errors(parsed)
    error = parsed.errors[0]
    assert error.row == 7
    assert error.column.startswith(column), error.column
    assert says in error.message
    # What to do: in the fix, or in the message itself ("cần 10 chữ số ...").
    assert error.fix or any(w in error.message for w in ("Kiểm tra", "Ghi", "cần", "ghi"))


def test_it_takes_a_good_row():
    parsed = _parse()
    assert parsed.is_valid, _errors(parsed)
    assert parsed.warnings == []
    assert parsed.values["birth_date"] == dt.date(2012, 9, 5)
    assert parsed.values["ethnicity_id"] == 1
    assert parsed.values["commune_id"] == 9000
    assert parsed.circumstances == [{"kind": "poor", "household_year": 2025}]
    assert parsed.guardian["relation"] == "father"


def test_it_refuses_a_future_date_of_birth():
    _only_error(_parse(Ngày_sinh="05/09/2026"), "C (Ngày sinh)", "tương lai")


def test_it_refuses_an_impossible_date():
    _only_error(_parse(Ngày_sinh="31/02/2012"), "C (Ngày sinh)", "không có thật")


def test_it_refuses_a_missing_date_of_birth():
    _only_error(_parse(Ngày_sinh=""), "C (Ngày sinh)", "Thiếu ngày sinh")


def test_it_refuses_a_5_digit_id():
    _only_error(_parse(Số_định_danh_cá_nhân="12345"), "F (Số định danh cá nhân)", "12 chữ số")


def test_it_takes_a_row_without_an_id():
    assert _parse(Số_định_danh_cá_nhân="").values["personal_id"] is None


def test_it_refuses_a_phone_with_7_digits():
    _only_error(_parse(Số_điện_thoại="1234567"), "T (Số điện thoại)", "Số điện thoại")


def test_it_warns_of_a_phone_without_a_parent_name():
    parsed = _parse(Họ_tên_cha_mẹ_người_giám_hộ="")
    assert parsed.is_valid
    assert [w.column for w in parsed.warnings] == ["R (Họ tên cha/mẹ/người giám hộ)"]


def test_it_refuses_a_disability_without_a_level():
    parsed = _parse(Hộ_nghèo="", Khuyết_tật="Vận động")
    _only_error(parsed, "L (Mức độ khuyết tật)", "chưa có mức độ")
    assert parsed.circumstances[0]["disability_type"] == "mobility"


def test_it_refuses_a_disability_without_a_type():
    _only_error(_parse(Hộ_nghèo="", Khuyết_tật="x", Mức_độ_khuyết_tật="Nặng"), "K", "dạng")


def test_it_takes_a_disability_with_its_level():
    parsed = _parse(Hộ_nghèo="", Khuyết_tật="Nghe, nói", Mức_độ_khuyết_tật="Đặc biệt nặng")
    assert parsed.is_valid, _errors(parsed)
    assert parsed.circumstances == [
        {
            "kind": "disability",
            "disability_type": "hearing_speech",
            "disability_level": "extremely_severe",
        }
    ]


def test_it_refuses_an_orphan_x_without_saying_which_parent():
    _only_error(_parse(Hộ_nghèo="", Mồ_côi="x"), "M (Mồ côi)", "cha, mẹ hay cả hai")


@pytest.mark.parametrize(
    ("written", "label"),
    [("Mồ côi cha", "father"), ("mồ côi mẹ", "mother"), ("Mồ côi cả cha lẫn mẹ", "both")],
)
def test_it_takes_an_orphan_label(written, label):
    parsed = _parse(Hộ_nghèo="", Mồ_côi=written)
    assert parsed.is_valid
    assert parsed.circumstances[0]["orphan_label"] == label


def test_it_records_a_poor_household_without_a_year_as_unknown_with_a_warning():
    parsed = _parse(Năm_xác_nhận_hộ_nghèo_cận_nghèo="")
    assert parsed.is_valid
    assert parsed.circumstances == [{"kind": "poor", "household_year": None}]
    (warning,) = parsed.warnings
    assert warning.warning and warning.column == "P (Năm xác nhận hộ nghèo/cận nghèo)"
    assert "Chưa rõ năm xác nhận hộ nghèo" in warning.message and "chưa rõ năm" in warning.message
    assert "Ghi năm được công nhận" in warning.fix


def test_a_blank_year_cell_stays_unknown_whatever_the_title_says():
    """The list has the year column (the template): its blank cell is the registry's
    unknown year, not the title's, or the template of such a student would come back
    changed."""
    header = header_find([list(CANONICAL)])
    context = RowContext(
        today=dt.date(2025, 11, 1),
        ethnicities=ETHNICITIES,
        communes={"gio my": 9000},
        grade_min=6,
        grade_max=9,
        school_year=2025,
    )
    row = [{**GOOD, "Năm xác nhận hộ nghèo/cận nghèo": ""}.get(h, "") for h in CANONICAL]
    parsed = RowParser(header, context, Title(year=2025, year_row=3)).parse(row, 7)
    assert parsed.circumstances == [{"kind": "poor", "household_year": None}]
    assert parsed.is_valid and "chưa rõ năm" in parsed.warnings[0].message


def test_it_warns_of_a_stale_year():
    parsed = _parse(Hộ_nghèo="", Hộ_cận_nghèo="x", Năm_xác_nhận_hộ_nghèo_cận_nghèo=2023)
    assert parsed.is_valid
    assert [(w.column, w.message) for w in parsed.warnings] == [
        ("P (Năm xác nhận hộ nghèo/cận nghèo)", "Năm xác nhận hộ cận nghèo 2023 đã cũ.")
    ]
    assert parsed.warnings[0].warning and parsed.warnings[0].fix


def test_it_takes_last_years_certificate_until_the_end_of_march():
    parsed = _parse(today=dt.date(2026, 3, 1), Năm_xác_nhận_hộ_nghèo_cận_nghèo=2025)
    assert parsed.warnings == []
    assert _parse(today=dt.date(2026, 4, 1), Năm_xác_nhận_hộ_nghèo_cận_nghèo=2025).warnings


def test_it_refuses_a_household_year_that_is_not_a_year():
    _only_error(_parse(Năm_xác_nhận_hộ_nghèo_cận_nghèo="abc"), "P", "ghi năm")


def test_it_refuses_an_unknown_ethnicity():
    _only_error(_parse(Dân_tộc="Kinh tế"), "E (Dân tộc)", "Không nhận ra dân tộc")


@pytest.mark.parametrize(
    ("written", "pk"),
    [
        ("Kinh", 1),
        ("KINH", 1),
        ("01", 1),
        (1, 1),
        ("Vân Kiều", 23),
        ("Pa Cô", 31),
        ("Dân tộc Kinh", 1),
    ],
)
def test_it_reads_an_ethnicity(written, pk):
    assert _parse(Dân_tộc=written).values["ethnicity_id"] == pk


def test_it_refuses_a_missing_ethnicity():
    _only_error(_parse(Dân_tộc=""), "E (Dân tộc)", "Thiếu dân tộc")


def test_it_refuses_a_grade_outside_the_schools_range():
    _only_error(_parse(Lớp="10A1"), "H (Lớp)", "không thuộc cấp học của trường")


def test_it_refuses_a_class_without_a_grade():
    _only_error(_parse(Lớp="A1"), "H (Lớp)", "Thiếu lớp")


def test_it_refuses_a_missing_name():
    _only_error(_parse(Họ_và_tên=""), "B (Họ và tên)", "Thiếu họ và tên")


def test_it_refuses_a_name_with_digits():
    _only_error(_parse(Họ_và_tên="Nguyễn Văn An 2"), "B (Họ và tên)", "có chữ số")


def test_it_refuses_another_difficulty_without_words():
    _only_error(_parse(Hộ_nghèo="", Hoàn_cảnh_khác="x"), "Q (Hoàn cảnh khác)", "Chưa mô tả")


@pytest.mark.parametrize(
    ("other", "situation", "description"),
    [
        ("x (cha bị bệnh nặng)", "", "cha bị bệnh nặng"),
        ("Nhà bị lũ cuốn (năm 2020)", "", "Nhà bị lũ cuốn (năm 2020)"),
        ("x", "Cha bị bệnh nặng, mẹ làm thuê", "Cha bị bệnh nặng, mẹ làm thuê"),
    ],
)
def test_it_reads_another_difficulty(other, situation, description):
    parsed = _parse(Hộ_nghèo="", Hoàn_cảnh_khác=other, Hoàn_cảnh_cụ_thể=situation)
    assert parsed.is_valid, _errors(parsed)
    assert parsed.circumstances == [{"kind": "other", "description": description}]


@pytest.mark.parametrize(
    ("written", "wishes", "note"),
    [
        ("Học bổng, xe đạp", ["scholarship", "bicycle"], ""),
        ("Quần áo, cặp sách", ["clothes"], ""),
        ("Sách vở, đồ dùng học tập", ["books"], ""),
        ("Sửa lại nhà", [], "Sửa lại nhà"),
    ],
)
def test_it_reads_wishes(written, wishes, note):
    values = _parse(Nguyện_vọng=written).values
    assert (values["wishes"], values["wishes_note"]) == (wishes, note)


def test_it_refuses_a_row_with_no_circumstance():
    _only_error(_parse(Hộ_nghèo="", Năm_xác_nhận_hộ_nghèo_cận_nghèo=""), "", "chưa thuộc diện nào")


def test_it_reports_every_problem_of_a_row():
    """A row without a name and without a circumstance shows both, not the first."""
    parsed = _parse(Họ_và_tên="", Hộ_nghèo="", Năm_xác_nhận_hộ_nghèo_cận_nghèo="", Lớp="12")
    assert [c for c, _m in _errors(parsed)] == ["B (Họ và tên)", "H (Lớp)", ""]


def test_it_refuses_an_unclear_gender():
    _only_error(_parse(Giới_tính="?"), "D (Giới tính)", "không rõ")


def test_it_refuses_a_row_without_any_gender():
    header = [h for h in CANONICAL if h != "Giới tính"]
    _only_error(_parse(header=header), "", "Thiếu giới tính")


@pytest.mark.parametrize(("mark", "gender"), [("x", "female"), ("X", "female"), ("", "male")])
def test_it_reads_a_female_column(mark, gender):
    header = [h if h != "Giới tính" else "Nữ" for h in CANONICAL]
    assert _parse(header=header, Nữ=mark).values["gender"] == gender


def test_it_refuses_a_row_with_neither_male_nor_female_marked():
    header = [h for h in CANONICAL if h != "Giới tính"] + ["Nam", "Nữ"]
    _only_error(_parse(header=header), "W (Nam)", "Chưa đánh dấu giới tính")


def test_it_warns_of_a_commune_it_does_not_know():
    parsed = _parse(Xã_Phường="Xã Vĩnh Ô")
    assert parsed.is_valid
    assert [w.column for w in parsed.warnings] == ["J (Xã/Phường)"]
    assert parsed.values["commune_id"] is None


@pytest.mark.parametrize(
    ("address", "village", "commune_id"),
    [
        ("Thôn 2, xã Gio Mỹ", "Thôn 2", 9000),
        ("Thôn 2, Xã Gio Mỹ, huyện Gio Linh, tỉnh Quảng Trị", "Thôn 2", 9000),
        ("Thôn 2 - Gio Mỹ", "Thôn 2", 9000),
        ("Khối phố 3, P. Đông Lễ, TP Đông Hà", "Khối phố 3", 9001),
        ("Khối phố 3, P.Đông Lễ", "Khối phố 3", 9001),
        ("Thôn 2 xã Gio Mỹ", "Thôn 2", 9000),
        ("Thôn 2 X.Gio Mỹ huyện Gio Linh", "Thôn 2", 9000),
        ("Thôn Xuân Phường", "Thôn Xuân Phường", None),
    ],
)
def test_it_splits_an_address(address, village, commune_id):
    header = [h for h in CANONICAL if h not in ("Thôn/Khối phố", "Xã/Phường")] + ["Địa chỉ"]
    parsed = _parse(header=header, Địa_chỉ=address)
    assert (parsed.values["village"], parsed.values["commune_id"]) == (village, commune_id)


@pytest.mark.parametrize(
    "cells",
    [
        ["", "Người lập biểu", "", "Hiệu trưởng"],
        ["", "NGƯỜI LẬP BIỂU"],
        ["", "", "Gio Linh, ngày 5 tháng 9 năm 2025"],
        ["", "Gio Linh, ngày ... tháng ... năm 2025"],
        ["", "Tổng cộng: 25 học sinh"],
        ["", "Tổng số 25"],
        ["", "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG"],
        ["", "", "Xác nhận của Ban giám hiệu"],
        ["Hiệu trưởng"],
        ["", "Ghi chú: cột Nữ đánh x"],
    ],
)
def test_it_knows_a_footer(cells):
    assert is_footer(cells)


@pytest.mark.parametrize(
    "cells",
    [
        [1, "Nguyễn Văn An", "05/09/2012"],
        ["", "Ngô Thị Tổng"],
        [2, "Hiếu Trường Giang"],
        [3, "Tống Công Minh"],
        [4, "Kế Toàn Thắng"],
    ],
)
def test_it_knows_a_student_is_no_footer(cells):
    assert not is_footer(cells)
