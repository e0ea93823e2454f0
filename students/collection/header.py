"""Finding the header of a school's list and naming its columns.

A list usually has a title block above the header, sometimes a two-row header with
merged cells, sometimes a row of column numbers ("(1) (2) (3)") below it. Every column
the header names is mapped; the ones it does not recognise are reported, never dropped
silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from khuyenhoc.text import clean_text, has_control, search_key
from students.collection.columns import HEADER_OF, column_for, header_score

_MAX_HEADER_SCAN = 40
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
# Longer than this, a cell above the header reads as a title, not a column group.
_LABEL_MAX = 50


@dataclass
class HeaderMap:
    data_start: int  # index in rows of the first data row
    columns: dict[str, int]  # column key -> index
    labels: dict[int, str]  # index -> the header as written in the file
    unknown: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    start: int = 0  # index in rows of the header's first row: the title block is above

    def label(self, key: str) -> str:
        index = self.columns.get(key)
        return (
            self.labels.get(index, HEADER_OF.get(key, key))
            if index is not None
            else HEADER_OF.get(key, key)
        )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    # A NUL in a header cell would reach the submission's JSON, which PostgreSQL refuses.
    return clean_text(text) if has_control(text) else text.strip()


def _carried(top: list[str], sub: list[str], merged_cols: dict[int, int]) -> list[str]:
    """The top header over every column: a merged cell covers all its columns; without
    merge information, a top cell also covers the empty top cells to its right that
    have a sub-header (how a merged cell reads back from .xls, .ods and .csv)."""
    width = max(len(top), len(sub))
    top = top + [""] * (width - len(top))
    out = list(top)
    for col, first in merged_cols.items():
        if col < width:
            out[col] = top[first]
    last = ""
    for col in range(width):
        if top[col]:
            last = top[col]
        elif col in merged_cols:
            last = out[col]
        elif col < len(sub) and sub[col] and last:
            out[col] = last
        else:
            last = ""
    return out


def _merged_columns(merged, row_index: int, first_row_offset: int) -> dict[int, int]:
    cols: dict[int, int] = {}
    for (r1, c1), (r2, c2) in merged or []:
        r1 -= first_row_offset
        r2 -= first_row_offset
        if r1 <= row_index <= r2 and c2 > c1:
            for c in range(c1, c2 + 1):
                cols[c] = c1
    return cols


def is_numbering_row(row: list) -> bool:
    """A row of column numbers: "(1) (2) (3) ..." or 1 2 3 ..."""
    cells = [_cell_text(c) for c in row if _cell_text(c)]
    return len(cells) >= 3 and all(_NUMBERING.match(c) for c in cells)


def header_find(rows: list[list], *, merged=None, first_row: int = 1) -> HeaderMap | None:
    """Locate the header and map its columns, or None when no row looks like one."""
    best_index, best_score = -1, 1
    for i, row in enumerate(rows[:_MAX_HEADER_SCAN]):
        score = header_score(row)
        if score > best_score and _names_columns(row, score):
            best_index, best_score = i, score
    if best_index < 0:
        return None
    offset = first_row - 1
    main = [_cell_text(c) for c in rows[best_index]]

    # Is the next row a sub-header (main row on top), or the row above a group row?
    below = [_cell_text(c) for c in rows[best_index + 1]] if best_index + 1 < len(rows) else []
    above = [_cell_text(c) for c in rows[best_index - 1]] if best_index > 0 else []
    candidates = []
    if below and _looks_like_sub(main, below, _merged_columns(merged, best_index, offset)):
        candidates.append(
            (main, below, best_index + 2, _merged_columns(merged, best_index, offset))
        )
    if _labels_row(above) and _looks_like_sub(
        above, main, _merged_columns(merged, best_index - 1, offset)
    ):
        candidates.append(
            (above, main, best_index + 1, _merged_columns(merged, best_index - 1, offset))
        )
    if candidates:
        top, sub, data_start, merged_cols = max(candidates, key=lambda c: _mapped_count(*c))
        start = data_start - 2
        pairs = list(
            zip(_carried(top, sub, merged_cols), sub + [""] * (len(top) - len(sub)), strict=False)
        )
    else:
        pairs = [("", cell) for cell in main]
        data_start = best_index + 1
        start = best_index

    if data_start < len(rows) and is_numbering_row(rows[data_start]):
        data_start += 1

    header = HeaderMap(data_start=data_start, columns={}, labels={}, start=start)
    for index, (top, sub) in enumerate(pairs):
        if not top and not sub:
            continue
        label = f"{top} / {sub}" if top and sub and top != sub else (sub or top)
        header.labels[index] = label
        key = column_for(top, sub)
        if key is None:
            header.unknown.append((index, label))
        elif key in header.columns:
            header.duplicates.append((index, label))
        else:
            header.columns[key] = index
    return header


def _names_columns(row: list, score: int) -> bool:
    """A header names a few columns, one of them the student's name. A data row can
    hold a couple of words that are also headers ("Nữ", "Mồ côi cha"), but not a
    header for the name column next to them; a lower row of a two-row header names
    many columns ("Nam | Nữ | Khuyết tật | Mồ côi ...") without it."""
    if score >= 4:
        return True
    return any(
        isinstance(cell, str) and column_for("", cell) == "full_name" for cell in row if cell
    )


def _labels_row(row: list[str]) -> bool:
    """Could this row be the top row of a two-row header? Its filled cells are mostly
    short labels ("Đối tượng", "Phụ huynh"). A title line directly above a one-row
    header is not: one cell, often merged across the whole table ("DANH SÁCH HỌC SINH
    ..."), or a few long lines; taking it for a top header would prefix every column
    with the title."""
    filled = [cell for cell in row if cell]
    if len(filled) < 2:
        return False
    short = sum(1 for cell in filled if len(cell) <= _LABEL_MAX and cell.count(" ") < 8)
    return 2 * short > len(filled)


def _looks_like_sub(top: list[str], sub: list[str], merged_cols: dict[int, int]) -> bool:
    """A sub-header row maps cells under a top header that spans or groups them, and
    has no person's name in it (a data row would)."""
    carried = _carried(top, sub, merged_cols)
    gains = 0
    for col, sub_cell in enumerate(sub):
        if not sub_cell:
            continue
        top_cell = carried[col] if col < len(carried) else ""
        if not top_cell:
            continue
        if column_for(top_cell, sub_cell) is not None and (
            column_for("", top_cell) is None
            or column_for(top_cell, sub_cell) != column_for("", top_cell)
        ):
            gains += 1
    if gains == 0:
        return False
    name_col = next((i for i, c in enumerate(top) if column_for("", c) == "full_name"), None)
    return not (name_col is not None and name_col < len(sub) and sub[name_col])


def _mapped_count(top, sub, _start, merged_cols) -> int:
    carried = _carried(top, sub, merged_cols)
    padded = sub + [""] * (len(carried) - len(sub))
    return sum(1 for t, s in zip(carried, padded, strict=False) if column_for(t, s))


@dataclass
class Title:
    """What the title block above the header says: the school year (its first year, or
    the one year a line names) and the school, each with its spreadsheet row."""

    year: int | None = None
    year_row: int = 0
    school: str = ""  # the school's name as the title writes it: "THCS GIO LINH"
    school_row: int = 0
    school_line: str = ""  # the whole line: "TRƯỜNG THCS GIO LINH"


_TITLE_ROWS = 12
_SCHOOL_YEAR = re.compile(r"\bnam hoc\s*:?\s*((?:19|20)\d{2})\b")
_ANY_YEAR = re.compile(r"\bnam\s*:?\s*((?:19|20)\d{2})\b")
# "Trường" as a word, not "Hiệu trưởng" (the key of both is "truong", so the raw text is
# read) nor "trường học"; the school's name runs to a comma, a dash, a bracket, the school
# year or the district.
_SCHOOL = re.compile(r"(?<!\w)trường\s*:?\s+(?!học\b)(.+)")
_SCHOOL_END = re.compile(
    r"\s*(?:[,;(\u2013]|\s-\s|\bnăm học\b|\bhuyện\b|\bthị xã\b|\bthành phố\b|\btỉnh\b).*$"
)


# A school's name starts with its level ("THCS Gio Mỹ", "Tiểu học số 1 ..."); "các
# trường trên địa bàn huyện" names none.
_LEVEL = re.compile(
    r"(?:mam non|mn|tieu hoc|th|thcs|thpt|trung hoc|pho thong|pt|ptdt\w*|ptcs|lien cap|"
    r"gdtx|ttgdtx|ttgdnn[\w-]*|th ?& ?thcs|thcs ?& ?thpt|th va thcs|thcs va thpt)\b"
)


def title_read(rows: list[list], *, first_row: int = 1) -> Title:
    """Read the school year and the school's name from the lines above the header."""
    title = Title()
    any_year: tuple[int, int] | None = None
    for i, row in enumerate(rows[:_TITLE_ROWS]):
        for cell in row:
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = clean_text(cell)
            key = search_key(text)
            if title.year is None and (found := _SCHOOL_YEAR.search(key)):
                title.year, title.year_row = int(found.group(1)), first_row + i
            elif any_year is None and (found := _ANY_YEAR.search(key)):
                any_year = (int(found.group(1)), first_row + i)
            if not title.school and (found := _SCHOOL.search(text.lower())):
                name = _SCHOOL_END.sub("", found.group(1)).strip(" .:")
                if _LEVEL.match(search_key(name)):
                    # As written, from the cell: "TRƯỜNG THCS GIO LINH".
                    start = found.start(1)
                    title.school = text[start : start + len(name)]
                    title.school_row = first_row + i
                    title.school_line = text if len(text) <= 80 else text[:77] + "..."
    if title.year is None and any_year is not None:
        title.year, title.year_row = any_year
    return title


_SCHOOL_WORDS = tuple(
    (re.compile(rf"\b{words}\b"), short)
    for words, short in (
        ("pho thong dan toc ban tru", "ptdtbt"),
        ("pho thong dan toc noi tru", "ptdtnt"),
        ("trung hoc co so", "thcs"),
        ("trung hoc pho thong", "thpt"),
        ("tieu hoc", "th"),
        ("truong", ""),
        ("va", ""),
    )
)


def school_key(name: str) -> str:
    """A school's name reduced to compare a title with the registry: "Trường Trung học
    cơ sở Gio Mỹ" and "THCS GIO MỸ" both give "thcsgiomy"."""
    key = search_key(name)
    for words, short in _SCHOOL_WORDS:
        key = words.sub(short, key)
    return re.sub(r"[^a-z0-9]+", "", key)


def title_names_another_school(title: Title, school_name: str) -> bool:
    """Does the title name a school, and not this one? Either name may be the shorter
    ("Gio Mỹ" for "Trường THCS Gio Mỹ")."""
    if not title.school or not school_name:
        return False
    written, ours = school_key(title.school), school_key(school_name)
    return bool(written and ours) and written not in ours and ours not in written
