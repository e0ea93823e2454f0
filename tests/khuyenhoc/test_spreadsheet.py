"""Formula-like text made inert for spreadsheets, and read back as it was."""

import re

import pytest
from django.conf import settings
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


# Writing a workbook or a CSV: openpyxl's Workbook, the csv module's writers, or
# django-import-export's export formats.
_WRITES = re.compile(r"\bWorkbook\(|csv\.(?:Dict)?[wW]riter\(|def export_data\(")


def test_it_is_used_by_every_module_that_writes_a_spreadsheet():
    """Reports to come included: a module that writes a workbook or a CSV goes through
    khuyenhoc/spreadsheet.py."""
    writers = []
    for app in ("khuyenhoc", "students", "sponsors", "allocations", "reports"):
        for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "migrations" not in path.parts and _WRITES.search(text):
                writers.append(path.relative_to(settings.BASE_DIR).as_posix())
                assert "khuyenhoc.spreadsheet import" in text, path
    assert "students/collection/workbook.py" in writers
    assert "khuyenhoc/admin_import_export.py" in writers
