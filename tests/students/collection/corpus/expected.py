"""What the parser must read from each corpus file (written by make_corpus.py).

Kept by hand, not derived from the generator: the five students as the registry
should hold them, and per kind of mess what differs (columns the layout does not
have, values it writes differently) and the columns that must be listed as unknown.
Every kind is checked in .xlsx, .xls, .ods and .csv with the same expectations.

A row's `commune` is the name of the commune the context maps it to (None when the
layout has no address), `ethnicity` the GSO code, `circumstances` and `guardian` the
fields compared (a subset of what the parser returns).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

D = dt.date
TODAY = D(2025, 11, 1)
# The communes the test context knows: search key without "xã/phường" -> name.
COMMUNES = {"gio my": "Gio Mỹ", "dong le": "Đông Lễ"}
GRADES = (6, 9)  # a THCS

AN = {
    "full_name": "Nguyễn Văn An",
    "birth_date": D(2012, 9, 5),
    "birth_year": 2012,
    "gender": "male",
    "ethnicity": "01",
    "personal_id": "045212000123",
    "class_name": "7A",
    "grade": 7,
    "village": "Thôn 2",
    "commune": "Gio Mỹ",
    "circumstances": [
        {"kind": "disability", "disability_type": "mobility", "disability_level": "severe"}
    ],
    "guardian": {"full_name": "Nguyễn Văn Bình", "relation": "father", "phone": "0912345678"},
    "warnings": 0,
}
DAO = {
    "full_name": "Trần Thị Đào",
    "birth_date": D(2013, 3, 12),
    "birth_year": 2013,
    "gender": "female",
    "ethnicity": "23",  # written "Vân Kiều": Bru - Vân Kiều
    "personal_id": None,
    "class_name": "6B",
    "grade": 6,
    "village": "Thôn Hà Thanh",
    "commune": "Gio Mỹ",
    "circumstances": [{"kind": "poor", "household_year": 2025}],
    "guardian": {"full_name": "Trần Văn Hùng", "relation": "father", "phone": "0398765432"},
    "warnings": 0,
}
HOA = {
    "full_name": "Hồ Thị Hoa",
    "birth_date": None,  # only the year is known
    "birth_year": 2011,
    "gender": "female",
    "ethnicity": "31",  # written "Pa Cô": Tà Ôi
    "personal_id": "045311000456",
    "class_name": "8A",
    "grade": 8,
    "village": "Khối phố 3",
    "commune": "Đông Lễ",
    "circumstances": [{"kind": "orphan", "orphan_label": "father", "orphan_legal": None}],
    "guardian": {"full_name": "Hồ Thị Lan", "relation": "mother", "phone": "0835111222"},
    "warnings": 0,
}
CUONG = {
    "full_name": "Lê Văn Cường",
    "birth_date": D(2010, 12, 31),
    "birth_year": 2010,
    "gender": "male",
    "ethnicity": "01",
    "personal_id": "045210000789",
    "class_name": "9C",
    "grade": 9,
    "village": "Thôn Tân Minh",
    "commune": "Gio Mỹ",
    "circumstances": [{"kind": "near_poor", "household_year": 2024}],
    "guardian": {"full_name": "Lê Thị Mai", "relation": "mother", "phone": "0977000111"},
    "warnings": 1,  # the near-poor certificate of 2024 is stale in November 2025
}
ANH = {
    "full_name": "Phạm Thị Ngọc Ánh",
    "birth_date": D(2012, 1, 20),
    "birth_year": 2012,
    "gender": "female",
    "ethnicity": "01",
    "personal_id": None,
    "class_name": "7B",
    "grade": 7,
    "village": "Khối phố 1",
    "commune": "Đông Lễ",
    "circumstances": [{"kind": "other", "description": "Cha bị bệnh nặng"}],
    "guardian": {"full_name": "Phạm Văn Sơn", "relation": "father", "phone": "0905123456"},
    "warnings": 0,
}
STUDENTS = (AN, DAO, HOA, CUONG, ANH)

NO_ID = {"personal_id": None}
NO_ADDRESS = {"village": "", "commune": None}
NO_GUARDIAN = {"guardian": None}


@dataclass(frozen=True)
class Expected:
    rows: list[dict]
    first_row: int  # spreadsheet row number of the first student
    unknown_columns: list[str] = field(default_factory=list)


def students(**changes) -> list[dict]:
    """The five students with the same changes (fields the layout does not have)."""
    return [{**s, **changes} for s in STUDENTS]


def changed(rows: list[dict], index: int, **changes) -> list[dict]:
    rows = list(rows)
    rows[index] = {**rows[index], **changes}
    return rows


FILES: dict[str, Expected] = {
    "title_block": Expected(students(), first_row=6),
    "two_row_header": Expected(students(**NO_ID), first_row=5),
    "header_variants": Expected(students(), first_row=2),
    "marks": Expected(students(**NO_ID, **NO_ADDRESS, **NO_GUARDIAN), first_row=2),
    "address": Expected(
        changed(students(**NO_ID), 4, village="KP 1"),
        first_row=2,
    ),
    "details": Expected(
        changed(
            students(**NO_ID, **NO_ADDRESS, **NO_GUARDIAN),
            4,
            circumstances=[{"kind": "other", "description": "cha bị bệnh nặng"}],
        ),
        first_row=2,
    ),
    "dates": Expected(students(), first_row=2),
    "numbers": Expected(students(), first_row=2),
    "unicode": Expected(students(), first_row=2),
    "footer": Expected(students(), first_row=2),
    "phantom_rows": Expected(students(), first_row=2),
    "numbering_row": Expected(students(), first_row=7),
    "formulas": Expected(students(), first_row=2),
    "unknown_columns": Expected(
        students(),
        first_row=2,
        unknown_columns=["I (Sở thích)", "Y (Mã BHYT)", "Z (Ghi chú)", "AA (không có tiêu đề)"],
    ),
    "combined": Expected(students(), first_row=8),
}
FORMATS = ("xlsx", "xls", "ods", "csv")
