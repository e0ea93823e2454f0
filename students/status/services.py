"""Status changes of a student: transferred to another school, graduated, dropped out,
no longer eligible, deceased, back to studying. Each is dated, has a reason and a
StatusChange row; the record's own history (the triggers) says who did it and from
which page. One transaction, keyword-only, checks the user's scope itself."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyenhoc.access import CHANGE
from khuyenhoc.models import School
from students.history import history_source
from students.models import Status, StatusChange, Student

# The earliest date a status change may carry: nothing in the registry is older.
EARLIEST = dt.date(2000, 1, 1)


class StatusAction(models.TextChoices):
    """What happened to the student, as staff say it."""

    TRANSFER = "transfer", gettext_lazy("Chuyển trường")
    GRADUATED = Status.GRADUATED.value, gettext_lazy("Tốt nghiệp")
    DROPPED_OUT = Status.DROPPED_OUT.value, gettext_lazy("Bỏ học")
    NOT_ELIGIBLE = Status.NOT_ELIGIBLE.value, gettext_lazy("Không còn thuộc diện")
    DECEASED = Status.DECEASED.value, gettext_lazy("Đã mất")
    BACK_TO_STUDYING = Status.STUDYING.value, gettext_lazy("Quay lại học")


def status_actions_for(student: Student) -> list[StatusAction]:
    """The changes that make sense from the student's current status."""
    if student.status == Status.STUDYING:
        return [a for a in StatusAction if a != StatusAction.BACK_TO_STUDYING]
    return [a for a in StatusAction if a not in (StatusAction.TRANSFER, student.status)]


def _target_school_errors(*, user, student: Student, school: School, grade: int) -> list[str]:
    from students.record.selectors import schools_for_student_change

    if school.pk == student.school_id:
        return [
            _("Trường mới phải khác trường hiện tại (%(school)s).") % {"school": student.school}
        ]
    if not schools_for_student_change(user=user).filter(pk=school.pk).exists():
        return [
            _(
                "Bạn chỉ chuyển được học sinh tới trường thuộc địa bàn mình phụ trách. Nếu học sinh chuyển tới nơi khác, hãy báo cán bộ tỉnh hội ghi việc chuyển trường."
            )
        ]
    if not school.is_active:
        return [_("%(school)s đã ngừng hoạt động; chọn trường khác.") % {"school": school}]
    if not school.grade_min <= grade <= school.grade_max:
        return [
            _(
                "%(school)s chỉ có các lớp %(low)s-%(high)s; học sinh lớp %(grade)s không học ở trường này được. Chọn trường khác hoặc sửa khối lớp."
            )
            % {
                "school": school,
                "low": school.grade_min,
                "high": school.grade_max,
                "grade": grade,
            }
        ]
    return []


@transaction.atomic
def student_status_change(
    *,
    user,
    student: Student,
    action: str,
    changed_on: dt.date | None,
    reason: str,
    to_school: School | None = None,
    grade: int | None = None,
    class_name: str | None = None,
    out_of_province: bool = False,
) -> StatusChange:
    """Record what happened to a student the user may change.

    A transfer to a school moves the record there (the student keeps studying, the
    record keeps its history); a transfer out of the province leaves it where it was
    with the status "transferred". Back to studying may also name a new school.
    Raises ValidationError with the messages on the form's fields."""
    locked = (
        Student.objects.for_user(user, CHANGE)
        .select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=student.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    student = locked
    reason = (reason or "").strip()
    class_name = (class_name or "").strip()
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}

    allowed = status_actions_for(student)
    if action not in [a.value for a in allowed]:
        if action == StatusAction.TRANSFER:
            message = _(
                "Chỉ chuyển trường được học sinh đang học. Nếu học sinh đã đi học lại, hãy ghi “Quay lại học” trước."
            )
        elif action == student.status:
            message = _("Học sinh đang ở tình trạng “%(status)s”; chọn một thay đổi khác.") % {
                "status": student.get_status_display()
            }
        else:
            message = _("Chọn một thay đổi trong danh sách.")
        errors["action"] = [message]

    if changed_on is None:
        errors["changed_on"] = [_("Nhập ngày xảy ra theo dạng ngày/tháng/năm, ví dụ 05/09/2025.")]
    elif changed_on > today:
        errors["changed_on"] = [
            _("Ngày %(d)s ở trong tương lai; chỉ ghi việc đã xảy ra.")
            % {"d": changed_on.strftime("%d/%m/%Y")}
        ]
    elif changed_on < EARLIEST:
        errors["changed_on"] = [_("Ngày phải từ năm 2000 trở đi.")]
    else:
        last = student.status_changes.order_by("-changed_on").values_list("changed_on", flat=True)
        last = last.first()
        if last is not None and changed_on < last:
            errors["changed_on"] = [
                _(
                    "Ngày này trước lần đổi tình trạng gần nhất (%(d)s). Nhập ngày từ %(d)s trở đi, hoặc sửa lần đổi trước."
                )
                % {"d": last.strftime("%d/%m/%Y")}
            ]
    if not reason:
        errors["reason"] = [
            _(
                "Nhập lý do, ví dụ: gia đình chuyển nơi ở; theo quyết định số ... của nhà trường; giấy báo tử ngày ..."
            )
        ]

    moving = action in (StatusAction.TRANSFER, StatusAction.BACK_TO_STUDYING) and (
        to_school is not None
    )
    new_grade = grade if grade is not None else student.grade
    if action == StatusAction.TRANSFER and to_school is None and not out_of_province:
        errors["to_school"] = [_("Chọn trường mới, hoặc đánh dấu “Chuyển ra ngoài tỉnh”.")]
    if action == StatusAction.TRANSFER and to_school is not None and out_of_province:
        errors["out_of_province"] = [
            _("Học sinh chuyển tới một trường trong tỉnh thì bỏ đánh dấu “Chuyển ra ngoài tỉnh”.")
        ]
    if not 1 <= new_grade <= 12:
        errors["grade"] = [_("Khối lớp phải từ 1 đến 12.")]
    elif moving:
        messages = _target_school_errors(
            user=user, student=student, school=to_school, grade=new_grade
        )
        if messages:
            errors["to_school"] = messages
    elif grade is not None and not student.school.grade_min <= grade <= student.school.grade_max:
        errors["grade"] = [
            _("%(school)s chỉ có các lớp %(low)s-%(high)s; sửa khối lớp hoặc chọn trường mới.")
            % {
                "school": student.school,
                "low": student.school.grade_min,
                "high": student.school.grade_max,
            }
        ]
    if errors:
        raise ValidationError(errors)

    old_school = student.school
    if action == StatusAction.TRANSFER:
        # Moving inside the province: the student is still studying, at the new school.
        new_status = Status.STUDYING if moving else Status.TRANSFERRED
        recorded_status = Status.TRANSFERRED
    else:
        new_status = recorded_status = action
    fields = ["status", "status_changed_on", "updated_at"]
    student.status = new_status
    student.status_changed_on = changed_on
    if moving:
        student.school = to_school
        student.grade = new_grade
        student.class_name = class_name
        fields += ["school", "grade", "class_name"]
    elif grade is not None and grade != student.grade:
        student.grade = grade
        fields.append("grade")
    if class_name and not moving:
        student.class_name = class_name
        fields.append("class_name")
    with history_source(source="form", user=user):
        student.save(update_fields=fields)
        change = StatusChange.objects.create(
            student=student,
            status=recorded_status,
            changed_on=changed_on,
            reason=reason,
            from_school=old_school if action == StatusAction.TRANSFER or moving else None,
            to_school=to_school if moving else None,
            recorded_by=user,
        )
    _leaver_resolve(student=student, user=user)
    return change


def _leaver_resolve(*, student: Student, user) -> None:
    """A student flagged by the year roll-over as leaving a school level is dealt with
    once their new school or status is recorded."""
    from students.models import LevelLeaver

    LevelLeaver.objects.filter(student=student, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
