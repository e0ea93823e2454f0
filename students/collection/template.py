"""A school's template (its current students, ready to correct) and the student export,
both in the canonical layout that uploads read back."""

from __future__ import annotations

import re
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from django.utils import timezone

from khuyenhoc.models import School
from students.collection.workbook import (
    LIST_TITLE,
    SHEET_LIST,
    student_rows,
    workbook_write,
    workbook_write_sheets,
)
from students.models import Status, Student

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\']+")


def school_year_label(school_year: int) -> str:
    return f"Năm học {school_year}-{school_year + 1}"


def school_template_write(*, school: School, school_year: int, path: Path | str) -> int:
    """Write the school's template for `school_year` (the year it starts, 2026 for
    2026-2027) to `path`: the students studying there now, with drop-down lists and
    the instructions sheet, so the school corrects rather than retypes. Returns the
    number of students written."""
    students = Student.objects.filter(school=school, status=Status.STUDYING).order_by(
        "grade", "class_name", "search_key", "pk"
    )
    return workbook_write(
        path=path,
        rows=student_rows(students),
        title_lines=[LIST_TITLE, school.name, school_year_label(school_year)],
        with_validation=True,
        instructions=True,
    )


def students_export_write(
    *, queryset, path: Path | str, title: str, progress=None, progress_every: int = 2000
) -> int:
    """Write any selection of students (already scoped to whoever asked) in the
    canonical layout: one sheet per school (the layout has no school column), schools
    by name, students by class and name, each sheet numbered from 1. With `progress`,
    calls progress(rows written) every `progress_every` rows and at the end. Returns
    the number of students written."""
    today = timezone.localdate()
    subtitle = f"{title}, xuất ngày {today:%d/%m/%Y}"
    schools = {s.pk: s for s in School.objects.filter(pk__in=queryset.values("school_id"))}
    students = queryset.order_by(
        "school__name", "school_id", "grade", "class_name", "search_key", "pk"
    )
    pairs = student_rows(students, today=today, with_school=True)
    written = 0

    def counted(pairs):
        nonlocal written
        for pair in pairs:
            written += 1
            if progress is not None and written % progress_every == 0:
                progress(written)
            yield pair

    pairs = counted(pairs)
    used: set[str] = set()

    def sheets():
        for school_id, group in groupby(pairs, key=itemgetter(0)):
            school = schools[school_id]
            yield (
                _sheet_name(school.name, used),
                [LIST_TITLE, school.name, subtitle],
                _renumbered(cells for _id, cells in group),
            )

    count = workbook_write_sheets(
        path=path,
        sheets=_or_empty(sheets(), [LIST_TITLE, title, subtitle]),
        with_validation=False,
        instructions=False,
    )
    if progress is not None:
        progress(written)
    return count


def _renumbered(rows):
    for number, cells in enumerate(rows, 1):
        cells[0] = number
        yield cells


def _or_empty(sheets, title_lines):
    """The sheets, or one empty list sheet when the selection has no student."""
    empty = True
    for sheet in sheets:
        empty = False
        yield sheet
    if empty:
        yield (SHEET_LIST, title_lines, [])


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters) for a school."""
    base = _SHEET_NAME_BAD.sub(" ", name).strip()
    base = base.removeprefix("Trường ").strip()[:31].strip() or "Trường"
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate
