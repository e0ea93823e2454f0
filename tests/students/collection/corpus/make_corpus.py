"""Write the corpus of messy school lists that test_corpus.py and test_hostile_files.py read.

Run by hand from the repository root after changing a layout, then commit the files:

    apt-get install -y --no-install-recommends libreoffice-calc-nogui   # once
    uv run python tests/students/collection/corpus/make_corpus.py

Each layout ("kind") below is one kind of mess that schools really send (see
shared/docs/DOMAIN.md, "Excel in real life"). Every kind is written as
  - <kind>.xlsx  by openpyxl (or re-saved by LibreOffice where the mess comes from
                 LibreOffice: formulas with cached values, phantom rows),
  - <kind>.xls and <kind>.ods  converted from the .xlsx by LibreOffice (headless),
  - <kind>.csv   as Excel/LibreOffice would export it: UTF-8 with or without BOM,
                 comma or semicolon (the variants rotate over the kinds).
The hostile/broken files are written under hostile_* names. The expected parsed
values are kept by hand in expected.py (not derived from this script), so a change
here that alters what the parser must read shows up as a failing test.

The tests never run LibreOffice: the generated files are committed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

OUT = Path(__file__).resolve().parent / "files"


@dataclass(frozen=True)
class F:
    """A formula cell: `expr` goes into the workbook, `value` is what LibreOffice
    computes and stores, and what a CSV export holds."""

    expr: str
    value: object


@dataclass
class Sheet:
    rows: list[list]
    merges: list[str] = field(default_factory=list)
    header_rows: tuple[int, ...] = ()  # 1-based rows to format as a header (bold, borders)
    phantom: int = 0  # styled empty rows appended (Excel/LibreOffice "used range")
    via_libreoffice: bool = False  # re-save the .xlsx with LibreOffice (cached values)
    csv_tail: list[list] = field(default_factory=list)  # rows only a CSV export shows


D = dt.date

# The template's 23 canonical headers.
CANONICAL = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số định danh cá nhân",
    "Mã học sinh",
    "Lớp",
    "Thôn/Khối phố",
    "Xã/Phường",
    "Khuyết tật",
    "Mức độ khuyết tật",
    "Mồ côi",
    "Hộ nghèo",
    "Hộ cận nghèo",
    "Năm xác nhận hộ nghèo/cận nghèo",
    "Hoàn cảnh khác",
    "Họ tên cha/mẹ/người giám hộ",
    "Quan hệ",
    "Số điện thoại",
    "Hoàn cảnh cụ thể",
    "Nguyện vọng",
    "Ghi chú",
]

# The five students every layout lists, as a careful school would type them in the
# template's columns. Layouts below mess them up in their own ways.
STUDENTS = [
    # fmt: off
    [
        1,
        "Nguyễn Văn An",
        D(2012, 9, 5),
        "Nam",
        "Kinh",
        "045212000123",
        "",
        "7A",
        "Thôn 2",
        "Gio Mỹ",
        "Vận động",
        "Nặng",
        "",
        "",
        "",
        "",
        "",
        "Nguyễn Văn Bình",
        "Cha",
        "0912345678",
        "Đi lại bằng xe lăn",
        "Học bổng",
        "",
    ],
    [
        2,
        "Trần Thị Đào",
        D(2013, 3, 12),
        "Nữ",
        "Vân Kiều",
        "",
        "",
        "6B",
        "Thôn Hà Thanh",
        "Gio Mỹ",
        "",
        "",
        "",
        "x",
        "",
        2025,
        "",
        "Trần Văn Hùng",
        "Cha",
        "0398765432",
        "",
        "Xe đạp",
        "",
    ],
    [
        3,
        "Hồ Thị Hoa",
        "2011",
        "Nữ",
        "Pa Cô",
        "045311000456",
        "",
        "8A",
        "Khối phố 3",
        "Đông Lễ",
        "",
        "",
        "Mồ côi cha",
        "",
        "",
        "",
        "",
        "Hồ Thị Lan",
        "Mẹ",
        "0835111222",
        "",
        "Học bổng",
        "",
    ],
    [
        4,
        "Lê Văn Cường",
        D(2010, 12, 31),
        "Nam",
        "Kinh",
        "045210000789",
        "",
        "9C",
        "Thôn Tân Minh",
        "Gio Mỹ",
        "",
        "",
        "",
        "",
        "x",
        2024,
        "",
        "Lê Thị Mai",
        "Mẹ",
        "0977000111",
        "",
        "",
        "Cận nghèo năm 2024",
    ],
    [
        5,
        "Phạm Thị Ngọc Ánh",
        D(2012, 1, 20),
        "Nữ",
        "Kinh",
        "",
        "",
        "7B",
        "Khối phố 1",
        "Đông Lễ",
        "",
        "",
        "",
        "",
        "",
        "",
        "Cha bị bệnh nặng",
        "Phạm Văn Sơn",
        "Cha",
        "0905123456",
        "",
        "Sách vở",
        "",
    ],
    # fmt: on
]
COL = {h: i for i, h in enumerate(CANONICAL)}


def pick(student: list, *headers: str) -> list:
    return [student[COL[h]] for h in headers]


def title_block(width: int, school: str = "TRƯỜNG THCS GIO MỸ") -> tuple[list[list], list[str]]:
    last = openpyxl.utils.get_column_letter(width)
    rows = [
        ["DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN"] + [None] * (width - 1),
        [school] + [None] * (width - 1),
        ["Năm học 2025 - 2026"] + [None] * (width - 1),
        [None] * width,
    ]
    return rows, [f"A1:{last}1", f"A2:{last}2", f"A3:{last}3"]


# --- the kinds of mess ---------------------------------------------------------------


def kind_title_block() -> Sheet:
    """Title, school name and school year above the template's header."""
    rows, merges = title_block(len(CANONICAL))
    return Sheet(rows + [CANONICAL] + [list(s) for s in STUDENTS], merges, header_rows=(5,))


def kind_two_row_header() -> Sheet:
    """A two-row header with merged cells: "Ngày sinh" over "Nam | Nữ" (the date in the
    gender's column), "Đối tượng" over the criteria, "Phụ huynh" over the parent."""
    top = ["STT", "Họ và tên", "Ngày sinh", None, "Dân tộc", "Lớp", "Thôn/Khối phố", "Xã/Phường"]
    top += ["Đối tượng", None, None, None, "Năm xác nhận", "Hoàn cảnh khác"]
    top += ["Phụ huynh", None, None]
    sub = [None, None, "Nam", "Nữ", None, None, None, None]
    sub += ["Khuyết tật", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo", None, None]
    sub += ["Họ tên", "Quan hệ", "SĐT"]
    rows, merges = title_block(len(top))
    rows = rows[:1] + [[None] * len(top)]
    merges = merges[:1] + ["A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:F4", "G3:G4", "H3:H4"]
    merges += ["I3:L3", "M3:M4", "N3:N4", "O3:Q3"]
    rows += [top, sub]
    for s in STUDENTS:
        born = s[COL["Ngày sinh"]]
        male = s[COL["Giới tính"]] == "Nam"
        disability = "x (vận động, nặng)" if s[COL["Khuyết tật"]] else ""
        rows.append(
            [s[0], s[1], born if male else None, None if male else born]
            + pick(s, "Dân tộc", "Lớp", "Thôn/Khối phố", "Xã/Phường")
            + [disability]
            + pick(s, "Mồ côi", "Hộ nghèo", "Hộ cận nghèo")
            + pick(s, "Năm xác nhận hộ nghèo/cận nghèo", "Hoàn cảnh khác")
            + pick(s, "Họ tên cha/mẹ/người giám hộ", "Quan hệ", "Số điện thoại")
        )
    return Sheet(rows, merges, header_rows=(3, 4))


def kind_header_variants() -> Sheet:
    """Headers as schools write them: "TT", "Họ tên học sinh", "NS", "DT", "Số
    CCCD/định danh", "KT", "Mức độ", "Năm công nhận", "Khó khăn khác", "SĐT phụ huynh",
    a "Nữ" column marked x instead of a gender column."""
    header = ["TT", "Họ tên học sinh", "NS", "Nữ", "DT", "Số CCCD/định danh", "Lớp", "Thôn", "Xã"]
    header += ["KT", "Mức độ", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo", "Năm công nhận"]
    header += ["Khó khăn khác", "Họ tên phụ huynh", "Quan hệ", "SĐT phụ huynh"]
    rows = [header]
    for s in STUDENTS:
        female = "x" if s[COL["Giới tính"]] == "Nữ" else None
        rows.append(
            pick(s, "STT", "Họ và tên", "Ngày sinh")
            + [female]
            + pick(s, "Dân tộc", "Số định danh cá nhân", "Lớp", "Thôn/Khối phố", "Xã/Phường")
            + pick(s, "Khuyết tật", "Mức độ khuyết tật", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo")
            + pick(s, "Năm xác nhận hộ nghèo/cận nghèo", "Hoàn cảnh khác")
            + pick(s, "Họ tên cha/mẹ/người giám hộ", "Quan hệ", "Số điện thoại")
        )
    return Sheet(rows, header_rows=(1,))


def kind_marks() -> Sheet:
    """Marks as typed: "x", "X", "có", "✓" in criteria and in a "Nữ" column; the header
    "Ngày tháng năm sinh"; no parent columns."""
    header = ["STT", "Họ và tên", "Ngày tháng năm sinh", "Nữ", "Dân tộc", "Lớp"]
    header += ["Khuyết tật", "Mức độ khuyết tật", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo"]
    header += ["Năm xác nhận", "Hoàn cảnh khác"]
    female = {2: "X", 3: "x", 5: "✓"}
    poor = {2: "có"}
    near = {4: "✓"}
    rows = [header]
    for s in STUDENTS:
        n = s[0]
        rows.append(
            pick(s, "STT", "Họ và tên", "Ngày sinh")
            + [female.get(n)]
            + pick(s, "Dân tộc", "Lớp")
            + (["X (vận động)", "nặng"] if n == 1 else [None, None])
            + (["x (cha)"] if n == 3 else [None])
            + [poor.get(n), near.get(n)]
            + pick(s, "Năm xác nhận hộ nghèo/cận nghèo", "Hoàn cảnh khác")
        )
    return Sheet(rows, header_rows=(1,))


def kind_address() -> Sheet:
    """One "Địa chỉ" cell for village, commune and more ("Thôn 2, xã Gio Mỹ")."""
    address = {
        1: "Thôn 2, xã Gio Mỹ",
        2: "Thôn Hà Thanh, Xã Gio Mỹ, huyện Gio Linh",
        3: "Khối phố 3, P. Đông Lễ, TP Đông Hà",
        4: "Thôn Tân Minh - Gio Mỹ",
        5: "KP 1, phường Đông Lễ, TP. Đông Hà, tỉnh Quảng Trị",
    }
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Địa chỉ"]
    header += CANONICAL[10:20]
    rows = [header]
    for s in STUDENTS:
        rows.append(
            pick(s, "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp")
            + [address[s[0]]]
            + s[10:20]
        )
    return Sheet(rows, header_rows=(1,))


def kind_details() -> Sheet:
    """The details in the mark's cell: "x (vận động, nặng)", "x (mồ côi cha)", a poor
    household's year "x (2025)", the other difficulty after the x."""
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp"]
    header += ["Khuyết tật", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo", "Hoàn cảnh khác"]
    detail = {
        1: ["x (vận động, nặng)", None, None, None, None],
        2: [None, None, "x (2025)", None, None],
        3: [None, "x (mồ côi cha)", None, None, None],
        4: [None, None, None, "x - năm 2024", None],
        5: [None, None, None, None, "x (cha bị bệnh nặng)"],
    }
    rows = [header]
    for s in STUDENTS:
        rows.append(
            pick(s, "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp") + detail[s[0]]
        )
    return Sheet(rows, header_rows=(1,))


def kind_dates() -> Sheet:
    """Dates of birth as text "05/09/2012", "5-9-2012" style, "12/03/2013", a year
    alone (as a number cell) and real date cells."""
    born = {1: "05/09/2012", 2: "12/03/2013", 3: 2011, 4: D(2010, 12, 31), 5: "20-1-2012"}
    rows = [CANONICAL]
    for s in STUDENTS:
        row = list(s)
        row[COL["Ngày sinh"]] = born[s[0]]
        rows.append(row)
    return Sheet(rows, header_rows=(1,))


def kind_numbers() -> Sheet:
    """IDs and phones typed into number cells, so their leading zeros are gone."""
    rows = [CANONICAL]
    for s in STUDENTS:
        row = list(s)
        for h in ("Số định danh cá nhân", "Số điện thoại"):
            if row[COL[h]]:
                row[COL[h]] = int(row[COL[h]])
        rows.append(row)
    return Sheet(rows, header_rows=(1,))


def kind_unicode() -> Sheet:
    """Names in decomposed Unicode (NFD, as typed with some Vietnamese keyboards or
    pasted from the web), double and trailing spaces, a name in capitals."""

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    rows = [CANONICAL]
    for s in STUDENTS:
        row = list(s)
        n = s[0]
        if n == 1:
            row[1] = nfd("Nguyễn  Văn An ")
        elif n == 2:
            row[1] = " Trần Thị  Đào"
            row[COL["Dân tộc"]] = nfd("Vân Kiều ")
        elif n == 3:
            row[1] = nfd("Hồ Thị Hoa")
            row[COL["Thôn/Khối phố"]] = nfd("Khối  phố 3")
        elif n == 4:
            row[1] = "LÊ VĂN CƯỜNG"
            row[COL["Xã/Phường"]] = "Gio  Mỹ "
        else:
            row[1] = nfd("Phạm Thị Ngọc   Ánh  ")
            row[COL["Họ tên cha/mẹ/người giám hộ"]] = nfd("Phạm  Văn Sơn")
        rows.append(row)
    return Sheet(rows, header_rows=(1,))


def kind_footer() -> Sheet:
    """A total line and the signature block under the list, after empty rows."""
    w = len(CANONICAL)

    def at(col: int, value: str) -> list:
        row = [None] * w
        row[col] = value
        return row

    rows = [CANONICAL] + [list(s) for s in STUDENTS]
    rows += [[None] * w, at(1, "Tổng cộng: 5 học sinh"), [None] * w]
    rows += [at(17, "Gio Linh, ngày 5 tháng 9 năm 2025")]
    both = at(1, "Người lập biểu")
    both[17] = "Hiệu trưởng"
    rows += [both, [None] * w, [None] * w]
    names = at(1, "Nguyễn Thị Lập")
    names[17] = "Trần Văn Trưởng"
    rows += [names]
    return Sheet(rows, header_rows=(1,))


def kind_phantom_rows() -> Sheet:
    """Thousands of rows after the list that look empty but are not: an STT formula
    filled down that shows "" when the name is empty, a cell holding a space, and
    borders, saved by LibreOffice."""
    rows = [CANONICAL] + [list(s) for s in STUDENTS]
    for r in range(len(rows) + 1, 3001):
        row = [None] * len(CANONICAL)
        row[0] = F(f'=IF(B{r}="","",ROW()-1)', "")
        if r % 500 == 0:
            row[COL["Ghi chú"]] = " "
        rows.append(row)
    return Sheet(rows, header_rows=(1,), phantom=2000, via_libreoffice=True)


def kind_numbering_row() -> Sheet:
    """A row of column numbers "(1) (2) (3) ..." under the header, after a title."""
    rows, merges = title_block(len(CANONICAL))
    numbers = [f"({i})" for i in range(1, len(CANONICAL) + 1)]
    return Sheet(
        rows + [CANONICAL, numbers] + [list(s) for s in STUDENTS], merges, header_rows=(5, 6)
    )


def kind_formulas() -> Sheet:
    """Formulas, read as the values LibreOffice calculated and stored."""
    rows = [CANONICAL]
    for i, s in enumerate(STUDENTS):
        r = i + 2
        row = list(s)
        row[0] = F("=ROW()-1", s[0])
        row[COL["Lớp"]] = F(f'="{s[7][0]}"&"{s[7][1:]}"', s[7])
        if s[0] == 1:
            row[1] = F('="Nguyễn Văn "&"An"', "Nguyễn Văn An")
        if s[COL["Năm xác nhận hộ nghèo/cận nghèo"]]:
            year = s[COL["Năm xác nhận hộ nghèo/cận nghèo"]]
            row[COL["Năm xác nhận hộ nghèo/cận nghèo"]] = F(f"=2000+{year - 2000}", year)
        if isinstance(s[2], D):
            row[2] = F(f"=DATE({s[2].year},{s[2].month},{s[2].day})", s[2])
        row[COL["Ghi chú"]] = F(f'=IF(H{r}="","",CONCATENATE("Lớp ",H{r}))', f"Lớp {s[7]}")
        rows.append(row)
    return Sheet(rows, header_rows=(1,), via_libreoffice=True)


def kind_unknown_columns() -> Sheet:
    """Columns the system does not know ("Sở thích", "Mã BHYT"), a second "Ghi chú",
    and a column with data but no header: all must be listed, none dropped silently."""
    header = CANONICAL[:8] + ["Sở thích"] + CANONICAL[8:] + ["Mã BHYT", "Ghi chú", None]
    rows = [header]
    for s in STUDENTS:
        rows.append(
            list(s[:8])
            + ["Đọc sách"]
            + list(s[8:])
            + [f"QT{s[0]:03d}", "trùng cột", "dữ liệu lạc" if s[0] == 2 else None]
        )
    return Sheet(rows, header_rows=(1,))


def kind_combined() -> Sheet:
    """Everything at once, as a real school file: title, two-row header, column
    numbers, NFD and spaces, numbers for IDs and phones, addresses, dates of every
    kind, signature footer, LibreOffice phantom rows."""
    top = ["TT", "Họ tên học sinh", "Ngày tháng năm sinh", None, "DT", "Số CCCD/định danh"]
    top += ["Lớp", "Địa chỉ", "Đối tượng", None, None, None, "Năm xác nhận", "Khó khăn khác"]
    top += ["Phụ huynh", None, None, "Ghi chú"]
    sub = [None, None, "Nam", "Nữ", None, None, None, None]
    sub += ["Khuyết tật", "Mồ côi", "Hộ nghèo", "Hộ cận nghèo", None, None]
    sub += ["Họ tên", "Quan hệ", "SĐT", None]
    w = len(top)
    rows, merges = title_block(w, school="Trường THCS Gio Mỹ - huyện Gio Linh")
    merges += ["A5:A6", "B5:B6", "C5:D5", "E5:E6", "F5:F6", "G5:G6", "H5:H6", "I5:L5"]
    merges += ["M5:M6", "N5:N6", "O5:Q5", "R5:R6"]
    rows += [top, sub, [f"({i})" for i in range(1, w + 1)]]
    born = {1: "05/09/2012", 2: D(2013, 3, 12), 3: "2011", 4: "31-12-2010", 5: D(2012, 1, 20)}
    address = {
        1: "Thôn 2, xã Gio Mỹ",
        2: "Thôn Hà Thanh, Gio Mỹ",
        3: "Khối phố 3, P. Đông Lễ, TP Đông Hà",
        4: "Thôn Tân Minh, X. Gio Mỹ",
        5: "Khối phố 1, phường Đông Lễ",
    }
    names = {1: "Nguyễn  Văn An", 4: "LÊ VĂN CƯỜNG ", 5: "Phạm Thị Ngọc  Ánh"}
    marks = {
        1: ["x (vận động, nặng)", None, None, None],
        2: [None, None, "X", None],
        3: [None, "Mồ côi cha", None, None],
        4: [None, None, None, "có"],
        5: [None, None, None, None],
    }
    for s in STUDENTS:
        n = s[0]
        male = s[COL["Giới tính"]] == "Nam"
        pid = s[COL["Số định danh cá nhân"]]
        rows.append(
            [n, unicodedata.normalize("NFD", names.get(n, s[1]))]
            + ([born[n], None] if male else [None, born[n]])
            + [s[COL["Dân tộc"]], int(pid) if pid else None, s[COL["Lớp"]], address[n]]
            + marks[n]
            + pick(s, "Năm xác nhận hộ nghèo/cận nghèo", "Hoàn cảnh khác")
            + pick(s, "Họ tên cha/mẹ/người giám hộ", "Quan hệ")
            + [int(s[COL["Số điện thoại"]]), None]
        )
    rows += [[None] * w, [None] * w]
    sign = [None] * w
    sign[14] = "Gio Linh, ngày 5 tháng 9 năm 2025"
    rows.append(sign)
    sign = [None] * w
    sign[1], sign[14] = "Người lập biểu", "Hiệu trưởng"
    rows.append(sign)
    tail = [[None] * w for _ in range(2000)]
    return Sheet(rows, merges, header_rows=(5, 6), phantom=3000, via_libreoffice=True,
                 csv_tail=tail)  # fmt: skip


KINDS = {
    "title_block": kind_title_block,
    "two_row_header": kind_two_row_header,
    "header_variants": kind_header_variants,
    "marks": kind_marks,
    "address": kind_address,
    "details": kind_details,
    "dates": kind_dates,
    "numbers": kind_numbers,
    "unicode": kind_unicode,
    "footer": kind_footer,
    "phantom_rows": kind_phantom_rows,
    "numbering_row": kind_numbering_row,
    "formulas": kind_formulas,
    "unknown_columns": kind_unknown_columns,
    "combined": kind_combined,
}
# (encoding, delimiter) of each kind's CSV, rotating over the variants.
CSV_VARIANTS = [("utf-8", ","), ("utf-8-sig", ";"), ("utf-8", ";"), ("utf-8-sig", ",")]

# --- writers -------------------------------------------------------------------------


def xlsx_write(sheet: Sheet, path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    width = max(len(r) for r in sheet.rows)
    for r, row in enumerate(sheet.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value.expr if isinstance(value, F) else value)
            if isinstance(value, D):
                cell.number_format = "DD/MM/YYYY"
            if r in sheet.header_rows:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for r in sheet.header_rows:
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = box
    for merge in sheet.merges:
        ws.merge_cells(merge)
    # Formatted but empty rows: what a school's "used range" often holds.
    last = len(sheet.rows)
    for r in range(last + 1, last + 1 + sheet.phantom):
        for c in range(1, width + 1):
            ws.cell(row=r, column=c).border = box
    wb.save(path)


def libreoffice(src: Path, fmt: str, outdir: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    ext = fmt.split(":")[0]
    return outdir / f"{src.stem}.{ext}"


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, F):
        value = value.value
    if isinstance(value, D):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_write(sheet: Sheet, path: Path, encoding: str, delimiter: str) -> None:
    width = max(len(r) for r in sheet.rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in sheet.rows + sheet.csv_tail:
        writer.writerow([csv_text(v) for v in row] + [""] * (width - len(row)))
    path.write_bytes(buffer.getvalue().encode(encoding))


def kinds_write() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for i, (kind, build) in enumerate(KINDS.items()):
            sheet = build()
            source = tmp / "src" / f"{kind}.xlsx"
            source.parent.mkdir(exist_ok=True)
            xlsx_write(sheet, source)
            if sheet.via_libreoffice:
                shutil.copy(libreoffice(source, "xlsx", tmp), OUT / f"{kind}.xlsx")
            else:
                shutil.copy(source, OUT / f"{kind}.xlsx")
            for fmt in ("xls", "ods"):
                shutil.copy(libreoffice(source, fmt, tmp), OUT / f"{kind}.{fmt}")
            encoding, delimiter = CSV_VARIANTS[i % len(CSV_VARIANTS)]
            csv_write(sheet, OUT / f"{kind}.csv", encoding, delimiter)
            print(kind, encoding, repr(delimiter))


# --- hostile and broken files --------------------------------------------------------


def hostile_write() -> None:
    good = OUT / "title_block.xlsx"
    # A zip bomb: tiny on disk, one entry that inflates to 50 MB of zeros (ratio > 1000).
    with zipfile.ZipFile(OUT / "hostile_zip_bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    # A text file named .xlsx.
    (OUT / "hostile_text.xlsx").write_text(
        "Họ và tên;Ngày sinh\nNguyễn Văn An;05/09/2012\n", encoding="utf-8"
    )
    # An .xlsx renamed to .xls.
    shutil.copy(good, OUT / "hostile_renamed.xls")
    # An .xlsx cut in half (an interrupted download).
    data = good.read_bytes()
    (OUT / "hostile_truncated.xlsx").write_bytes(data[: len(data) // 2])
    # Empty files.
    (OUT / "hostile_empty.xlsx").write_bytes(b"")
    (OUT / "hostile_empty.csv").write_bytes(b"")
    # A program named .csv (Windows executable header).
    (OUT / "hostile_program.csv").write_bytes(
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 8
    )
    # CSVs saved in the old Windows code pages (Excel's "CSV (Comma delimited)").
    legacy = "STT,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Lớp,Hộ nghèo,Năm xác nhận\r\n"
    legacy += "1,Trần Thị Đào,12/03/2013,Nữ,Kinh,6B,x,2025\r\n"
    (OUT / "hostile_cp1258.csv").write_bytes(codecs.encode(legacy, "cp1258", errors="replace"))
    latin = "STT,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Lớp,Hộ nghèo,Năm xác nhận\r\n"
    latin += "1,Nguyen Van An,05/09/2012,Nam,Kinh,7A,x,2025\r\n2,Lê Thị Hà,01/02/2013,Nữ,Kinh,6A,x,2025\r\n"
    (OUT / "hostile_cp1252.csv").write_bytes(latin.encode("cp1252", errors="replace"))
    # A list without its header row: data straight away.
    with tempfile.TemporaryDirectory() as tmp_name:
        sheet = Sheet([list(s) for s in STUDENTS])
        source = Path(tmp_name) / "hostile_no_header.xlsx"
        xlsx_write(sheet, source)
        shutil.copy(source, OUT / source.name)
        shutil.copy(libreoffice(source, "ods", Path(tmp_name)), OUT / "hostile_no_header.ods")
    csv_write(Sheet([list(s) for s in STUDENTS]), OUT / "hostile_no_header.csv", "utf-8", ",")


def main() -> None:
    if not shutil.which("soffice"):
        sys.exit("LibreOffice is needed: apt-get install libreoffice-calc-nogui")
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    kinds_write()
    hostile_write()
    print(f"{sum(1 for _ in OUT.iterdir())} files in {OUT}")


if __name__ == "__main__":
    main()
