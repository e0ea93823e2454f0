"""Rules on a student record that need more than one column or today's date.
Messages are in Vietnamese, say what is wrong and what to do, and sit on the field."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.text import name_problem

PERSONAL_ID = re.compile(r"^[0-9]{12}$")
PHONE = re.compile(r"^0[0-9]{9,10}$")


def personal_id_message(value: str) -> str:
    """Why `value` is not a personal ID: a letter in "04521274387a" is the fault, not
    its length (twelve characters, one of them not a digit)."""
    if not value.isdigit() or not value.isascii():
        problem = _("“%(v)s” có ký tự không phải chữ số") % {"v": value}
    else:
        problem = _("“%(v)s” có %(n)s chữ số") % {"v": value, "n": len(value)}
    return _(
        "Số định danh cá nhân phải gồm đúng 12 chữ số; %(problem)s. Kiểm tra lại trên CCCD hoặc giấy khai sinh, hoặc để trống nếu chưa có."
    ) % {"problem": problem}


def name_error(name: str | None) -> str | None:
    """The message for a person's name that breaks the rule of khuyenhoc/text.py (the
    one imported files follow too), or None."""
    problem = name_problem(name or "")
    return f"{problem[0]} {problem[1]}" if problem else None


def student_errors(student) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()

    name = getattr(student, "full_name", "")
    message = name_error(name) if name != getattr(student, "_stored_name", None) else None
    if message:
        errors.setdefault("full_name", []).append(message)

    if student.personal_id and not PERSONAL_ID.match(student.personal_id):
        errors.setdefault("personal_id", []).append(personal_id_message(student.personal_id))
    if student.birth_date:
        if student.birth_date > today:
            errors.setdefault("birth_date", []).append(
                _(
                    "Ngày sinh %(d)s ở trong tương lai. Nhập ngày sinh theo dạng ngày/tháng/năm, ví dụ 05/09/2012."
                )
                % {"d": student.birth_date.strftime("%d/%m/%Y")}
            )
        if student.birth_year and student.birth_year != student.birth_date.year:
            errors.setdefault("birth_year", []).append(
                _("Năm sinh phải trùng với năm của ngày sinh (%(y)s).")
                % {"y": student.birth_date.year}
            )
    elif student.birth_year and student.birth_year > today.year:
        errors.setdefault("birth_year", []).append(
            _("Năm sinh %(y)s ở trong tương lai.") % {"y": student.birth_year}
        )

    if student.grade is not None:
        if not 1 <= student.grade <= 12:
            errors.setdefault("grade", []).append(_("Khối lớp phải từ 1 đến 12."))
        elif student.school_id:
            school = student.school
            if not school.grade_min <= student.grade <= school.grade_max:
                errors.setdefault("grade", []).append(
                    _(
                        "%(school)s chỉ có các lớp %(low)s-%(high)s; lớp %(grade)s không thuộc cấp học của trường. Kiểm tra lại lớp hoặc trường."
                    )
                    % {
                        "school": school.name,
                        "low": school.grade_min,
                        "high": school.grade_max,
                        "grade": student.grade,
                    }
                )
    if student.child_consent_on and student.birth_year:
        age = student.child_consent_on.year - student.birth_year
        if age < 7:
            errors.setdefault("child_consent_on", []).append(
                _("Học sinh chỉ tự đồng ý từ 7 tuổi; dưới 7 tuổi chỉ cần phụ huynh đồng ý.")
            )
    if student.guardian_consent_on and student.guardian_consent_on > today:
        errors.setdefault("guardian_consent_on", []).append(
            _("Ngày đồng ý không được ở trong tương lai.")
        )
    if errors:
        raise ValidationError(errors)


def circumstance_errors(c) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if c.kind == "disability":
        if not c.disability_type:
            errors.setdefault("disability_type", []).append(
                _(
                    "Chọn dạng khuyết tật (vận động, nghe/nói, nhìn, thần kinh/tâm thần, trí tuệ hoặc khác)."
                )
            )
        if not c.disability_level:
            errors.setdefault("disability_level", []).append(
                _(
                    "Khuyết tật phải có mức độ: đặc biệt nặng, nặng hoặc nhẹ (theo giấy xác nhận khuyết tật)."
                )
            )
    elif c.kind == "orphan":
        if not c.orphan_label:
            errors.setdefault("orphan_label", []).append(
                _("Chọn mồ côi cha, mồ côi mẹ hoặc mồ côi cả cha lẫn mẹ.")
            )
    elif c.kind in ("poor", "near_poor"):
        if not c.household_year:
            errors.setdefault("household_year", []).append(
                _("Nhập năm được công nhận hộ nghèo/cận nghèo (ghi trên sổ hoặc giấy chứng nhận).")
            )
        elif not 2000 <= c.household_year <= today.year + 1:
            errors.setdefault("household_year", []).append(
                _("Năm công nhận %(y)s không hợp lệ.") % {"y": c.household_year}
            )
    elif c.kind == "other" and not (c.description or "").strip():
        errors.setdefault("description", []).append(
            _("Mô tả hoàn cảnh khó khăn, ví dụ: cha bị bệnh nặng, nhà bị lũ cuốn trôi.")
        )
    if c.kind != "disability" and (c.disability_type or c.disability_level):
        errors.setdefault("kind", []).append(
            _("Dạng và mức độ khuyết tật chỉ dùng cho hoàn cảnh khuyết tật.")
        )
    if c.certificate_date and c.certificate_date > today:
        errors.setdefault("certificate_date", []).append(
            _("Ngày cấp không được ở trong tương lai.")
        )
    if c.started_on and c.ended_on and c.ended_on < c.started_on:
        errors.setdefault("ended_on", []).append(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if errors:
        raise ValidationError(errors)


def support_errors(support) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    received, year = support.received_on, support.school_year
    if received:
        if received > today:
            errors.setdefault("received_on", []).append(
                _("Ngày nhận không được ở trong tương lai.")
            )
        elif received.year < 2000:
            errors.setdefault("received_on", []).append(
                _("Ngày nhận %(d)s không hợp lệ.") % {"d": received.strftime("%d/%m/%Y")}
            )
        elif year and not dt.date(year, 1, 1) <= received <= dt.date(year + 1, 12, 31):
            errors.setdefault("received_on", []).append(
                _(
                    "Ngày nhận %(d)s không thuộc năm học %(a)s-%(b)s. Kiểm tra lại ngày nhận hoặc năm học."
                )
                % {"d": received.strftime("%d/%m/%Y"), "a": year, "b": year + 1}
            )
    # (A year taken from a wrong date is not a second mistake.)
    if year is not None and not 2000 <= year <= today.year + 1 and "received_on" not in errors:
        errors.setdefault("school_year", []).append(
            _("Năm học %(a)s-%(b)s không hợp lệ.") % {"a": year, "b": year + 1}
        )
    if support.amount_vnd is not None and support.amount_vnd < 0:
        errors.setdefault("amount_vnd", []).append(_("Số tiền không được âm."))
    elif support.amount_vnd is None and support.kind in support.MONEY_KINDS:
        errors.setdefault("amount_vnd", []).append(
            _("Nhập số tiền của %(kind)s (đồng), ví dụ 1.000.000.")
            % {"kind": support.get_kind_display().lower()}
        )
    if support.quantity is not None and support.quantity < 1:
        errors.setdefault("quantity", []).append(
            _("Số lượng phải từ 1 trở lên; để trống nếu không đếm được.")
        )
    if support.kind == "other" and not (support.description or "").strip():
        errors.setdefault("description", []).append(
            _("Ghi rõ đã hỗ trợ gì, ví dụ: sửa chữa nhà ở, áo ấm mùa đông.")
        )
    if errors:
        raise ValidationError(errors)


def phone_error(phone: str) -> str | None:
    if phone and not PHONE.match(phone):
        return _("Số điện thoại phải bắt đầu bằng 0 và có 10 hoặc 11 chữ số.")
    return None
