"""Unit tests of what schools type turned into clean values (students/collection/
normalize.py): each rule with good inputs and with the bad inputs it must refuse."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from students.collection import normalize as norm

TODAY = dt.date(2025, 11, 1)


# --- text and names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        (unicodedata.normalize("NFD", "Nguyễn Văn An"), "Nguyễn Văn An"),
        ("Nguyễn  Văn   An ", "Nguyễn Văn An"),
        (" Trần\tThị\nĐào ", "Trần Thị Đào"),
        (None, ""),
        ("", ""),
        (7.0, "7"),
        (2025, "2025"),
        ("x" * 60 + "  y", "x" * 60 + " y"),
    ],
)
def test_it_cleans_text(value, clean):
    assert norm.text(value) == clean


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        (unicodedata.normalize("NFD", "LÊ VĂN CƯỜNG "), "Lê Văn Cường"),
        ("Phạm Thị Ngọc  Ánh", "Phạm Thị Ngọc Ánh"),
        ("Hồ thị Hoa", "Hồ thị Hoa"),  # mixed case is left as typed
    ],
)
def test_it_cleans_a_name(value, name):
    assert norm.person_name(value) == name
    assert unicodedata.is_normalized("NFC", norm.person_name(value))


# --- marks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["x", "X", " x ", "có", "Có", "CÓ", "✓", "✔", "v", "1", 1, 1.0, True, "vận động"]
)
def test_it_reads_a_mark(value):
    assert norm.mark(value) is True


@pytest.mark.parametrize("value", [None, "", "  ", "0", 0, 0.0, False, "không", "Không", "-", "k"])
def test_it_reads_no_mark(value):
    assert norm.mark(value) is False


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("x (vận động, nặng)", "vận động, nặng"),
        ("X (vận động)", "vận động"),
        ("x(cha)", "cha"),
        ("x - năm 2024", "năm 2024"),
        ("có: mồ côi mẹ", "mồ côi mẹ"),
        ("x", ""),
        ("✓", ""),
        ("Vận động (nặng)", "Vận động (nặng)"),
        ("Nhà bị lũ cuốn (năm 2020)", "Nhà bị lũ cuốn (năm 2020)"),
        ("Xe đạp", "Xe đạp"),
        (1, ""),
        (None, ""),
    ],
)
def test_it_reads_the_details_that_come_with_a_mark(value, detail):
    assert norm.mark_detail(value) == detail


# --- dates of birth ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "result"),
    [
        (dt.date(2012, 9, 5), (dt.date(2012, 9, 5), 2012)),
        (dt.datetime(2012, 9, 5, 0, 0), (dt.date(2012, 9, 5), 2012)),
        ("05/09/2012", (dt.date(2012, 9, 5), 2012)),
        ("5/9/2012", (dt.date(2012, 9, 5), 2012)),
        ("5-9-2012", (dt.date(2012, 9, 5), 2012)),
        ("05.09.2012", (dt.date(2012, 9, 5), 2012)),
        (" 05 / 09 / 2012 ", (dt.date(2012, 9, 5), 2012)),
        ("5/9/12", (dt.date(2012, 9, 5), 2012)),
        ("2012-09-05", (dt.date(2012, 9, 5), 2012)),
        ("2012-09-05 00:00:00", (dt.date(2012, 9, 5), 2012)),
        ("2012", (None, 2012)),
        ("năm 2012", (None, 2012)),
        (2012, (None, 2012)),
        (2012.0, (None, 2012)),
        (41157, (dt.date(2012, 9, 5), 2012)),  # a date cell that lost its format
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_it_reads_a_date_of_birth(value, result):
    assert norm.birth(value, today=TODAY) == result


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("05/09/2030", "tương lai"),  # a future date
        (dt.date(2026, 1, 1), "tương lai"),
        ("2027", "tương lai"),
        ("31/02/2012", "không có thật"),  # an impossible date
        ("12/13/2012", "không có thật"),
        ("1980", "không hợp lý"),
        ("05/09/1960", "không hợp lý"),
        ("ngày 5 tháng 9", "không phải ngày sinh"),
        ("abc", "không phải ngày sinh"),
        (5, "không phải ngày sinh"),
    ],
)
def test_it_refuses_a_bad_date_of_birth(value, says):
    with pytest.raises(ValueError, match=says):
        norm.birth(value, today=TODAY)


# --- personal IDs, MOET codes, phones ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pid"),
    [
        ("045212000123", "045212000123"),
        (45212000123, "045212000123"),  # a number cell: the leading 0 is lost
        (45212000123.0, "045212000123"),
        ("45212000123", "045212000123"),  # the same, exported to CSV
        ("045 212 000 123", "045212000123"),
        ("045.212.000.123", "045212000123"),
        (None, ""),
        ("", ""),
    ],
)
def test_it_reads_a_personal_id(value, pid):
    assert norm.personal_id(value) == pid


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("12345", "12 chữ số"),  # a 5-digit ID
        (12345, "12 chữ số"),
        ("0452120001234", "12 chữ số"),
        ("04521200012", "12 chữ số"),  # 11 digits typed with the 0: one is missing
        ("chưa có", "không phải chữ số"),
        # twelve characters, one a letter: the letter is the fault, not the length
        ("04521274387a", "phải gồm đúng 12 chữ số; “04521274387a” có ký tự không phải chữ số"),
        ("045212743871a", "không phải chữ số"),  # not dropped into a valid-looking ID
    ],
)
def test_it_refuses_a_bad_personal_id(value, says):
    with pytest.raises(ValueError, match=says):
        norm.personal_id(value)


@pytest.mark.parametrize(
    ("value", "code"), [("QT12345", "QT12345"), (123456789.0, "123456789"), ("AB 1234", "AB1234")]
)
def test_it_reads_a_moet_code(value, code):
    assert norm.moet_code(value) == code


@pytest.mark.parametrize("value", ["AB", "QT-123/45", "x" * 21])
def test_it_refuses_a_bad_moet_code(value):
    with pytest.raises(ValueError, match="Mã học sinh"):
        norm.moet_code(value)


@pytest.mark.parametrize(
    ("value", "phone"),
    [
        ("0912345678", "0912345678"),
        (912345678, "0912345678"),  # a number cell: the leading 0 is lost
        (912345678.0, "0912345678"),
        ("912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912345678 - 0987654321", "0912345678"),
        ("0912345678; 0987654321", "0912345678"),
        ("02333852123", "02333852123"),  # a landline with its 11 digits
        (None, ""),
    ],
)
def test_it_reads_a_phone(value, phone):
    assert norm.phone(value) == phone


@pytest.mark.parametrize("value", ["1234567", 1234567, "091234", "abc", "09123456789012"])
def test_it_refuses_a_bad_phone(value):
    with pytest.raises(ValueError, match="Số điện thoại"):
        norm.phone(value)


# --- grades and household years ------------------------------------------------------


@pytest.mark.parametrize(
    ("class_name", "value", "grade"),
    [
        ("6A", None, 6),
        ("10A1", None, 10),
        ("Lớp 7", None, 7),
        ("lop 9c", None, 9),
        ("7A", 8, 8),  # a Khối column wins
        ("", 8.0, 8),
        ("A1", None, None),
        ("", None, None),
    ],
)
def test_it_reads_the_grade(class_name, value, grade):
    assert norm.grade_of(class_name, value) == grade


@pytest.mark.parametrize(
    ("value", "year"),
    [
        (2025, 2025),
        (2025.0, 2025),
        ("2025", 2025),
        ("năm 2024", 2024),
        ("x (2025)", 2025),
        (dt.date(2025, 1, 15), 2025),
        (None, None),
    ],
)
def test_it_reads_a_household_year(value, year):
    assert norm.household_year(value, today=TODAY) == year


@pytest.mark.parametrize(
    ("value", "says"), [("abc", "ghi năm"), (1999, "không hợp lệ"), (2030, "không hợp lệ")]
)
def test_it_refuses_a_bad_household_year(value, says):
    with pytest.raises(ValueError, match=says):
        norm.household_year(value, today=TODAY)
