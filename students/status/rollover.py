"""Year roll-over at the start of a school year, set-based: one statement records the
graduation of grade-12 students (status and StatusChange rows), one flags those who
finish a school level, one promotes every other studying student. All in one
transaction with the run's row, whose unique school year makes a second run of the
same year (or of an earlier one) a no-op with a message instead of a second promotion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.access import CHANGE
from khuyenhoc.roles import Role, user_roles
from students.history import history_source
from students.models import LevelLeaver, Rollover, Status, Student


class RolloverError(Exception):
    """Why a roll-over cannot run, in words for the user (Vietnamese)."""


def user_can_rollover(user) -> bool:
    """Provincial staff (and administrators) start the roll-over of the province."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = set(user_roles(user))
    return bool(roles & {Role.ADMIN, Role.PROVINCIAL_STAFF}) and user.has_perm(
        "students.change_student"
    )


def current_school_year(today: dt.date | None = None) -> int:
    """The school year under way (or about to start): from June on, the one starting
    this calendar year."""
    today = today or timezone.localdate()
    return today.year if today.month >= 6 else today.year - 1


def rollover_check(*, school_year: int, today: dt.date | None = None) -> None:
    """Raise RolloverError when this school year may not be rolled over (again)."""
    today = today or timezone.localdate()
    if not 2000 <= school_year <= today.year + 1:
        raise RolloverError(
            _("Năm học %(a)s-%(b)s không hợp lệ; nhập năm bắt đầu của năm học, ví dụ %(y)s.")
            % {"a": school_year, "b": school_year + 1, "y": current_school_year(today)}
        )
    done = Rollover.objects.select_related("started_by").filter(school_year__gte=school_year)
    last = done.order_by("-school_year").first()
    if last is None:
        return
    if last.school_year == school_year:
        raise RolloverError(
            _(
                "Năm học %(year)s đã được lên lớp lúc %(at)s%(by)s; chạy lại sẽ lên lớp hai lần nên không chạy."
            )
            % {
                "year": last.school_year_display,
                "at": timezone.localtime(last.ran_at).strftime("%d/%m/%Y %H:%M"),
                "by": _(" bởi %(u)s") % {"u": last.started_by} if last.started_by else "",
            }
        )
    raise RolloverError(
        _("Đã lên lớp cho năm học %(last)s; không thể lên lớp cho năm học %(year)s trước đó.")
        % {"last": last.school_year_display, "year": f"{school_year}-{school_year + 1}"}
    )


def rollover_preview(*, user, school_year: int) -> dict:
    """What a roll-over would do now, for the page: counts by grade band (one query)."""
    from django.db.models import Count, F, Q

    students = _students(user)
    return students.aggregate(
        studying=Count("pk"),
        graduating=Count("pk", filter=Q(grade=12)),
        leaving=Count(
            "pk",
            filter=Q(grade__lt=12) & (Q(grade__in=[5, 9]) | Q(grade__gte=F("school__grade_max"))),
        ),
    )


def _students(user):
    """Studying students the roll-over moves: those the user may change (everyone for a
    command run without a user); records merged into another one are left alone."""
    if user is None:
        return Student.objects.current().filter(status=Status.STUDYING)
    return Student.objects.for_user(user, CHANGE).filter(status=Status.STUDYING)


def rollover_run(
    *,
    school_year: int,
    user=None,
    source: str = "rollover",
    progress: Callable[[str], None] | None = None,
) -> Rollover:
    """Promote the studying students for `school_year` (its starting year). Runs once
    per school year: a second call raises RolloverError and changes nothing."""
    rollover_check(school_year=school_year)
    extra = {"school_year": school_year}
    if source == "command":
        extra["command"] = "rollover_school_year"
    try:
        with transaction.atomic(), history_source(source=source, user=user, **extra):
            run = Rollover.objects.create(
                school_year=school_year,
                started_by=user,
                source="command" if source == "command" else "page",
            )
            _rollover_apply(run=run, user=user, progress=progress)
    except IntegrityError:
        # Another run of the same year committed first (two clicks, two workers).
        rollover_check(school_year=school_year)
        raise
    return run


def _rollover_apply(*, run: Rollover, user, progress) -> None:
    ids_sql, ids_params = _students(user).values("pk").query.sql_with_params()
    today = timezone.localdate()
    # Grade 12 was finished at the end of the previous school year.
    graduated_on = min(today, dt.date(run.school_year, 5, 31))
    reason = _("Hoàn thành lớp 12, năm học %(a)s-%(b)s (lên lớp đầu năm học %(b)s-%(c)s)") % {
        "a": run.school_year - 1,
        "b": run.school_year,
        "c": run.school_year + 1,
    }
    user_id = user.pk if user is not None else None
    with connection.cursor() as cursor:
        if progress:
            progress(_("Ghi tốt nghiệp cho học sinh lớp 12"))
        cursor.execute(
            f"""
            WITH graduates AS (
                UPDATE students_student s
                   SET status = %s, status_changed_on = %s, updated_at = NOW()
                 WHERE s.id IN ({ids_sql}) AND s.grade = 12
             RETURNING s.id
            )
            INSERT INTO students_statuschange
                   (student_id, status, changed_on, reason, from_school_id, to_school_id,
                    recorded_by_id, recorded_at)
            SELECT g.id, %s, %s, %s, NULL, NULL, %s, NOW() FROM graduates g
            """,
            [
                Status.GRADUATED,
                graduated_on,
                *ids_params,
                Status.GRADUATED,
                graduated_on,
                reason,
                user_id,
            ],
        )
        run.graduated = cursor.rowcount

        if progress:
            progress(_("Đánh dấu học sinh hết cấp"))
        cursor.execute(
            f"""
            INSERT INTO students_levelleaver
                   (rollover_id, student_id, school_id, grade_before, grade_after, reason,
                    may_stay, resolved_at, resolved_by_id)
            SELECT %s, s.id, s.school_id, s.grade, s.grade + 1,
                   CASE WHEN s.grade = 5 THEN %s WHEN s.grade = 9 THEN %s ELSE %s END,
                   s.grade + 1 <= sc.grade_max, NULL, NULL
              FROM students_student s
              JOIN khuyenhoc_school sc ON sc.id = s.school_id
             WHERE s.id IN ({ids_sql}) AND s.grade < 12
               AND (s.grade IN (5, 9) OR s.grade >= sc.grade_max)
            """,
            [
                run.pk,
                LevelLeaver.Reason.PRIMARY_DONE,
                LevelLeaver.Reason.LOWER_SECONDARY_DONE,
                LevelLeaver.Reason.BEYOND_SCHOOL,
                *ids_params,
            ],
        )
        run.leavers = cursor.rowcount

        if progress:
            progress(_("Lên lớp cho học sinh đang học"))
        # "7A" becomes "8A": a class named after its grade follows the student up.
        cursor.execute(
            f"""
            UPDATE students_student s
               SET grade = s.grade + 1,
                   class_name = CASE
                       WHEN s.class_name ~ ('^' || s.grade || '([^0-9]|$)')
                       THEN LEFT((s.grade + 1)::text || SUBSTR(s.class_name, LENGTH(s.grade::text) + 1), 20)
                       ELSE s.class_name END,
                   updated_at = NOW()
             WHERE s.id IN ({ids_sql}) AND s.grade < 12
            """,
            ids_params,
        )
        run.promoted = cursor.rowcount
    run.save(update_fields=["graduated", "leavers", "promoted"])


def level_leaver_keep(*, user, leaver: LevelLeaver) -> None:
    """Staff confirm that a flagged student stays at their school (a multi-level school
    that teaches the new grade)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not LevelLeaver.objects.for_user(user, CHANGE).filter(pk=leaver.pk).exists():
        raise PermissionDenied
    if not leaver.may_stay:
        raise ValidationError(
            _("%(school)s không có lớp %(grade)s; hãy ghi trường mới của học sinh (Chuyển trường).")
            % {"school": leaver.school, "grade": leaver.grade_after}
        )
    LevelLeaver.objects.filter(pk=leaver.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
