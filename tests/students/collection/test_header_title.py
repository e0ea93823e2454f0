"""A title line directly above a one-row header is a title, not the top row of a
two-row header: the columns keep their own names ("F (Sở thích)", not
"F (DANH SÁCH HỌC SINH ... / Sở thích)")."""

from __future__ import annotations

import openpyxl
import pytest

from students.collection.header import header_find
from students.collection.parse import file_parse

pytestmark = pytest.mark.django_db

TITLE = "DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN NĂM HỌC 2025-2026"
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Sở thích", "Lớp"]
HEADER += ["Hộ nghèo", "Số định danh cá nhân"]
STUDENT = [1, "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "bóng đá", "7A", "x"]
STUDENT += ["045212000123"]


def _workbook(tmp_path, title_rows, *, merge_title: bool):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in title_rows:
        ws.append(row)
    if merge_title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    ws.append(STUDENT)
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("merge_title", [True, False], ids=["merged", "one-cell"])
def test_it_does_not_take_a_title_for_the_top_row_of_the_header(
    tmp_path, corpus_context, merge_title
):
    path = _workbook(tmp_path, [[TITLE]], merge_title=merge_title)
    result = file_parse(path=path, name=path.name, context=corpus_context)
    assert result.file_errors == []
    assert result.unknown_columns == ["F (Sở thích)"]
    header = result.header
    assert header.data_start == 2
    assert header.labels[8] == "Số định danh cá nhân"
    assert header.label("personal_id") == "Số định danh cá nhân"
    assert header.columns["personal_id"] == 8 and header.columns["full_name"] == 1
    (row,) = result.rows
    assert row.values["full_name"] == "Nguyễn Văn An"
    assert row.values["personal_id"] == "045212000123"


def test_it_does_not_take_two_title_lines_for_a_top_row():
    """A title and the school year side by side, directly above the header."""
    rows = [
        ["DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN", "", "", "", "", "Năm học 2025-2026"],
        HEADER,
        STUDENT,
    ]
    header = header_find(rows)
    assert header.unknown == [(5, "Sở thích")]
    assert header.labels[1] == "Họ và tên"


def test_it_still_reads_a_two_row_header_under_a_title(tmp_path, corpus_context):
    """The title sits directly above a real two-row header: the top row of labels is
    still read as the header's top row, the title is not."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells("A1:H1")
    ws.append(["STT", "Họ và tên", "Lớp", "Đối tượng", "", "", "Phụ huynh", ""])
    ws.append(["", "", "", "Khuyết tật", "Mồ côi", "Hộ nghèo", "Họ tên", "SĐT"])
    ws.merge_cells("D2:F2")
    ws.merge_cells("G2:H2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:C3")
    ws.append([1, "Nguyễn Văn An", "7A", "x", "", "", "Lê Thị Hoa", "0912345678"])
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    result = file_parse(path=path, name=path.name, context=corpus_context)
    header = result.header
    assert result.unknown_columns == []
    assert header.data_start == 3
    assert header.columns["guardian_name"] == 6 and header.columns["full_name"] == 1
    assert header.labels[6] == "Phụ huynh / Họ tên"
    assert not any("DANH SÁCH" in label for label in header.labels.values())
