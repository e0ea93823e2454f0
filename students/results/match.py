"""Finding the registry student for each row of a results file, within one school:
the MOET student code first, else the normalised name with the date of birth. One
query for the whole file, never one per row.

A code is one mistyped digit away from another child: a row found by its code is
checked against the record's name and birth. Both different: it is someone else's
code, the row is not matched. One different: matched, with a check for staff."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from khuyenhoc.text import search_key
from students.results.parse import ResultRow


@dataclass(frozen=True, slots=True)
class Candidate:
    pk: int
    full_name: str
    moet_code: str | None
    search_key: str
    birth_date: object
    birth_year: int

    @property
    def birth_display(self) -> str:
        return self.birth_date.strftime("%d/%m/%Y") if self.birth_date else str(self.birth_year)


@dataclass
class MatchResult:
    matched: list[tuple[ResultRow, int]]
    unmatched: list[tuple[ResultRow, str]]
    # Matched rows to look at before confirming: row number -> what differs.
    checks: dict[int, str] = field(default_factory=dict)


def _same_birth(row: ResultRow, c: Candidate) -> bool:
    if row.birth_date is not None and c.birth_date is not None:
        return row.birth_date == c.birth_date
    return row.birth_year is not None and row.birth_year == c.birth_year


def _birth_differs(row: ResultRow, c: Candidate) -> bool | None:
    """Whether the row's birth is not the record's; None when one side has none.
    Compared by date when both have one, else by year."""
    if row.birth_date is not None and c.birth_date is not None:
        return row.birth_date != c.birth_date
    row_year = row.birth_date.year if row.birth_date else row.birth_year
    record_year = c.birth_date.year if c.birth_date else c.birth_year
    if row_year is None or record_year is None:
        return None
    return row_year != record_year


def _code_check(row: ResultRow, c: Candidate) -> tuple[bool, str]:
    """(still matched, what to check) for a row found by its MOET code."""
    name_differs = bool(row.name_key) and row.name_key != search_key(c.full_name)
    birth_differs = _birth_differs(row, c)
    if name_differs and birth_differs:
        return False, _(
            "Mã học sinh %(code)s trong hồ sơ là của %(name)s, sinh %(birth)s: khác cả họ tên"
            " và ngày sinh trong tệp. Hãy kiểm tra lại mã học sinh rồi tải lên lại."
        ) % {"code": row.moet_code, "name": c.full_name, "birth": c.birth_display}
    if name_differs:
        return True, _(
            "Họ tên trong tệp là “%(file)s”, trong hồ sơ là “%(record)s”; kiểm tra lại mã học"
            " sinh trước khi xác nhận."
        ) % {"file": row.full_name, "record": c.full_name}
    if birth_differs and row.birth_date is not None and c.birth_date is not None:
        return True, _(
            "Ngày sinh trong tệp là %(file)s, trong hồ sơ là %(record)s; kiểm tra lại mã học"
            " sinh trước khi xác nhận."
        ) % {"file": row.birth_display, "record": c.birth_display}
    if birth_differs:
        return True, _(
            "Năm sinh trong tệp là %(file)s, trong hồ sơ là %(record)s; kiểm tra lại mã học"
            " sinh trước khi xác nhận."
        ) % {"file": row.birth_display, "record": c.birth_display}
    return True, ""


def results_match(*, school_id: int, rows: list[ResultRow]) -> MatchResult:
    """Match rows (without errors) to the students of the school."""
    codes = list({r.moet_code for r in rows if r.moet_code})
    keys = list({r.name_key for r in rows if r.name_key})
    with connection.cursor() as cursor:
        # Arrays, not IN lists: a 20,000-row file would otherwise send 40,000 parameters.
        cursor.execute(
            "SELECT id, full_name, moet_code, search_key, birth_date, birth_year"
            " FROM students_student"
            " WHERE school_id = %s AND (moet_code = ANY(%s) OR search_key = ANY(%s))",
            [school_id, codes, keys],
        )
        found = [Candidate(*r) for r in cursor.fetchall()]
    by_code = {c.moet_code: c for c in found if c.moet_code}
    by_name: dict[str, list[Candidate]] = defaultdict(list)
    for c in found:
        by_name[c.search_key].append(c)

    out = MatchResult(matched=[], unmatched=[])
    first_row_of: dict[int, int] = {}
    for row in rows:
        student, reason, check = _one(row, by_code, by_name)
        if student is not None and student.pk in first_row_of:
            student, reason = (
                None,
                _("Cùng một học sinh với dòng %(n)s; mỗi học sinh chỉ có một kết quả mỗi năm.")
                % {"n": first_row_of[student.pk]},
            )
        if student is None:
            out.unmatched.append((row, reason))
        else:
            first_row_of[student.pk] = row.row
            out.matched.append((row, student.pk))
            if check:
                out.checks[row.row] = check
    return out


def _one(row: ResultRow, by_code, by_name) -> tuple[Candidate | None, str, str]:
    """(student, why not matched, what to check)."""
    if row.moet_code and row.moet_code in by_code:
        student = by_code[row.moet_code]
        kept, message = _code_check(row, student)
        return (student, "", message) if kept else (None, message, "")
    student, reason = _by_name(row, by_name)
    return student, reason, ""


def _by_name(row: ResultRow, by_name) -> tuple[Candidate | None, str]:
    if not row.name_key:
        return None, _("Không có học sinh mã %(code)s trong trường, và dòng không có họ tên.") % {
            "code": row.moet_code
        }
    named = by_name.get(row.name_key, [])
    if row.birth_date is None and row.birth_year is None:
        if row.moet_code:
            return None, _(
                "Không có học sinh mã %(code)s trong trường, và dòng không có ngày sinh để đối chiếu họ tên."
            ) % {"code": row.moet_code}
        return None, _("Không có mã học sinh, cũng không có ngày sinh để đối chiếu họ tên.")
    same = [c for c in named if _same_birth(row, c)]
    if row.moet_code:
        # A student who has another code in the registry is someone else.
        same = [c for c in same if not c.moet_code or c.moet_code == row.moet_code]
    if len(same) == 1:
        return same[0], ""
    if len(same) > 1:
        return None, _(
            "Có %(n)s học sinh cùng họ tên và ngày sinh trong trường; hãy ghi mã học sinh để phân biệt."
        ) % {"n": len(same)}
    if named:
        births = ", ".join(sorted({c.birth_display for c in named}))
        return None, _(
            "Có học sinh tên này trong trường nhưng ngày sinh trong hồ sơ là %(births)s; kiểm tra lại ngày sinh hoặc mã học sinh."
        ) % {"births": births}
    if row.moet_code:
        return None, _("Không có học sinh mã %(code)s hoặc họ tên, ngày sinh này trong trường.") % {
            "code": row.moet_code
        }
    return None, _("Không có học sinh có họ tên và ngày sinh này trong trường.")
