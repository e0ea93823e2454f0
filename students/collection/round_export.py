"""The round's schools that have not sent their list, as .xlsx, for the district to
call them: name, district, commune, phone, state, last upload."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

HEADERS = [
    "STT",
    "Trường",
    "Mã trường",
    "Huyện",
    "Xã/Phường",
    "Điện thoại",
    "Trạng thái",
    "Tải lên lần cuối",
]
WIDTHS = [6, 40, 12, 24, 24, 16, 20, 18]


def _text(ws, value) -> WriteOnlyCell:
    """A cell that is always text: a value typed as "=..." (a school's name or phone
    as someone entered it) stays words, never a formula."""
    cell = WriteOnlyCell(ws, value=str(value))
    cell.data_type = "s"
    return cell


def not_submitted_write(*, collection_round, items, path: Path) -> int:
    """Write the progress items (selectors.round_progress) to `path`; returns their
    number."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Chưa gửi")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    bold = Font(bold=True)
    title = WriteOnlyCell(ws, value=f"CÁC TRƯỜNG CHƯA GỬI DANH SÁCH — {collection_round.name}")
    title.font = bold
    title.data_type = "s"
    ws.append([title])
    ws.append(
        [
            _text(
                ws,
                f"Năm học {collection_round.school_year_display}, hạn nộp "
                f"{collection_round.deadline:%d/%m/%Y}; lập lúc "
                f"{timezone.localtime():%H:%M %d/%m/%Y}",
            )
        ]
    )
    header = []
    for label in HEADERS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for number, item in enumerate(items, start=1):
        school = item.school
        uploaded = (
            timezone.localtime(item.uploaded_at).strftime("%d/%m/%Y %H:%M")
            if item.uploaded_at
            else ""
        )
        ws.append(
            [
                number,
                _text(ws, school.name),
                _text(ws, school.moet_code),
                _text(ws, item.district.name if item.district else ""),
                _text(ws, school.commune.name),
                _text(ws, school.phone),
                _text(ws, item.state_label),
                _text(ws, uploaded),
            ]
        )
    wb.save(path)
    return len(items)
