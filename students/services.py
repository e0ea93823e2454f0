"""Writes to the student record: keyword-only functions, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from students.models import Student
from students.scoring import need_score, need_score_sql


def student_need_score_refresh(*, student: Student, today: dt.date | None = None) -> int:
    """Recompute one student's need score from their circumstances and save it."""
    score = need_score(student.circumstances.all(), today or timezone.localdate())
    if score != student.need_score:
        student.need_score = score
        student.save(update_fields=["need_score", "updated_at"])
    return score


@transaction.atomic
def need_scores_recompute(
    *, school_ids: list[int] | None = None, today: dt.date | None = None
) -> int:
    """Set-based recompute of every need score (a poverty year goes stale as the
    calendar moves on, so this runs nightly). Returns the number of rows changed."""
    case_sql, params = need_score_sql(today or timezone.localdate())
    where = ""
    if school_ids is not None:
        where = "AND s.school_id = ANY(%s)"
        params = [*params, list(school_ids)]
    sql = f"""
        UPDATE students_student s
           SET need_score = COALESCE(agg.score, 0)
          FROM students_student s2
          LEFT JOIN (
                SELECT c.student_id, SUM({case_sql})::smallint AS score
                  FROM students_circumstance c
              GROUP BY c.student_id
          ) agg ON agg.student_id = s2.id
         WHERE s.id = s2.id {where}
           AND s.need_score IS DISTINCT FROM COALESCE(agg.score, 0)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
