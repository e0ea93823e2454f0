"""Hostile and broken files end in FileRejected with a Vietnamese message that says
what to do, never in a crash of the worker (corpus/files/hostile_*, and variants made
here from the corpus)."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from students.collection.files import FileRejected
from students.collection.parse import file_parse
from students.collection.rows import RowContext

CORPUS = Path(__file__).resolve().parent / "corpus" / "files"
# Rejections happen before any row is checked: no database needed.
CONTEXT = RowContext(today=dt.date(2025, 11, 1), ethnicities={"kinh": 1}, communes={})
WHAT_TO_DO = ("Hãy", "hãy", "Trong Excel", "chia")


def _rejected(path: Path, name: str | None = None) -> str:
    with pytest.raises(FileRejected) as caught:
        file_parse(path=path, name=name or path.name, context=CONTEXT)
    message = str(caught.value)
    assert any(words in message for words in WHAT_TO_DO), message
    return message


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("hostile_zip_bomb.xlsx", "nén bất thường"),
        ("hostile_text.xlsx", "không khớp với đuôi .xlsx"),
        ("hostile_renamed.xls", "không khớp với đuôi .xls"),
        ("hostile_truncated.xlsx", "không khớp với đuôi .xlsx"),
        ("hostile_empty.xlsx", "rỗng"),
        ("hostile_empty.csv", "rỗng"),
        ("hostile_program.csv", "không khớp với đuôi .csv"),
        ("hostile_cp1258.csv", "UTF-8"),
        ("hostile_cp1252.csv", "UTF-8"),
        ("hostile_no_header.xlsx", "Không tìm thấy dòng tiêu đề"),
        ("hostile_no_header.ods", "Không tìm thấy dòng tiêu đề"),
        ("hostile_no_header.csv", "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_it_rejects_the_corpus_file(name, says):
    assert says in _rejected(CORPUS / name)


@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods", "csv"])
def test_it_rejects_a_file_with_more_rows_than_the_limit(ext):
    with override_settings(IMPORT_MAX_ROWS=3):
        message = _rejected(CORPUS / f"title_block.{ext}")
    assert "hơn 3 dòng" in message


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_it_still_reads_a_file_at_the_row_limit_with_phantom_rows(ext):
    """Thousands of phantom rows after the list do not count against the limit."""
    with override_settings(IMPORT_MAX_ROWS=5):
        result = file_parse(path=CORPUS / f"phantom_rows.{ext}", name=f"p.{ext}", context=CONTEXT)
    assert len(result.rows) == 5


def test_it_rejects_a_file_over_the_size_limit():
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=1000):
        assert "vượt giới hạn" in _rejected(CORPUS / "title_block.xlsx")


@pytest.mark.parametrize("name", ["danh_sach.pdf", "danh_sach.docx", "danh_sach", "ds.xlsm"])
def test_it_rejects_a_file_that_is_not_a_spreadsheet(name):
    assert "không phải bảng tính" in _rejected(CORPUS / "title_block.xlsx", name=name)


def test_it_rejects_an_ods_named_xlsx(tmp_path):
    path = tmp_path / "ds.xlsx"
    shutil.copy(CORPUS / "title_block.ods", path)
    assert "không khớp" in _rejected(path)


def test_it_rejects_an_xlsx_named_ods(tmp_path):
    path = tmp_path / "ds.ods"
    shutil.copy(CORPUS / "title_block.xlsx", path)
    assert "không khớp" in _rejected(path)


def test_it_rejects_a_csv_saved_as_utf16(tmp_path):
    """Excel's "Unicode Text" is UTF-16: NUL bytes everywhere."""
    path = tmp_path / "ds.csv"
    path.write_bytes("Họ và tên\tNgày sinh\r\nNguyễn Văn An\t05/09/2012\r\n".encode("utf-16"))
    assert "không khớp" in _rejected(path)


def _xlsx_with_sheet(tmp_path: Path, sheet_xml: bytes) -> Path:
    path = tmp_path / "ds.xlsx"
    with (
        zipfile.ZipFile(CORPUS / "title_block.xlsx") as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            dst.writestr(info, data)
    return path


def test_it_rejects_an_xlsx_whose_sheet_is_not_xml(tmp_path):
    path = _xlsx_with_sheet(tmp_path, b"\x00\x01 this is not xml <<<")
    assert "Không đọc được tệp" in _rejected(path)


def test_it_does_not_expand_xml_entities(tmp_path):
    """A "billion laughs" sheet: entities are not expanded, the file is refused or read
    as it stands, and the worker neither hangs nor runs out of memory."""
    lol = b'<!ENTITY lol "lollollollollollollollollollol">'
    for level in range(1, 9):
        prev = b"lol" if level == 1 else f"lol{level - 1}".encode()
        lol += f'<!ENTITY lol{level} "'.encode() + (b"&" + prev + b";") * 10 + b'">'
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [' + lol + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    path = _xlsx_with_sheet(tmp_path, xml)
    try:
        result = file_parse(path=path, name=path.name, context=CONTEXT)
    except FileRejected as exc:
        assert any(words in str(exc) for words in WHAT_TO_DO)
    else:
        assert result.rows == []


def test_it_rejects_a_zip_with_too_many_entries(tmp_path):
    path = tmp_path / "ds.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for i in range(10_001):
            zf.writestr(f"x/{i}", "")
    assert "nén bất thường" in _rejected(path)
