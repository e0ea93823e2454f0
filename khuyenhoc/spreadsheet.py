"""Cells of the spreadsheets the application writes, made inert.

Excel and LibreOffice may evaluate text that begins with =, +, -, @, a tab or a
carriage return as a formula: a student's name typed as `=1+1`, or worse
`=HYPERLINK(...)`, would run on the computer of whoever opens the list. Every writer
of the application goes through this module (tests/students/test_inert_cells.py):

- in .xlsx such text is written as a string cell with Excel's "quote prefix" (the
  apostrophe a person types before `=`): the cell holds exactly the text, shows it, and
  stays text when someone edits it;
- in CSV, which has no types, it gets an apostrophe in front, and `csv_read` takes it
  off again, so that a phone "+84 912 345 678" or an amount "-50000" reads back as it
  was through our own importers.

Numbers, dates and other non-text values are never touched.
"""

from __future__ import annotations

from copy import copy

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def is_formula_like(value) -> bool:
    """True for text a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A value for a CSV cell: formula-like text gets an apostrophe in front."""
    return _QUOTE + value if is_formula_like(value) else value


def csv_read(value):
    """The inverse of csv_cell: text that csv_cell quoted loses its apostrophe (only
    when a formula-like character follows it, so "'Ka" stays as written)."""
    if isinstance(value, str) and value.startswith(_QUOTE) and is_formula_like(value[1:]):
        return value[1:]
    return value


def xlsx_cell(ws, value):
    """`value` for a row of a write-only sheet `ws`: formula-like text as an inert
    string cell, anything else as it is (a plain value costs nothing more to write)."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(ws, value=value)
    return xlsx_inert(cell)


def xlsx_inert(cell):
    """Make an openpyxl cell holding formula-like text an inert string: openpyxl itself
    types any text beginning with "=" as a formula. Returns the cell."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        # Cells often share one style object (a prototype's): change a copy of it.
        cell._style = copy(cell._style)
        cell.quotePrefix = True
    return cell
