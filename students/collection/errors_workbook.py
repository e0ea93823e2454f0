"""The school's file handed back with every problem marked: error cells in red and
warnings in yellow, each with a comment saying what is wrong and what to do, and a
last column summing up the row. The school fixes it in Excel and uploads it again.
Its own text goes back as text: a cell typed "=1+1" stays inert (khuyenhoc/spreadsheet.py)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from khuyenhoc.spreadsheet import xlsx_inert
from students.collection.files import file_check, sheet_read
from students.models import Submission

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
_LETTERS = re.compile(r"^([A-Z]{1,3}) \(")


def _column_index(column: str) -> int | None:
    m = _LETTERS.match(column or "")
    if not m:
        return None
    index = 0
    for ch in m.group(1):
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def errors_workbook_write(*, submission: Submission, path: Path) -> Path:
    source = Path(submission.file.path)
    with source.open("rb") as fh:
        kind = file_check(
            name=submission.original_name, head=fh.read(8), size=source.stat().st_size, path=source
        )
    sheet = sheet_read(path=source, kind=kind)

    marks: dict[int, dict[int | None, list[tuple[str, bool]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for errors, warnings in submission.rows.exclude(errors=[], warnings=[]).values_list(
        "errors", "warnings"
    ):
        for issues, is_error in ((errors, True), (warnings, False)):
            for issue in issues:
                text = f"{issue['message']} {issue.get('fix', '')}".strip()
                marks[issue["row"]][_column_index(issue["column"])].append((text, is_error))

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet.name[:31] or "Danh sách")
    width = max((len(r) for r in sheet.rows), default=0)
    for offset, row in enumerate(sheet.rows):
        number = sheet.first_row + offset
        row_marks = marks.get(number, {})
        cells = []
        for col in range(width):
            value = row[col] if col < len(row) else None
            cell = xlsx_inert(WriteOnlyCell(ws, value=None if value == "" else value))
            issues = row_marks.get(col) or (row_marks.get(None) if col == 0 else None)
            if issues:
                cell.fill = ERROR_FILL if any(e for _t, e in issues) else WARNING_FILL
                cell.comment = Comment("\n".join(t for t, _e in issues), "Hội Khuyến học")
            cells.append(cell)
        if row_marks:
            summary = xlsx_inert(
                WriteOnlyCell(
                    ws, value="; ".join(t for issues in row_marks.values() for t, _e in issues)
                )
            )
            summary.font = Font(color="9C0006")
            cells.append(summary)
        ws.append(cells)
    workbook.save(path)
    return path
