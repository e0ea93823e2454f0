"""Writes to the student record: keyword-only functions, one transaction each."""

from __future__ import annotations

import datetime as dt

import pgtrigger
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
    *,
    school_ids: list[int] | None = None,
    student_ids: list[int] | None = None,
    today: dt.date | None = None,
) -> int:
    """Set-based recompute of every need score (a poverty year goes stale as the
    calendar moves on, so this runs nightly). Returns the number of rows changed."""
    case_sql, params = need_score_sql(today or timezone.localdate())
    # With schools given, both the students and the circumstances summed are only
    # theirs: an import recomputes one school, not the province.
    school_filter, circumstance_join = "", ""
    if school_ids is not None:
        school_filter = "AND s.school_id = ANY(%s)"
        circumstance_join = (
            "JOIN students_student cs ON cs.id = c.student_id AND cs.school_id = ANY(%s)"
        )
        params = [*params, list(school_ids), list(school_ids)]
    elif student_ids is not None:
        school_filter = "AND s.id = ANY(%s)"
        circumstance_join = "WHERE c.student_id = ANY(%s)"
        params = [*params, list(student_ids), list(student_ids)]
    sql = f"""
        UPDATE students_student s
           SET need_score = COALESCE(agg.score, 0)
          FROM students_student s2
          LEFT JOIN (
                SELECT c.student_id, SUM({case_sql})::smallint AS score
                  FROM students_circumstance c {circumstance_join}
              GROUP BY c.student_id
          ) agg ON agg.student_id = s2.id
         WHERE s.id = s2.id {school_filter}
           AND s.need_score IS DISTINCT FROM COALESCE(agg.score, 0)
    """
    # need_score is not part of the history: skip the history trigger, which would
    # otherwise compare every updated row for nothing.
    with pgtrigger.ignore("students.Student:update_update"), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# Writes from the pages. Each checks the user's "change" scope itself (a view's check is
# not the only guard), runs full_clean() so the rules of students/validation.py hold,
# saves, and refreshes the need score, all in one transaction.

STUDENT_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "gender",
    "ethnicity",
    "personal_id",
    "moet_code",
    "school",
    "grade",
    "class_name",
    "village",
    "commune",
    "address_text",
    "specific_situation",
    "wishes",
    "wishes_note",
    "status",
    "guardian_consent_on",
    "guardian_consent_by",
    "child_consent_on",
    "note",
)
CIRCUMSTANCE_FIELDS = (
    "kind",
    "disability_type",
    "disability_level",
    "orphan_label",
    "orphan_legal",
    "household_year",
    "description",
    "confirmed",
    "certificate_number",
    "certificate_date",
    "certificate_issuer",
    "started_on",
    "ended_on",
)


def _school_check(*, user, school) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from students.record.selectors import schools_for_student_change

    if school is None or not schools_for_student_change(user=user).filter(pk=school.pk).exists():
        raise ValidationError(
            {"school": [_("Bạn không có quyền cập nhật học sinh của trường này.")]}
        )


def _student_assign(student: Student, data: dict) -> None:
    from khuyenhoc.text import clean_text, search_key

    for name in STUDENT_FIELDS:
        if name in data:
            setattr(student, name, data[name])
    student.full_name = clean_text(student.full_name)
    student.search_key = search_key(student.full_name)
    if student.birth_date:
        student.birth_year = student.birth_date.year


@transaction.atomic
def student_create(*, user, data: dict) -> Student:
    """Add a student to a school the user may change."""
    _school_check(user=user, school=data.get("school"))
    student = Student()
    _student_assign(student, data)
    student.status_changed_on = student.status_changed_on or timezone.localdate()
    student.full_clean()
    student.save()
    student_need_score_refresh(student=student)
    return student


@transaction.atomic
def student_update(*, user, student: Student, data: dict) -> Student:
    """Change a student the user may change; a new status is dated in the history
    (data may carry "status_changed_on" and "status_reason")."""
    from django.core.exceptions import PermissionDenied

    from students.models import StatusChange

    if not Student.objects.for_user(user, "change").filter(pk=student.pk).exists():
        raise PermissionDenied
    # The instance may already carry the new values (a ModelForm sets them), so the
    # old ones are read from the database.
    old_status, old_school_id = (
        Student.objects.filter(pk=student.pk).values_list("status", "school_id").get()
    )
    if "school" in data:
        _school_check(user=user, school=data["school"])
    _student_assign(student, data)
    status_changed = student.status != old_status
    moved = student.school_id != old_school_id
    if status_changed:
        student.status_changed_on = data.get("status_changed_on") or timezone.localdate()
    student.full_clean()
    student.save()
    if status_changed:
        StatusChange.objects.create(
            student=student,
            status=student.status,
            changed_on=student.status_changed_on,
            reason=data.get("status_reason") or "",
            from_school_id=old_school_id if moved else None,
            to_school=student.school if moved else None,
            recorded_by=user,
        )
    student_need_score_refresh(student=student)
    return student


@transaction.atomic
def circumstance_save(*, user, student: Student, data: dict, circumstance=None):
    """Add a circumstance to a student, or change one of theirs."""
    from django.core.exceptions import PermissionDenied

    from students.models import Circumstance

    if not Student.objects.for_user(user, "change").filter(pk=student.pk).exists():
        raise PermissionDenied
    if circumstance is None:
        circumstance = Circumstance(student=student)
    elif circumstance.student_id != student.pk:
        raise PermissionDenied
    for name in CIRCUMSTANCE_FIELDS:
        if name in data:
            setattr(circumstance, name, data[name])
    circumstance.full_clean()
    circumstance.save()
    student_need_score_refresh(student=student)
    return circumstance


@transaction.atomic
def guardian_save(*, user, student: Student, data: dict, guardian=None):
    """Add a parent or guardian to a student, or change one of theirs."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from students.models import Guardian
    from students.validation import phone_error

    if not Student.objects.for_user(user, "change").filter(pk=student.pk).exists():
        raise PermissionDenied
    if guardian is None:
        guardian = Guardian(student=student)
    elif guardian.student_id != student.pk:
        raise PermissionDenied
    for name in ("full_name", "relation", "occupation", "phone"):
        if name in data:
            setattr(guardian, name, data[name])
    message = phone_error(guardian.phone)
    if message:
        raise ValidationError({"phone": [message]})
    guardian.full_clean()
    guardian.save()
    return guardian
