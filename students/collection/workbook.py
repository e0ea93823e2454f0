"""Writing students in the canonical layout (students/collection/columns.py) as .xlsx.

The same writer makes a school's template (pre-filled, with drop-down lists and an
instructions sheet) and the student export. openpyxl in write-only mode streams the
rows, so memory stays flat whatever the size of the list. Every value is written the
way the parser (students/collection/parse.py) reads it back: dates as real date cells,
IDs and phones as text, criteria as the words of vocab.py, marks as "x", communes by
their full name ("Thị trấn Gio Linh": since 2025 there is also a commune "Gio Linh"),
wishes separated by ";" (two wish labels hold a comma). Text a spreadsheet could take
for a formula is written inert (khuyenhoc/spreadsheet.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from khuyenhoc.spreadsheet import xlsx_cell, xlsx_inert
from students.collection.columns import CANONICAL, CANONICAL_HEADERS
from students.models import Circumstance, Ethnicity, Guardian

LIST_TITLE = "DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN"
SHEET_LIST = "Danh sách"
SHEET_HELP = "Hướng dẫn"
SHEET_CHOICES = "Danh mục"
MARK = "x"
DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"

# The words the file uses for each choice. They are the file's vocabulary, not the
# interface's (which is translated), and each one reads back through vocab.py to the
# same choice (tests/students/collection/test_template.py checks every one).
GENDER_LABELS = {"male": "Nam", "female": "Nữ"}
DISABILITY_TYPE_LABELS = {
    "mobility": "Vận động",
    "hearing_speech": "Nghe, nói",
    "vision": "Nhìn",
    "mental": "Thần kinh, tâm thần",
    "intellectual": "Trí tuệ",
    "other": "Khác",
}
DISABILITY_LEVEL_LABELS = {"extremely_severe": "Đặc biệt nặng", "severe": "Nặng", "mild": "Nhẹ"}
ORPHAN_LABELS = {
    "father": "Mồ côi cha",
    "mother": "Mồ côi mẹ",
    "both": "Mồ côi cả cha lẫn mẹ",
}
RELATION_LABELS = {
    "father": "Cha",
    "mother": "Mẹ",
    "grandparent": "Ông/Bà",
    "sibling": "Anh/Chị",
    "relative": "Họ hàng",
    "guardian": "Người giám hộ",
    "other": "Khác",
}
WISH_LABELS = {
    "scholarship": "Học bổng",
    "bicycle": "Xe đạp",
    "books": "Sách vở, đồ dùng học tập",
    "tuition": "Hỗ trợ học phí",
    "health_insurance": "Bảo hiểm y tế",
    "clothes": "Quần áo, cặp sách",
    "other": "Khác",
}

_INDEX = {c.key: i for i, c in enumerate(CANONICAL)}
_WIDTHS = {
    "stt": 5,
    "full_name": 26,
    "birth": 12,
    "gender": 8,
    "ethnicity": 14,
    "personal_id": 16,
    "moet_code": 14,
    "class_name": 7,
    "village": 16,
    "commune": 16,
    "disability": 16,
    "disability_level": 12,
    "orphan": 20,
    "poor": 8,
    "near_poor": 8,
    "household_year": 12,
    "other": 26,
    "guardian_name": 24,
    "guardian_relation": 12,
    "guardian_phone": 13,
    "situation": 40,
    "wishes": 26,
    "note": 20,
}
# Columns typed as text so Excel keeps leading zeros and does not turn "6/1" into a date.
_TEXT_KEYS = ("personal_id", "moet_code", "class_name", "guardian_phone")
_TEXT_COLUMNS = frozenset(_INDEX[k] for k in _TEXT_KEYS)
_BIRTH = _INDEX["birth"]
_NAME = _INDEX["full_name"]
# The columns that say which circumstances a student has: all empty, the row is flagged.
_CIRCUMSTANCE_COLUMNS = tuple(
    _INDEX[k] for k in ("disability", "disability_level", "orphan", "poor", "near_poor", "other")
)
NO_CIRCUMSTANCE_NOTE = (
    "Chưa thuộc diện nào: đánh dấu ít nhất một cột Khuyết tật, Mồ côi, Hộ nghèo, "
    "Hộ cận nghèo hoặc Hoàn cảnh khác nếu em thuộc diện."
)
WISH_SEPARATOR = "; "

# Drop-down lists on the hidden sheet: (column key, heading on that sheet, values).
# The headings avoid the canonical words so the parser never mistakes this sheet for
# the list.
_STATIC_LISTS = (
    ("gender", "DM giới tính", list(GENDER_LABELS.values())),
    ("disability", "DM dạng tật", list(DISABILITY_TYPE_LABELS.values())),
    ("disability_level", "DM mức độ tật", list(DISABILITY_LEVEL_LABELS.values())),
    ("orphan", "DM mồ côi", list(ORPHAN_LABELS.values())),
    ("guardian_relation", "DM quan hệ", list(RELATION_LABELS.values())),
)


_STUDENT_FIELDS = (
    "pk",
    "school_id",
    "full_name",
    "birth_date",
    "birth_year",
    "gender",
    "ethnicity__name",
    "personal_id",
    "moet_code",
    "class_name",
    "grade",
    "village",
    "commune__short_name",
    "commune__name",
    "address_text",
    "specific_situation",
    "wishes",
    "wishes_note",
    "note",
)
_CIRCUMSTANCE_FIELDS = (
    "student_id",
    "kind",
    "disability_type",
    "disability_level",
    "orphan_label",
    "household_year",
    "description",
)
CHUNK = 2000


def student_rows(queryset, *, today: dt.date | None = None, with_school: bool = False) -> Iterator:
    """The 23 canonical cells of each student of `queryset`, in its order; with
    `with_school`, (school id, cells) pairs.

    Set-based: the students come through a server-side cursor (iterator, chunks of
    2,000); for each chunk one query fetches the circumstances in force and one the
    first guardian of every student. Plain values, no model instances: the export of a
    province stays fast and flat in memory."""
    today = today or timezone.localdate()
    rows = queryset.values(*_STUDENT_FIELDS).iterator(chunk_size=CHUNK)
    number = 0
    while chunk := list(islice(rows, CHUNK)):
        ids = [s["pk"] for s in chunk]
        circumstances: dict[int, list[dict]] = {}
        for c in (
            Circumstance.objects.filter(student_id__in=ids)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
            .order_by("student_id", "kind", "-pk")
            .values(*_CIRCUMSTANCE_FIELDS)
        ):
            circumstances.setdefault(c["student_id"], []).append(c)
        guardians = {
            g["student_id"]: g
            for g in Guardian.objects.filter(student_id__in=ids)
            .order_by("student_id", "pk")
            .distinct("student_id")
            .values("student_id", "full_name", "relation", "phone")
        }
        for student in chunk:
            number += 1
            cells = student_cells(
                student,
                number,
                circumstances=circumstances.get(student["pk"], ()),
                guardian=guardians.get(student["pk"]),
            )
            yield (student["school_id"], cells) if with_school else cells


def student_cells(student: dict, number: int, *, circumstances, guardian: dict | None) -> list:
    """One student (a dict of _STUDENT_FIELDS) as the 23 canonical cells."""
    by_kind: dict[str, list[dict]] = {}
    for c in circumstances:
        by_kind.setdefault(c["kind"], []).append(c)
    disability = (by_kind.get("disability") or [None])[0]
    orphan = (by_kind.get("orphan") or [None])[0]
    poor = (by_kind.get("poor") or [None])[0]
    near_poor = (by_kind.get("near_poor") or [None])[0]
    household = poor or near_poor
    other = "; ".join(c["description"] for c in by_kind.get("other", ()) if c["description"])
    village = student["village"]
    # The full name, with its unit: "Gio Linh" alone is also a commune since 2025.
    commune = student["commune__name"] or student["commune__short_name"] or ""
    if not commune and student["address_text"]:
        # An address the import could not match: give back what the school wrote.
        commune = student["address_text"]
        if village and commune.startswith(village):
            commune = commune[len(village) :].lstrip(" ,;-")
    return [
        number,
        student["full_name"],
        student["birth_date"] or student["birth_year"],
        GENDER_LABELS.get(student["gender"], ""),
        student["ethnicity__name"],
        student["personal_id"] or "",
        student["moet_code"] or "",
        student["class_name"] or str(student["grade"]),
        village,
        commune,
        DISABILITY_TYPE_LABELS.get(disability["disability_type"], "") if disability else "",
        DISABILITY_LEVEL_LABELS.get(disability["disability_level"], "") if disability else "",
        ORPHAN_LABELS.get(orphan["orphan_label"], "") if orphan else "",
        MARK if poor else "",
        MARK if near_poor else "",
        household["household_year"] if household else None,
        other,
        guardian["full_name"] if guardian else "",
        RELATION_LABELS.get(guardian["relation"], "") if guardian else "",
        guardian["phone"] if guardian else "",
        student["specific_situation"],
        wishes_text(student["wishes"], student["wishes_note"]),
        student["note"],
    ]


def wishes_text(wishes: list[str], note: str = "") -> str:
    """ "Học bổng; Xe đạp; Khác: Áo ấm mùa đông", read back by vocab.wishes_read: ";"
    between wishes ("Sách vở, đồ dùng học tập" holds a comma), a written wish of its own
    last, after "Khác:" (so that its words are not taken for a listed wish)."""
    parts = [WISH_LABELS[w] for w in wishes if w in WISH_LABELS and w != "other"]
    if note:
        parts.append(f"{WISH_LABELS['other']}: {note}")
    elif "other" in wishes:
        parts.append(WISH_LABELS["other"])
    return WISH_SEPARATOR.join(parts)


def _font(bold=False, size=11, italic=False) -> Font:
    return Font(name="Times New Roman", size=size, bold=bold, italic=italic)


_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def workbook_write(
    *,
    path: Path | str,
    rows: Iterable[list],
    title_lines: list[str],
    with_validation: bool,
    instructions: bool,
    blank_rows: int = 300,
    ethnicity_names: list[str] | None = None,
) -> int:
    """Write the canonical list to `path` and return the number of students written.

    `title_lines` go above the header (the first one in bold capitals). With
    validation, drop-down lists cover the written rows and `blank_rows` more for new
    students; with instructions, a "Hướng dẫn" sheet explains every column."""
    return workbook_write_sheets(
        path=path,
        sheets=[(SHEET_LIST, title_lines, rows)],
        with_validation=with_validation,
        instructions=instructions,
        blank_rows=blank_rows,
        ethnicity_names=ethnicity_names,
    )


def workbook_write_sheets(
    *,
    path: Path | str,
    sheets: Iterable[tuple[str, list[str], Iterable[list]]],
    with_validation: bool,
    instructions: bool,
    blank_rows: int = 300,
    ethnicity_names: list[str] | None = None,
) -> int:
    """Like workbook_write, with one list sheet per (sheet name, title lines, rows), in
    order; each sheet's rows are consumed before the next sheet is asked for."""
    wb = Workbook(write_only=True)
    written = []
    for name, title_lines, rows in sheets:
        written.append(_list_sheet_write(wb, name=name, title_lines=title_lines, rows=rows))
    if with_validation:
        names = _choices_write(wb, ethnicity_names=ethnicity_names)
        for ws, first_data, count in written:
            _validations_add(
                ws, names, first_data=first_data, last_row=first_data + count + blank_rows - 1
            )
    if instructions:
        _instructions_write(wb)
    wb.save(str(path))
    return sum(count for _ws, _first, count in written)


def _list_sheet_write(wb, *, name: str, title_lines: list[str], rows: Iterable[list]):
    ws = wb.create_sheet(name)
    width = len(CANONICAL)
    last_col = get_column_letter(width)
    header_row = len(title_lines) + 2 if title_lines else 1
    first_data = header_row + 1

    for index, column in enumerate(CANONICAL, 1):
        dim = ws.column_dimensions[get_column_letter(index)]
        dim.width = _WIDTHS.get(column.key, 14)
        # Blank rows take what is typed as text: "05/09/2012" or "2012" then reads back
        # as written, whatever the computer's date settings (a date-formatted column
        # would turn a typed "2012" into 04/07/1905).
        if index - 1 in _TEXT_COLUMNS or index - 1 == _BIRTH:
            dim.number_format = TEXT_FORMAT
    ws.freeze_panes = f"C{first_data}"
    ws.row_dimensions[header_row].height = 45
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0

    for i, line in enumerate(title_lines):
        cell = xlsx_inert(WriteOnlyCell(ws, value=line))
        cell.font = _font(bold=True, size=14 if i == 0 else 12, italic=i > 0 and i == 2)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.append([cell])
        ws.merged_cells.add(f"A{i + 1}:{last_col}{i + 1}")
    if title_lines:
        ws.append([])

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_cells = []
    for header in CANONICAL_HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = _font(bold=True)
        cell.fill = header_fill
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)

    # One styled prototype per kind of typed cell; each written cell shares its style.
    date_proto = WriteOnlyCell(ws, value=None)
    date_proto.number_format = DATE_FORMAT
    year_proto = WriteOnlyCell(ws, value=None)
    year_proto.number_format = "0"  # explicit, or the column's text format applies
    text_proto = WriteOnlyCell(ws, value=None)
    text_proto.number_format = TEXT_FORMAT
    no_circumstance_fill = PatternFill("solid", fgColor="FFEB9C")

    count = 0
    for values in rows:
        out = list(values)
        birth = out[_BIRTH]
        if birth not in (None, ""):
            cell = WriteOnlyCell(ws, value=birth)
            cell._style = (date_proto if isinstance(birth, dt.date) else year_proto)._style
            out[_BIRTH] = cell
        for index in _TEXT_COLUMNS:
            value = out[index]
            if value not in (None, ""):
                cell = WriteOnlyCell(ws, value=str(value))
                cell._style = text_proto._style
                out[index] = xlsx_inert(cell)
        if all(out[i] in (None, "") for i in _CIRCUMSTANCE_COLUMNS):
            # A student added in the pages, whose circumstances are still to record:
            # flagged where the school looks, without a value the upload would read.
            cell = xlsx_inert(WriteOnlyCell(ws, value=out[_NAME]))
            cell.fill = no_circumstance_fill
            cell.comment = Comment(NO_CIRCUMSTANCE_NOTE, "Hội Khuyến học")
            out[_NAME] = cell
        ws.append([None if v == "" else xlsx_cell(ws, v) for v in out])
        count += 1

    return ws, first_data, count


def _choice_lists(ethnicity_names) -> list[tuple[str, str, list[str]]]:
    if ethnicity_names is None:
        ethnicity_names = list(Ethnicity.objects.order_by("code").values_list("name", flat=True))
    lists = list(_STATIC_LISTS)
    lists.insert(1, ("ethnicity", "DM dân tộc", ethnicity_names))
    return lists


def _choices_write(wb, *, ethnicity_names) -> dict[str, str]:
    """The hidden sheet of drop-down lists (an inline list is limited to 255
    characters: too short for 55 ethnic groups). Returns column key -> defined name."""
    lists = _choice_lists(ethnicity_names)
    choices = wb.create_sheet(SHEET_CHOICES)
    choices.sheet_state = "hidden"
    longest = max(len(values) for _k, _h, values in lists)
    choices.append([heading for _k, heading, _v in lists])
    for i in range(longest):
        choices.append([values[i] if i < len(values) else None for _k, _h, values in lists])
    names = {}
    for position, (key, _heading, values) in enumerate(lists, 1):
        letter = get_column_letter(position)
        name = f"DM_{key.upper()}"
        wb.defined_names[name] = DefinedName(
            name, attr_text=f"'{SHEET_CHOICES}'!${letter}$2:${letter}${len(values) + 1}"
        )
        names[key] = name
    return names


def _validations_add(ws, names: dict[str, str], *, first_data: int, last_row: int) -> None:
    def column_range(key: str) -> str:
        letter = get_column_letter(_INDEX[key] + 1)
        return f"{letter}{first_data}:{letter}{last_row}"

    for key, name in names.items():
        # Relations other than the listed ones are allowed ("Bà ngoại", "Cậu"): warn only.
        strict = key != "guardian_relation"
        dv = DataValidation(
            type="list",
            formula1=name,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle="Giá trị không có trong danh mục",
            error="Hãy chọn một giá trị trong danh sách thả xuống.",
        )
        dv.add(column_range(key))
        ws.data_validations.append(dv)

    marks = DataValidation(
        type="list",
        formula1=f'"{MARK}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Chỉ đánh dấu x",
        error="Ghi x nếu gia đình thuộc diện, để trống nếu không.",
    )
    marks.add(column_range("poor"))
    marks.add(column_range("near_poor"))
    ws.data_validations.append(marks)

    year = DataValidation(
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Năm không hợp lệ",
        error="Ghi năm được công nhận, ví dụ 2026.",
    )
    year.add(column_range("household_year"))
    ws.data_validations.append(year)


COLUMN_HELP = {
    "stt": "Số thứ tự. Không bắt buộc, hệ thống không dùng để nhận diện học sinh.",
    "full_name": "Họ và tên đầy đủ của học sinh, có dấu. Bắt buộc.",
    "birth": (
        "Ngày sinh theo dạng ngày/tháng/năm, ví dụ 05/09/2012 (ô ngày của Excel, hoặc gõ "
        "05/09/2012, 5-9-2012). Nếu không rõ ngày, chỉ ghi năm sinh, ví dụ 2012. Bắt buộc."
    ),
    "gender": "Chọn Nam hoặc Nữ.",
    "ethnicity": "Chọn tên dân tộc trong danh sách (54 dân tộc; học sinh nước ngoài chọn “Người nước ngoài”).",
    "personal_id": (
        "Số định danh cá nhân (CCCD) gồm đúng 12 chữ số, giữ nguyên số 0 ở đầu. Để trống "
        "nếu học sinh chưa có. Cột đã để dạng văn bản; khi dán số vào, dán dạng giá trị."
    ),
    "moet_code": "Mã học sinh trên cơ sở dữ liệu ngành (nếu có).",
    "class_name": "Lớp đang học, bắt đầu bằng khối: 6A, 7/2, 10A1. Bắt buộc.",
    "village": "Thôn, khối phố, bản nơi gia đình đang ở.",
    "commune": "Xã/phường nơi gia đình đang ở, ghi cả cấp: Xã Gio Mỹ, Phường 1, Thị trấn Gio Linh.",
    "disability": (
        "Nếu học sinh khuyết tật, chọn dạng tật: Vận động; Nghe, nói; Nhìn; Thần kinh, "
        "tâm thần; Trí tuệ; Khác. Để trống nếu không."
    ),
    "disability_level": "Mức độ theo giấy xác nhận khuyết tật: Đặc biệt nặng, Nặng hoặc Nhẹ.",
    "orphan": "Chọn Mồ côi cha, Mồ côi mẹ hoặc Mồ côi cả cha lẫn mẹ. Để trống nếu không.",
    "poor": "Ghi x nếu gia đình thuộc hộ nghèo.",
    "near_poor": "Ghi x nếu gia đình thuộc hộ cận nghèo.",
    "household_year": (
        "Năm được công nhận hộ nghèo/cận nghèo ghi trên sổ hoặc giấy chứng nhận, ví dụ "
        "2026. Bắt buộc khi có x ở cột Hộ nghèo hoặc Hộ cận nghèo."
    ),
    "other": "Khó khăn khác, ghi ngắn gọn, ví dụ: cha bị bệnh nặng; nhà bị lũ cuốn trôi.",
    "guardian_name": "Họ tên cha, mẹ hoặc người giám hộ đang nuôi dưỡng học sinh.",
    "guardian_relation": "Quan hệ với học sinh: Cha, Mẹ, Ông/Bà, Anh/Chị, Họ hàng, Người giám hộ, Khác.",
    "guardian_phone": "Số điện thoại liên lạc, 10 chữ số bắt đầu bằng 0 (cột dạng văn bản).",
    "situation": "Hoàn cảnh cụ thể của học sinh, vài câu ngắn.",
    "wishes": (
        "Nguyện vọng, cách nhau bằng dấu chấm phẩy (;): Học bổng; Xe đạp; Sách vở, đồ dùng "
        "học tập; Hỗ trợ học phí; Bảo hiểm y tế; Quần áo, cặp sách; Khác. Nguyện vọng khác "
        "ghi cuối cùng sau “Khác:”, ví dụ: Học bổng; Khác: Sửa lại nhà."
    ),
    "note": "Ghi chú thêm cho hội khuyến học (nếu có).",
}

_GENERAL_HELP = (
    "Cách điền danh sách",
    "1. Danh sách ở trang “Danh sách” đã có sẵn học sinh của trường đang có trong hệ thống. "
    "Hãy sửa các thông tin đã thay đổi, bổ sung thông tin còn thiếu và thêm học sinh mới ở "
    "các dòng trống phía dưới, không cần nhập lại từ đầu.",
    "2. Mỗi học sinh một dòng. Không đổi tên, thứ tự các cột và không xoá dòng tiêu đề.",
    "3. Mỗi học sinh phải thuộc ít nhất một diện: Khuyết tật, Mồ côi, Hộ nghèo, Hộ cận "
    "nghèo hoặc Hoàn cảnh khác.",
    "4. Đánh dấu: ở các cột Hộ nghèo và Hộ cận nghèo ghi chữ x (để trống nếu không). Các "
    "cột Giới tính, Dân tộc, Khuyết tật, Mức độ khuyết tật, Mồ côi có danh sách thả xuống: "
    "bấm vào ô rồi chọn.",
    "5. Ngày sinh ghi ngày/tháng/năm (05/09/2012); nếu không rõ ngày thì chỉ ghi năm (2012).",
    "6. Số định danh cá nhân và số điện thoại giữ nguyên số 0 ở đầu.",
    "7. Học sinh đã chuyển trường, tốt nghiệp hoặc thôi học: có thể xoá dòng của em đó hoặc "
    "ghi rõ ở cột Ghi chú. Học sinh không có trong tệp gửi lên KHÔNG bị xoá khỏi hệ thống: "
    "hệ thống liệt kê các em để hội khuyến học huyện xem xét và quyết định (chuyển trường, "
    "tốt nghiệp, thôi học).",
    "8. Gửi danh sách: đăng nhập hệ thống, vào mục Thu thập danh sách của đợt đang mở, chọn "
    "“Tải tệp lên” và chọn tệp này (.xlsx; cũng nhận .xls, .ods, .csv). Hệ thống kiểm tra "
    "từng dòng và báo lỗi kèm số dòng, cột và cách sửa; sửa xong tải lên lại. Khi không "
    "còn lỗi, bấm Xác nhận để gửi hội khuyến học huyện duyệt.",
    "9. Thông tin của học sinh (dân tộc, khuyết tật, hoàn cảnh) là dữ liệu cá nhân nhạy "
    "cảm: chỉ dùng cho công tác khuyến học, không chia sẻ tệp cho người không có trách nhiệm.",
)


def _instructions_write(wb) -> None:
    ws = wb.create_sheet(SHEET_HELP)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    written = 0

    def append(cells: list, *, merge: bool = False) -> None:
        nonlocal written
        written += 1
        if merge:
            ws.merged_cells.add(f"A{written}:B{written}")
        ws.append(cells)

    def text_cell(text: str, *, bold=False, size=11, border=False):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = _font(bold=bold, size=size)
        cell.alignment = wrap
        if border:
            cell.border = _BORDER
        return cell

    append(
        [
            text_cell(
                "HƯỚNG DẪN ĐIỀN DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN",
                bold=True,
                size=13,
            )
        ],
        merge=True,
    )
    append([])
    heading, *steps = _GENERAL_HELP
    append([text_cell(heading, bold=True)])
    for step in steps:
        ws.row_dimensions[written + 1].height = 15 * (1 + len(step) // 120)
        append([text_cell(step)], merge=True)
    append([])
    append([text_cell("Ý nghĩa từng cột", bold=True)])
    append(
        [text_cell("Cột", bold=True, border=True), text_cell("Cách ghi", bold=True, border=True)]
    )
    for index, column in enumerate(CANONICAL, 1):
        append(
            [
                text_cell(f"{get_column_letter(index)}. {column.header}", bold=True, border=True),
                text_cell(COLUMN_HELP.get(column.key, ""), border=True),
            ]
        )
