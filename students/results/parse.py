"""Reading the education department's results export into checked rows.

The export is an ordinary list: a title block ("KẾT QUẢ XẾP LOẠI ... NĂM HỌC
2024-2025"), a header naming Mã học sinh, Họ và tên, Ngày sinh, Lớp, Học lực / Kết
quả học tập, Hạnh kiểm / Rèn luyện, Danh hiệu, sometimes over two rows ("Cả năm" over
"HL | HK", next to the same pair for each semester, which is skipped). The file checks
and the cell reader are the collection's (size, magic bytes, zip bombs, calamine);
names, dates and MOET codes are cleaned by the collection's normalisers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from khuyenhoc.text import clean_text, search_key
from students.collection import normalize as norm
from students.collection.columns import header_key
from students.collection.files import FileRejected, file_check, row_filled, sheet_read
from students.collection.header import column_letter, is_numbering_row
from students.collection.rows import Issue, is_footer

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so tt", "so thu tu"),
    "moet_code": (
        "ma hoc sinh",
        "ma hs",
        "ma so hoc sinh",
        "ma so hs",
        "ma csdl",
        "ma hoc sinh csdl nganh",
        "ma hoc sinh tren csdl",
    ),
    "full_name": (
        "ho va ten",
        "ho ten",
        "ho ten hoc sinh",
        "ho va ten hoc sinh",
        "ten hoc sinh",
        "ho ten hs",
        "ho va ten hs",
        "hoc sinh",
    ),
    "birth": (
        "ngay sinh",
        "ngay thang nam sinh",
        "ngay/thang/nam sinh",
        "ns",
        "sinh ngay",
        "nam sinh",
    ),
    "class_name": ("lop", "lop hoc", "ten lop", "hoc lop"),
    "grade": ("khoi", "khoi lop"),
    "academic_result": (
        "hoc luc",
        "ket qua hoc tap",
        "xep loai hoc luc",
        "hoc luc ca nam",
        "xep loai hoc tap",
        "xep loai ket qua hoc tap",
        "danh gia ket qua hoc tap",
        "kq hoc tap",
        "kqht",
        "hl",
        "ket qua giao duc",
        "danh gia",
    ),
    "conduct": (
        "hanh kiem",
        "ren luyen",
        "ket qua ren luyen",
        "xep loai hanh kiem",
        "hanh kiem ca nam",
        "xep loai ren luyen",
        "danh gia ket qua ren luyen",
        "kq ren luyen",
        "kqrl",
        "hk",
        "pham chat",
    ),
    "title": (
        "danh hieu",
        "danh hieu thi dua",
        "danh hieu hoc sinh",
        "danh hieu ca nam",
        "khen thuong",
        "dh",
    ),
    "note": ("ghi chu", "gc"),
}
COLUMN_OF: dict[str, str] = {header_key(s): k for k, words in _SYNONYMS.items() for s in words}
HEADER_OF = {
    "moet_code": "Mã học sinh",
    "full_name": "Họ và tên",
    "birth": "Ngày sinh",
    "class_name": "Lớp",
    "grade": "Khối",
    "academic_result": "Học lực / Kết quả học tập",
    "conduct": "Hạnh kiểm / Rèn luyện",
    "title": "Danh hiệu",
    "note": "Ghi chú",
}
RESULT_KEYS = ("academic_result", "conduct", "title")
# "Học kỳ I", "HK II", "Học kì 1": a semester's columns are not the year's result.
_SEMESTER = re.compile(r"^(?:hoc k[yi]|hk)\s*(?:i{1,2}|1|2)$|^hki{1,2}$")
_SCHOOL_YEAR = re.compile(r"nam hoc\s*:?\s*(\d{4})\s*[-–/]\s*(\d{4})")
_MAX_HEADER_SCAN = 40

# The ratings the department's system prints, and how people abbreviate them.
# Học lực/hạnh kiểm (before Circular 22/2021), kết quả học tập/rèn luyện (Circular
# 22/2021), primary schools' "Hoàn thành ..." (Circular 27/2020).
RATINGS: dict[str, tuple[str, ...]] = {
    "Xuất sắc": ("xuat sac", "xs"),
    "Giỏi": ("gioi", "g"),
    "Khá": ("kha", "k"),
    "Trung bình": ("trung binh", "tb"),
    "Yếu": ("yeu", "y"),
    "Kém": ("kem",),
    "Tốt": ("tot", "t"),
    "Đạt": ("dat", "d"),
    "Chưa đạt": ("chua dat", "cd"),
    "Hoàn thành xuất sắc": ("hoan thanh xuat sac", "htxs"),
    "Hoàn thành tốt": ("hoan thanh tot", "htt"),
    "Hoàn thành": ("hoan thanh", "ht"),
    "Chưa hoàn thành": ("chua hoan thanh", "cht"),
    "Cần cố gắng": ("can co gang", "ccg"),
}
_RATING_OF = {word: label for label, words in RATINGS.items() for word in words}
TITLES: dict[str, tuple[str, ...]] = {
    "Học sinh Xuất sắc": ("hoc sinh xuat sac", "hsxs"),
    "Học sinh Giỏi": ("hoc sinh gioi", "hsg"),
    "Học sinh Tiên tiến": ("hoc sinh tien tien", "hstt"),
}
_TITLE_OF = {word: label for label, words in TITLES.items() for word in words}
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")


@dataclass(slots=True)
class ResultRow:
    row: int  # spreadsheet row number
    moet_code: str = ""
    full_name: str = ""
    name_key: str = ""
    birth_date: dt.date | None = None
    birth_year: int | None = None
    class_name: str = ""
    grade: int | None = None
    academic_result: str = ""
    conduct: str = ""
    title: str = ""
    note: str = ""
    errors: list[Issue] = field(default_factory=list)

    @property
    def birth_display(self) -> str:
        if self.birth_date:
            return self.birth_date.strftime("%d/%m/%Y")
        return str(self.birth_year or "")


@dataclass
class ResultsFile:
    rows: list[ResultRow] = field(default_factory=list)
    file_errors: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    sheet_name: str = ""
    school_year_in_file: int | None = None


@dataclass
class _Header:
    data_start: int
    columns: dict[str, int]
    labels: dict[int, str]
    unknown: list[str]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key_of(cell: str) -> str | None:
    return COLUMN_OF.get(header_key(cell)) if cell else None


def _score(row: list) -> tuple[int, bool]:
    keys = {_key_of(c) for c in row if isinstance(c, str)} - {None}
    return len(keys), bool(keys & {"full_name", "moet_code"})


def _merged_tops(merged, row_index: int, first_row: int) -> dict[int, int]:
    cols: dict[int, int] = {}
    for (r1, c1), (r2, c2) in merged or []:
        if r1 - (first_row - 1) <= row_index <= r2 - (first_row - 1) and c2 > c1:
            for c in range(c1, c2 + 1):
                cols[c] = c1
    return cols


def _header_find(rows: list[list], *, merged, first_row: int) -> _Header | None:
    best, best_score = -1, 1
    for i, row in enumerate(rows[:_MAX_HEADER_SCAN]):
        score, names = _score(row)
        if names and score > best_score:
            best, best_score = i, score
    if best < 0:
        return None
    top = [_cell_text(c) for c in rows[best]]
    below = [_cell_text(c) for c in rows[best + 1]] if best + 1 < len(rows) else []
    name_col = next((i for i, c in enumerate(top) if _key_of(c) == "full_name"), None)
    two_rows = (
        below
        and any(_key_of(c) in (*RESULT_KEYS, "birth", "class_name") for c in below)
        and not (name_col is not None and name_col < len(below) and below[name_col])
    )
    pairs: list[tuple[str, str]]
    if two_rows:
        width = max(len(top), len(below))
        top += [""] * (width - len(top))
        below += [""] * (width - len(below))
        carried = list(top)
        for col, first in _merged_tops(merged, best, first_row).items():
            if col < width:
                carried[col] = top[first]
        last = ""
        for col in range(width):
            if top[col]:
                last = top[col]
            elif below[col] and last and carried[col] == "":
                carried[col] = last
            elif not below[col]:
                last = ""
        pairs = list(zip(carried, below, strict=True))
        data_start = best + 2
    else:
        pairs = [("", c) for c in top]
        data_start = best + 1
    if data_start < len(rows) and is_numbering_row(rows[data_start]):
        data_start += 1

    header = _Header(data_start=data_start, columns={}, labels={}, unknown=[])
    for index, (group, cell) in enumerate(pairs):
        if not group and not cell:
            continue
        label = f"{group} / {cell}" if group and cell and group != cell else (cell or group)
        header.labels[index] = label
        if group and cell and _SEMESTER.match(header_key(group)):
            continue  # a semester's result: the year's is in another column
        key = _key_of(cell) or _key_of(group) if cell else _key_of(group)
        if key is None:
            header.unknown.append(f"{column_letter(index)} ({label})")
        elif key in header.columns:
            header.unknown.append(f"{column_letter(index)} ({label}, {_('cột trùng')})")
        else:
            header.columns[key] = index
    return header


def _school_year_in(rows: list[list]) -> int | None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and "n" in cell.lower():
                m = _SCHOOL_YEAR.search(search_key(cell))
                if m and int(m.group(2)) == int(m.group(1)) + 1:
                    return int(m.group(1))
    return None


@lru_cache(maxsize=1024)
def rating(value: str) -> str | None:
    """The rating as the department writes it ("Khá"), from "kha", "K", "KHÁ."; None
    for a word that is no rating."""
    key = " ".join(_NOT_WORD.sub(" ", search_key(value)).split())
    return _RATING_OF.get(key) if key else ""


@lru_cache(maxsize=1024)
def title_text(value: str) -> str:
    text = clean_text(value)
    key = " ".join(_NOT_WORD.sub(" ", search_key(text)).split())
    return _TITLE_OF.get(key, text)


def results_file_parse(*, path: Path, name: str, today: dt.date) -> ResultsFile:
    """Check and read the file, find its header and check every row. Raises
    FileRejected for a file that cannot be read at all; problems with columns or rows
    are collected in the result."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
    kind = file_check(name=name, head=head, size=size, path=path)
    sheet = sheet_read(path=path, kind=kind)
    header = _header_find(sheet.rows, merged=sheet.merged, first_row=sheet.first_row)
    if header is None:
        raise FileRejected(
            _(
                "Không tìm thấy dòng tiêu đề của bảng kết quả (các cột như “Mã học sinh”, “Họ và tên”, “Ngày sinh”, “Học lực”). Hãy xuất lại tệp từ hệ thống của ngành giáo dục hoặc thêm dòng tiêu đề."
            )
        )
    result = ResultsFile(
        sheet_name=sheet.name,
        columns=header.columns,
        unknown_columns=header.unknown,
        school_year_in_file=_school_year_in(sheet.rows[: header.data_start]),
    )
    cols = header.columns
    if not any(k in cols for k in RESULT_KEYS):
        result.file_errors.append(
            Issue(
                0,
                "",
                _(
                    "Tệp không có cột kết quả nào (Học lực / Kết quả học tập, Hạnh kiểm / Rèn luyện, Danh hiệu)."
                ),
                _("Xuất lại tệp có các cột xếp loại cả năm."),
            )
        )
    if "full_name" not in cols:
        result.file_errors.append(
            Issue(0, "", _("Thiếu cột Họ và tên."), _("Thêm cột Họ và tên vào dòng tiêu đề."))
        )
    if "moet_code" not in cols and "birth" not in cols:
        result.file_errors.append(
            Issue(
                0,
                "",
                _(
                    "Thiếu cột Mã học sinh và cột Ngày sinh: không có gì để tìm học sinh trong hồ sơ."
                ),
                _("Thêm ít nhất một trong hai cột này."),
            )
        )
    if result.file_errors:
        return result
    result.rows = list(_rows(sheet, header, today))
    return result


def _rows(sheet, header: _Header, today: dt.date):
    cols = header.columns
    labels = {
        k: f"{column_letter(i)} ({header.labels.get(i, HEADER_OF.get(k, k))})"
        for k, i in cols.items()
    }
    max_rows = int(getattr(settings, "IMPORT_MAX_ROWS", 20_000))
    name_i = cols.get("full_name")
    count = 0

    def get(row, key):
        i = cols.get(key)
        return row[i] if i is not None and i < len(row) else None

    for offset, row in enumerate(sheet.rows[header.data_start :]):
        if not row_filled(row):
            continue
        if is_footer(row):
            break
        name_cell = get(row, "full_name")
        if isinstance(name_cell, str) and _key_of(name_cell) == "full_name":
            continue  # the header again (kept from each printed page)
        if is_numbering_row(row):
            continue
        number = sheet.first_row + header.data_start + offset
        count += 1
        if count > max_rows:
            raise FileRejected(
                _(
                    "Tệp có hơn %(max)s dòng, vượt giới hạn một lần tải lên. Hãy chia thành nhiều tệp."
                )
                % {"max": f"{max_rows:,}".replace(",", ".")}
            )
        out = ResultRow(row=number)

        def error(key: str, message: str, fix: str = "") -> None:
            out.errors.append(Issue(number, labels.get(key, ""), message, fix))  # noqa: B023

        try:
            out.moet_code = norm.moet_code(get(row, "moet_code"))
        except ValueError as exc:
            error("moet_code", str(exc), _("Sửa mã theo hệ thống của ngành, hoặc để trống."))
        out.full_name = norm.person_name(name_cell)[:100] if name_i is not None else ""
        out.name_key = search_key(out.full_name)
        try:
            out.birth_date, out.birth_year = norm.birth(get(row, "birth"), today=today)
        except ValueError as exc:
            error("birth", str(exc))
        out.class_name = norm.text(get(row, "class_name"))[:20]
        grade = norm.grade_of(out.class_name, get(row, "grade"))
        if grade is not None and not 1 <= grade <= 12:
            error(
                "grade" if "grade" in cols else "class_name",
                _("Khối lớp %(g)s không có ở trường phổ thông (1-12).") % {"g": grade},
                _("Kiểm tra lại lớp của học sinh."),
            )
            grade = None
        out.grade = grade
        for key in ("academic_result", "conduct"):
            raw = norm.text(get(row, key))
            if not raw:
                continue
            value = rating(raw)
            if value is None:
                what = (
                    _("Học lực / kết quả học tập")
                    if key == "academic_result"
                    else _("Hạnh kiểm / rèn luyện")
                )
                error(
                    key,
                    _("%(what)s “%(v)s” không phải mức xếp loại nào.") % {"what": what, "v": raw},
                    _("Ghi một trong: %(list)s.") % {"list": ", ".join(RATINGS)},
                )
            else:
                setattr(out, key, value)
        title = norm.text(get(row, "title"))
        if len(title) > 100:
            error(
                "title",
                _("Danh hiệu dài quá 100 ký tự."),
                _("Ghi ngắn gọn, ví dụ “Học sinh Giỏi”."),
            )
        else:
            out.title = title_text(title) if title else ""
        out.note = norm.text(get(row, "note"))[:255]
        if not out.full_name and not out.moet_code:
            error(
                "full_name",
                _("Dòng không có họ tên và mã học sinh."),
                _("Ghi họ tên hoặc mã học sinh, hoặc xoá dòng này."),
            )
        elif not (out.academic_result or out.conduct or out.title or out.errors):
            error(
                "academic_result" if "academic_result" in cols else "conduct",
                _("Dòng không có kết quả nào (học lực, hạnh kiểm, danh hiệu đều trống)."),
                _("Ghi kết quả cả năm của học sinh, hoặc xoá dòng này."),
            )
        yield out
