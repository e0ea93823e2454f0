"""Every kind of messy school list, in every format a school sends, reads as the
registry should hold it (corpus/expected.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from students.collection.parse import file_parse
from tests.students.collection.conftest import COMMUNE_NAME_OF_ID
from tests.students.collection.corpus.expected import FILES, FORMATS

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent / "corpus" / "files"
CASES = [pytest.param(kind, ext, id=f"{kind}.{ext}") for kind in FILES for ext in FORMATS]


def _actual(row, ethnicity_code_of: dict[int, str], expected: dict) -> dict:
    v = row.values
    circumstances = [
        {k: c.get(k) for k in want}
        for c, want in zip(row.circumstances, expected["circumstances"], strict=False)
    ]
    guardian = row.guardian
    if guardian is not None and expected["guardian"] is not None:
        guardian = {k: guardian.get(k) for k in expected["guardian"]}
    return {
        "full_name": v["full_name"],
        "birth_date": v["birth_date"],
        "birth_year": v["birth_year"],
        "gender": v["gender"],
        "ethnicity": ethnicity_code_of.get(v["ethnicity_id"]),
        "personal_id": v["personal_id"],
        "class_name": v["class_name"],
        "grade": v["grade"],
        "village": v["village"],
        "commune": COMMUNE_NAME_OF_ID.get(v["commune_id"]),
        "circumstances": circumstances
        + [{"extra": c} for c in row.circumstances[len(expected["circumstances"]) :]],
        "guardian": guardian,
        "warnings": len(row.warnings),
    }


def test_it_has_every_file_of_the_corpus():
    missing = [f"{k}.{e}" for k in FILES for e in FORMATS if not (CORPUS / f"{k}.{e}").exists()]
    assert missing == []


@pytest.mark.parametrize(("kind", "ext"), CASES)
def test_it_reads_the_file_as_expected(kind, ext, corpus_context, ethnicity_code_of):
    expected = FILES[kind]
    path = CORPUS / f"{kind}.{ext}"

    result = file_parse(path=path, name=path.name, context=corpus_context)

    assert result.file_errors == []
    assert result.unknown_columns == expected.unknown_columns
    assert [r.row for r in result.rows] == list(
        range(expected.first_row, expected.first_row + len(expected.rows))
    )
    for row, want in zip(result.rows, expected.rows, strict=True):
        assert [(e.column, e.message) for e in row.errors] == [], want["full_name"]
        assert _actual(row, ethnicity_code_of, want) == want


@pytest.mark.parametrize(("kind", "ext"), CASES)
def test_it_keeps_names_clean(kind, ext, corpus_context):
    """NFC, single spaces, no space at either end, whatever the file held."""
    import unicodedata

    path = CORPUS / f"{kind}.{ext}"
    result = file_parse(path=path, name=path.name, context=corpus_context)
    for row in result.rows:
        for text in (row.values["full_name"], (row.guardian or {}).get("full_name", "")):
            assert text == unicodedata.normalize("NFC", text)
            assert text == text.strip()
            assert "  " not in text


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_it_reads_a_csv_with_excels_sep_line(delimiter, tmp_path, corpus_context):
    """Excel writes "sep=;" as the first line of some CSVs: a hint, not data."""
    path = tmp_path / "ds.csv"
    lines = [
        f"sep={delimiter}",
        delimiter.join(
            ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Hộ nghèo", "Năm"]
        ),
        delimiter.join(["1", "Trần Thị Đào", "12/03/2013", "Nữ", "Kinh", "6B", "x", "2025"]),
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    result = file_parse(path=path, name=path.name, context=corpus_context)
    (row,) = result.rows
    assert row.row == 3
    assert row.is_valid, row.errors
    assert row.values["full_name"] == "Trần Thị Đào"


def test_it_skips_the_header_repeated_inside_the_list(tmp_path, corpus_context):
    """Lists pasted together class by class keep each one's header and numbers."""
    header = "STT,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Lớp,Hộ nghèo,Năm xác nhận"
    numbers = ",".join(f"({i})" for i in range(1, 9))
    lines = [
        header,
        numbers,
        "1,Trần Thị Đào,12/03/2013,Nữ,Kinh,6B,x,2025",
        "",
        "HỌ VÀ TÊN,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Lớp,Hộ nghèo,Năm xác nhận",
        header,
        numbers,
        "1,Hồ Văn Hải,01/02/2012,Nam,Vân Kiều,7A,x,2025",
    ]
    path = tmp_path / "ds.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = file_parse(path=path, name=path.name, context=corpus_context)
    assert [(r.row, r.values["full_name"], r.is_valid) for r in result.rows] == [
        (3, "Trần Thị Đào", True),
        (8, "Hồ Văn Hải", True),
    ]
