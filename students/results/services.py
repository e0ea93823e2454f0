"""Writes of the academic-results upload: store the file and start the preview job,
compute the preview, confirm it, and write the results in one transaction.

The preview lives in the preview job's result (rows matched, unmatched with the
reason, matched rows to check before confirming, rows with errors); the uploaded file
is deleted once it is read. Confirming writes exactly what was previewed: one
INSERT ... ON CONFLICT for the whole file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.access import CHANGE, scope_for
from khuyenhoc.jobs import JobError, job_progress
from khuyenhoc.models import Job, School, person_name
from students.collection.files import FileRejected
from students.history import history_source
from students.models import AcademicResult, Student
from students.results.match import results_match
from students.results.parse import results_file_parse

PREVIEW_KIND = "results_preview"
APPLY_KIND = "results_apply"
# Fields of a result row kept in the preview: (row, student, grade, academic_result,
# conduct, title, note, change) with change "new", "changed" or "same".
# The rows to check are a list of their own, [row, what differs], so that previews
# kept from before it still confirm.
MATCHED_FIELDS = (
    "row",
    "student",
    "grade",
    "academic_result",
    "conduct",
    "title",
    "note",
    "change",
)


def schools_for_results(*, user):
    """Schools whose students' results this person may change."""
    scope = scope_for(user, CHANGE, AcademicResult)
    if scope.is_empty:
        return School.objects.none()
    return School.objects.filter(scope.school_q())


def results_school_check(*, user, school_id: int) -> None:
    if not schools_for_results(user=user).filter(pk=school_id).exists():
        raise Http404


def results_preview(
    *, job_id: int, stored: str, name: str, school_id: int, school_year: int, today=None
) -> dict:
    """Read, check and match the file; the returned dict is the preview job's result.
    The stored file is deleted whatever happens."""
    try:
        path = Path(default_storage.path(stored))
        try:
            parsed = results_file_parse(path=path, name=name, today=today or timezone.localdate())
        except FileRejected as exc:
            raise JobError(str(exc)) from None
    finally:
        default_storage.delete(stored)
    job_progress(job_id=job_id, done=1, total=3, message=_("Đang đối chiếu với hồ sơ"))
    good = [r for r in parsed.rows if not r.errors]
    matching = results_match(school_id=school_id, rows=good)
    existing = {
        sid: (grade, ar, cd, title, note)
        for sid, grade, ar, cd, title, note in AcademicResult.objects.filter(
            school_year=school_year, student_id__in=[sid for _row, sid in matching.matched]
        ).values_list("student_id", "grade", "academic_result", "conduct", "title", "note")
    }
    matched = []
    counts = {"new": 0, "changed": 0, "same": 0}
    for row, sid in matching.matched:
        new = (row.grade, row.academic_result, row.conduct, row.title, row.note)
        old = existing.get(sid)
        change = "new" if old is None else ("same" if _merged(old, new) == old else "changed")
        counts[change] += 1
        matched.append([row.row, sid, *new, change])
    warnings = []
    if parsed.school_year_in_file and parsed.school_year_in_file != school_year:
        warnings.append(
            _(
                "Tệp ghi năm học %(file)s nhưng bạn đã chọn năm học %(chosen)s. Nếu chọn nhầm, hãy tải lên lại với đúng năm học."
            )
            % {
                "file": f"{parsed.school_year_in_file}-{parsed.school_year_in_file + 1}",
                "chosen": f"{school_year}-{school_year + 1}",
            }
        )
    errors = [[i.row, i.column, i.message, i.fix] for r in parsed.rows for i in r.errors]
    return {
        "url": reverse("results:preview", args=[job_id]),
        "message": _("Khớp %(m)s dòng, không khớp %(u)s, lỗi %(e)s")
        % {
            "m": len(matched),
            "u": len(matching.unmatched),
            "e": len(parsed.rows) - len(good),
        }
        + (
            _("; %(c)s dòng khớp cần kiểm tra") % {"c": len(matching.checks)}
            if matching.checks
            else ""
        ),
        "school_id": school_id,
        "school_year": school_year,
        "original_name": name,
        "sheet_name": parsed.sheet_name,
        "rows_total": len(parsed.rows),
        "file_errors": [[i.message, i.fix] for i in parsed.file_errors],
        "warnings": warnings,
        "unknown_columns": parsed.unknown_columns,
        "matched": matched,
        "counts": counts,
        "checks": sorted([row, check] for row, check in matching.checks.items()),
        "unmatched": [
            [r.row, r.full_name, r.birth_display, r.moet_code, r.class_name, reason]
            for r, reason in matching.unmatched
        ],
        "error_rows": len(parsed.rows) - len(good),
        "errors": errors,
    }


def _merged(old: tuple, new: tuple) -> tuple:
    """What the record holds after the write: an empty cell keeps what is there."""
    return tuple(n if n not in (None, "") else o for o, n in zip(old, new, strict=True))


def preview_job_get(*, user, pk: int) -> Job:
    """The person's own finished preview, for a school they may still change."""
    job = Job.objects.for_user(user).filter(pk=pk, kind=PREVIEW_KIND).first()
    if job is None or job.state != Job.State.DONE:
        raise Http404
    results_school_check(user=user, school_id=job.result["school_id"])
    return job


_UPSERT = """
INSERT INTO students_academicresult AS r
    (student_id, school_year, grade, academic_result, conduct, title, note)
SELECT s, %(year)s, g, a, c, t, n
FROM unnest(%(s)s::int[], %(g)s::int[], %(a)s::text[], %(c)s::text[], %(t)s::text[],
            %(n)s::text[]) AS v(s, g, a, c, t, n)
ON CONFLICT (student_id, school_year) DO UPDATE SET
    grade = COALESCE(EXCLUDED.grade, r.grade),
    academic_result = COALESCE(NULLIF(EXCLUDED.academic_result, ''), r.academic_result),
    conduct = COALESCE(NULLIF(EXCLUDED.conduct, ''), r.conduct),
    title = COALESCE(NULLIF(EXCLUDED.title, ''), r.title),
    note = COALESCE(NULLIF(EXCLUDED.note, ''), r.note)
WHERE (r.grade, r.academic_result, r.conduct, r.title, r.note) IS DISTINCT FROM
    (COALESCE(EXCLUDED.grade, r.grade),
     COALESCE(NULLIF(EXCLUDED.academic_result, ''), r.academic_result),
     COALESCE(NULLIF(EXCLUDED.conduct, ''), r.conduct),
     COALESCE(NULLIF(EXCLUDED.title, ''), r.title),
     COALESCE(NULLIF(EXCLUDED.note, ''), r.note))
RETURNING (xmax = 0)
"""


def results_apply(*, user, preview: Job) -> dict:
    """Write the preview's matched rows: one upsert per (student, school year), in one
    transaction. Students that left the school or the person's scope since the
    preview are skipped, not written."""
    data = preview.result
    school_id, year = data["school_id"], data["school_year"]
    rows = [dict(zip(MATCHED_FIELDS, r, strict=True)) for r in data["matched"]]
    with (
        transaction.atomic(),
        history_source(source="import", user=user, results_upload=preview.pk),
    ):
        results_school_check(user=user, school_id=school_id)
        allowed = set(
            Student.objects.for_user(user, CHANGE)
            .filter(school_id=school_id, pk__in=[r["student"] for r in rows])
            .values_list("pk", flat=True)
        )
        rows = [r for r in rows if r["student"] in allowed]
        with connection.cursor() as cursor:
            cursor.execute(
                _UPSERT,
                {
                    "year": year,
                    "s": [r["student"] for r in rows],
                    "g": [r["grade"] for r in rows],
                    "a": [r["academic_result"] for r in rows],
                    "c": [r["conduct"] for r in rows],
                    "t": [r["title"] for r in rows],
                    "n": [r["note"] for r in rows],
                },
            )
            written = [inserted for (inserted,) in cursor.fetchall()]
        created = sum(1 for w in written if w)
        applied = {
            "created": created,
            "updated": len(written) - created,
            "unchanged": len(rows) - len(written),
            "skipped": len(data["matched"]) - len(rows),
            "at": timezone.now().isoformat(),
            "by": person_name(user),  # shown on the page: "bởi Võ Thị Thu Hà"
        }
        preview.result["applied"] = applied
        Job.objects.filter(pk=preview.pk).update(result=preview.result)
    return applied


def school_year_default(today: dt.date | None = None) -> int:
    """The school year whose results came out most recently (years end in May)."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month >= 6 else today.year - 2
