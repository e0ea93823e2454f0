"""Hostile or oversized cells in an otherwise good list: each gets its row, its column
and what to do, never a crash and never a silent cut (NUL in a CSV, "_x0000_" in an
xlsx cell, markup, digits and invisible characters in names, cells longer than their
field)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from students.collection.parse import file_parse
from students.collection.services import submission_create
from students.collection.staging import submission_stage
from students.models import SubmissionRow

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Thôn/Khối phố"]
HEADER += ["Địa chỉ", "Hộ nghèo", "Năm xác nhận", "Họ tên phụ huynh", "Nghề nghiệp"]
GOOD = [1, "Lê Văn Tám", "05/09/2012", "Nam", "Kinh", "7A", "Thôn 2", "", "x", 2025]
GOOD += ["Lê Văn Ba", "Làm nông"]
COL = {h.replace("/", " "): i for i, h in enumerate(HEADER)}


def _row(**cells) -> list:
    row = list(GOOD)
    for header, value in cells.items():
        row[COL[header.replace("_", " ")]] = value
    return row


def _csv(tmp_path: Path, rows: list[list]) -> Path:
    path = tmp_path / "ds.csv"
    lines = [",".join(str(v) for v in r) for r in [HEADER, *rows]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def _xlsx(tmp_path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [HEADER, *rows]:
        ws.append(r)
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    return path


def _parse(tmp_path, context, rows, writer=_xlsx):
    path = writer(tmp_path, rows)
    result = file_parse(path=path, name=path.name, context=context)
    assert result.file_errors == []
    return result.rows


def _issues(issues) -> list[tuple[str, str]]:
    return [(i.column, i.message) for i in issues]


def test_it_names_the_row_and_column_of_a_nul_in_a_csv(tmp_path, corpus_context):
    rows = _parse(
        tmp_path,
        corpus_context,
        [GOOD, _row(Họ_và_tên="Lê Văn\x00 Tư", Thôn_Khối_phố="Thôn\x003")],
        _csv,
    )
    assert rows[0].is_valid
    bad = rows[1]
    assert bad.row == 3
    assert [c for c, _m in _issues(bad.errors)] == ["B (Họ và tên)", "G (Thôn/Khối phố)"]
    assert all("ký tự điều khiển" in e.message and e.fix for e in bad.errors)
    assert bad.values["full_name"] == "Lê Văn Tư" and bad.values["village"] == "Thôn 3"


def test_it_names_the_row_and_column_of_an_escaped_nul_in_an_xlsx(tmp_path, corpus_context):
    # "_x0000_" is how an xlsx cell holds a NUL; the reader gives it back as "\x00".
    (row,) = _parse(tmp_path, corpus_context, [_row(Họ_tên_phụ_huynh="Lê Văn_x0000_ Ba")])
    assert _issues(row.errors) == [
        ("K (Họ tên phụ huynh)", "Ô có ký tự điều khiển không nhìn thấy (ví dụ NUL): “Lê Văn Ba”.")
    ]
    assert row.guardian["full_name"] == "Lê Văn Ba"


def test_a_nul_is_staged_as_an_error_not_a_crash(tmp_path, world, school_staff_gl):
    path = _csv(tmp_path, [GOOD, _row(STT=2, Họ_và_tên="Lê\x00 Văn Tư", Lớp="7\x00B")])
    submission = submission_stage(
        submission=submission_create(user=school_staff_gl, school=world.school_gl, upload=path)
    )
    assert (submission.rows_total, submission.rows_error) == (2, 1)
    bad = submission.rows.get(action=SubmissionRow.Action.INVALID)
    assert bad.row_number == 3
    assert [e["column"] for e in bad.errors] == ["B (Họ và tên)", "F (Lớp)"]
    assert bad.data["values"]["full_name"] == "Lê Văn Tư"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("<script>alert(1)</script>", "mã HTML"),
        ("Lê Văn Tám 2", "chữ số"),
        ("=1+1", "chữ số"),
        ("עמית", "từ phải sang trái"),
    ],
)
def test_it_refuses_a_name_that_is_no_name(tmp_path, corpus_context, name, says):
    # As text in a CSV: typed into Excel, "=1+1" would be a formula showing 2.
    (row,) = _parse(tmp_path, corpus_context, [_row(Họ_và_tên=name)], _csv)
    ((column, message),) = _issues(row.errors)
    assert column == "B (Họ và tên)" and says in message
    assert "Chỉ ghi họ và tên" in row.errors[0].fix


def test_it_refuses_a_guardian_name_that_is_no_name(tmp_path, corpus_context):
    (row,) = _parse(tmp_path, corpus_context, [_row(Họ_tên_phụ_huynh="Lê Văn Ba 0912345678")])
    assert _issues(row.errors) == [
        ("K (Họ tên phụ huynh)", "Họ tên “Lê Văn Ba 0912345678” có chữ số.")
    ]


def test_it_removes_invisible_characters_from_a_name_with_a_warning(tmp_path, corpus_context):
    written = "Lê\u200b Văn \u202eTám\u202c"
    (row,) = _parse(tmp_path, corpus_context, [_row(Họ_và_tên=written)])
    assert row.is_valid
    assert (row.values["full_name"], row.values["search_key"]) == ("Lê Văn Tám", "le van tam")
    ((column, message),) = _issues(row.warnings)
    assert column == "B (Họ và tên)" and "ký tự ẩn" in message


def test_a_cell_longer_than_its_field_is_an_error(tmp_path, corpus_context):
    long_class = "7A - lớp chọn khối tự nhiên"
    long_name = "Lê Văn " + "Tám" * 40
    (row,) = _parse(tmp_path, corpus_context, [_row(Lớp=long_class, Họ_và_tên=long_name)])
    errors = dict(_issues(row.errors))
    assert "dài 27 ký tự, quá 20 ký tự cho phép" in errors["F (Lớp)"]
    assert "dài 127 ký tự, quá 100 ký tự cho phép" in errors["B (Họ và tên)"]
    assert all(e.fix for e in row.errors)


def test_free_text_longer_than_its_field_is_cut_with_a_warning(tmp_path, corpus_context):
    address = "Thôn 2, xã Gio Mỹ, " + "gần chợ, " * 40
    occupation = "Làm thuê " * 15
    (row,) = _parse(tmp_path, corpus_context, [_row(Địa_chỉ=address, Nghề_nghiệp=occupation)])
    assert row.is_valid
    warnings = dict(_issues(row.warnings))
    assert "chỉ giữ 255 ký tự đầu" in warnings["H (Địa chỉ)"]
    assert "chỉ giữ 100 ký tự đầu" in warnings["L (Nghề nghiệp)"]
    assert len(row.values["address_text"]) == 255
    assert len(row.guardian["occupation"]) == 100


def test_a_nul_in_a_header_cell_does_not_reach_the_column_names(tmp_path, corpus_context):
    path = tmp_path / "ds.csv"
    header = [*HEADER[:-1], "Nghề\x00 nghiệp", "Sở\x00thích"]
    lines = [",".join(str(v) for v in r) for r in [header, [*GOOD, "bóng đá"]]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    result = file_parse(path=path, name=path.name, context=corpus_context)
    assert result.unknown_columns == ["M (Sở thích)"]
    (row,) = result.rows
    assert row.is_valid and row.guardian["occupation"] == "Làm nông"
