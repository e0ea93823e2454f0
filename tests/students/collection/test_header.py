"""Unit tests of finding the header of a school's list and naming its columns
(students/collection/columns.py and header.py)."""

from __future__ import annotations

import pytest

from students.collection.columns import CANONICAL_HEADERS, column_for, header_key
from students.collection.header import column_letter, header_find

TITLE = [
    ["DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN", "", ""],
    ["TRƯỜNG THCS GIO MỸ", "", ""],
    ["Năm học 2025 - 2026", "", ""],
    ["", "", ""],
]
STUDENT = [1, "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "7A", "x"]


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("Họ và tên", "ho va ten"),
        ("HỌ VÀ TÊN", "ho va ten"),
        ("Họ  tên\nhọc sinh", "ho ten hoc sinh"),
        ("Số CCCD / định danh", "so cccd/dinh danh"),
        ("Ngày, tháng, năm sinh", "ngay thang nam sinh"),
        ("SĐT (phụ huynh)", "sdt phu huynh"),
        (None, ""),
    ],
)
def test_it_normalises_a_header(value, key):
    assert header_key(value) == key


@pytest.mark.parametrize(
    ("top", "sub", "key"),
    [
        ("", "Họ và tên", "full_name"),
        ("", "Họ tên học sinh", "full_name"),
        ("", "Ngày tháng năm sinh", "birth"),
        ("", "NS", "birth"),
        ("", "DT", "ethnicity"),
        ("", "Dân tộc", "ethnicity"),
        ("", "SĐT phụ huynh", "guardian_phone"),
        ("", "Số CCCD/định danh", "personal_id"),
        ("", "Nữ", "female_mark"),
        ("", "Nam", "male_mark"),
        ("", "Năm", "household_year"),
        ("", "Năm công nhận", "household_year"),
        ("", "Địa chỉ", "address"),
        ("", "Cận nghèo", "near_poor"),
        ("Đối tượng", "Khuyết tật", "disability"),
        ("Đối tượng", "Hộ cận nghèo", "near_poor"),
        ("Ngày sinh", "Nam", "birth_male"),
        ("Ngày sinh", "Nữ", "birth_female"),
        ("Giới tính", "Nữ", "female_mark"),
        ("Phụ huynh", "Họ tên", "guardian_name"),
        ("Phụ huynh", "Quan hệ", "guardian_relation"),
        ("Phụ huynh", "SĐT", "guardian_phone"),
        ("Mồ côi", "Cha", "orphan_father"),
        ("Mồ côi", "Cả cha lẫn mẹ", "orphan_both"),
        ("Khuyết tật", "Mức độ", "disability_level"),
        ("Địa chỉ", "Xã", "commune"),
        ("STT", "", "stt"),
        ("", "Sở thích", None),
        ("Đối tượng", "Sở thích", None),
    ],
)
def test_it_names_a_column(top, sub, key):
    assert column_for(top, sub) == key


@pytest.mark.parametrize(
    ("top", "sub", "key"),
    [
        ("", "Họ tên cha (mẹ) hoặc người giám hộ", "guardian_name"),
        ("", "HỌ TÊN CHA (MẸ) HOẶC NGƯỜI GIÁM HỘ", "guardian_name"),
        ("", "Họ tên cha/mẹ", "guardian_name"),
        ("", "Họ tên bố mẹ hoặc người giám hộ", "guardian_name"),
        ("", "Họ và tên bố (mẹ)/người giám hộ", "guardian_name"),
        ("", "Cha mẹ/người giám hộ", "guardian_name"),
        ("", "Phụ huynh", "guardian_name"),
        ("", "Họ tên mẹ", "guardian_name"),
        ("", "Người nuôi dưỡng", "guardian_name"),
        ("", "SĐT của cha mẹ", "guardian_phone"),
        ("", "Điện thoại phụ huynh", "guardian_phone"),
        ("", "Nghề nghiệp của bố mẹ", "guardian_occupation"),
        ("Cha mẹ/người giám hộ", "Họ tên", "guardian_name"),
        ("Cha mẹ/người giám hộ", "Số điện thoại", "guardian_phone"),
        ("Thông tin bố mẹ", "Họ và tên", "guardian_name"),
        # Not the guardian, though they name a parent.
        ("", "Mồ côi cha", "orphan_father"),
        ("", "Họ tên học sinh", "full_name"),
        ("", "Hoàn cảnh gia đình (cha mẹ ly hôn)", None),
        ("Mồ côi", "Mẹ", "orphan_mother"),
    ],
)
def test_it_names_the_guardians_columns_as_schools_spell_them(top, sub, key):
    assert column_for(top, sub) == key


def test_it_names_every_canonical_column():
    mapped = header_find([CANONICAL_HEADERS])
    assert len(mapped.columns) == len(CANONICAL_HEADERS)
    assert mapped.unknown == [] and mapped.duplicates == []


def test_it_finds_the_header_under_a_title_block():
    rows = [*TITLE, ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Hộ nghèo"]]
    rows.append(STUDENT)
    mapped = header_find(rows)
    assert mapped.data_start == 5
    assert mapped.columns["full_name"] == 1 and mapped.columns["poor"] == 6


def test_it_merges_a_two_row_header_read_without_merge_information():
    """How a merged header reads back from .xls, .ods and .csv: the top cell once,
    empty cells to its right."""
    top = ["STT", "Họ và tên", "Ngày sinh", "", "Lớp", "Đối tượng", "", "", "Phụ huynh", ""]
    sub = ["", "", "Nam", "Nữ", "", "Khuyết tật", "Mồ côi", "Hộ nghèo", "Họ tên", "SĐT"]
    mapped = header_find([*TITLE, top, sub, STUDENT])
    assert mapped.data_start == 6
    assert mapped.columns == {
        "stt": 0,
        "full_name": 1,
        "birth_male": 2,
        "birth_female": 3,
        "class_name": 4,
        "disability": 5,
        "orphan": 6,
        "poor": 7,
        "guardian_name": 8,
        "guardian_phone": 9,
    }
    assert mapped.labels[3] == "Ngày sinh / Nữ"


def test_it_merges_a_two_row_header_with_merged_cells():
    """.xlsx: the merged ranges say which columns the top cell covers, even where the
    sub-header is empty."""
    top = ["STT", "Họ và tên", "Lớp", "Đối tượng", "", "", ""]
    sub = ["", "", "", "Khuyết tật", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo"]
    merged = [((0, 3), (0, 6)), ((0, 0), (1, 0)), ((0, 1), (1, 1))]
    mapped = header_find([top, sub, STUDENT], merged=merged)
    assert mapped.data_start == 2
    assert [mapped.columns[k] for k in ("disability", "orphan", "poor", "near_poor")] == [
        3,
        4,
        5,
        6,
    ]


def test_it_skips_a_row_of_column_numbers():
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Hộ nghèo"]
    for numbers in (["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"], [1.0, 2.0, 3.0, 4, 5, 6, 7]):
        assert header_find([header, numbers, STUDENT]).data_start == 2


def test_it_does_not_take_the_first_student_for_numbers():
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Hộ nghèo"]
    assert header_find([header, STUDENT]).data_start == 1


def test_it_lists_unknown_and_repeated_columns():
    header = ["STT", "Họ và tên", "Sở thích", "Ngày sinh", "Lớp", "Ghi chú", "Ghi chú", "Hộ nghèo"]
    mapped = header_find([header, STUDENT])
    assert mapped.unknown == [(2, "Sở thích")]
    assert mapped.duplicates == [(6, "Ghi chú")]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [["", ""]],
        [STUDENT, STUDENT],  # no header at all
        [[1, "Hồ Thị Hoa", "2011", "Nữ", "Pa Cô", "8A", "Mồ côi cha"]],  # two header words
        [["Danh sách", "Họ và tên"]],  # one header word
        [*TITLE],
    ],
)
def test_it_finds_no_header_where_there_is_none(rows):
    assert header_find(rows) is None


def test_it_does_not_look_for_the_header_below_row_40():
    rows = [["", ""]] * 40 + [["STT", "Họ và tên", "Ngày sinh", "Lớp"]]
    assert header_find(rows) is None


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")]
)
def test_it_names_column_letters(index, letter):
    assert column_letter(index) == letter
