"""Formula-like text made inert for spreadsheets, and read back as it was."""

import pytest
from openpyxl import Workbook, load_workbook

from khuyenhoc.spreadsheet import csv_cell, csv_read, is_formula_like, xlsx_cell


@pytest.mark.parametrize("text", ["=1+1", "+84912345678", "-50000", "@SUM(A1)", "\t=1", "\r=1"])
def test_it_quotes_formula_like_text_in_csv_and_reads_it_back(text):
    assert is_formula_like(text)
    assert csv_cell(text) == "'" + text
    assert csv_read(csv_cell(text)) == text


@pytest.mark.parametrize("value", ["Nguyễn Văn An", "'Ka", "", None, -50000, 1.5, "0912345678"])
def test_it_leaves_other_values_alone(value):
    assert csv_cell(value) == value
    assert csv_read(value) == value


def test_it_writes_formula_like_text_as_an_inert_xlsx_string(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("a")
    ws.append([xlsx_cell(ws, v) for v in ("=1+1", "+84912345678", "-5", "An", -5)])
    wb.save(tmp_path / "a.xlsx")
    row = next(load_workbook(tmp_path / "a.xlsx")["a"].iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        ("=1+1", "s"),
        ("+84912345678", "s"),
        ("-5", "s"),
        ("An", "s"),
        (-5, "n"),
    ]
    assert [c.quotePrefix for c in row] == [True, True, True, False, False]
