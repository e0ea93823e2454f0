"""A school's template (its current students, ready to correct) and the student export,
both in the canonical layout that uploads read back."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from khuyenhoc.models import School
from students.collection.workbook import LIST_TITLE, student_rows, workbook_write
from students.models import Status, Student


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


def students_export_write(*, queryset, path: Path | str, title: str) -> int:
    """Write any selection of students (already scoped to whoever asked) in the
    canonical layout, ordered by school, class and name. Returns the number written."""
    students = queryset.order_by(
        "school__name", "school_id", "grade", "class_name", "search_key", "pk"
    )
    today = timezone.localdate()
    return workbook_write(
        path=path,
        rows=student_rows(students, today=today),
        title_lines=[LIST_TITLE, title, f"Xuất ngày {today:%d/%m/%Y}"],
        with_validation=False,
        instructions=False,
    )
