"""The round's schools that have not sent their list, as .xlsx, for the district to
call them: name, district, commune, phone, state, last upload."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from khuyenhoc.spreadsheet import xlsx_cell

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


def not_submitted_write(*, collection_round, items, path: Path) -> int:
    """Write the progress items (selectors.round_progress) to `path`; returns their
    number."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Chưa gửi")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    bold = Font(bold=True)
    # Names and phones are text as someone typed them: formula-like ones stay inert.
    title = WriteOnlyCell(ws, value=f"CÁC TRƯỜNG CHƯA GỬI DANH SÁCH — {collection_round.name}")
    title.font = bold
    ws.append([title])
    ws.append(
        [
            xlsx_cell(
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
                xlsx_cell(ws, school.name),
                xlsx_cell(ws, school.moet_code),
                xlsx_cell(ws, item.district.name if item.district else ""),
                xlsx_cell(ws, school.commune.name),
                xlsx_cell(ws, school.phone),
                xlsx_cell(ws, str(item.state_label)),
                xlsx_cell(ws, uploaded),
            ]
        )
    wb.save(path)
    return len(items)
