"""Small helpers for the student pages."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from students.record import selectors as record_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def can_change_students(context) -> bool:
    """Whether the signed-in user may change any student (menu entries, buttons)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return record_selectors.user_can_change_students(user=user)


@register.simple_tag(takes_context=True)
def can_rollover(context) -> bool:
    """Whether the signed-in user may start the year roll-over (menu entry)."""
    from students.status.rollover import user_can_rollover

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user_can_rollover(user))


@register.filter
def vnd(amount) -> str:
    """1500000 -> "1.500.000 đ" (the thousands separator of the active language)."""
    from students.record.selectors import vnd as as_vnd

    if amount in (None, ""):
        return ""
    return as_vnd(amount)


_PK_MARK = 987654321


@register.simple_tag
def student_rows(students) -> str:
    """The list's table rows, built in Python: the same markup a template loop gave, in
    a sixth of its time (7 ms for a page of 50 at 1,000,000 students; every page of
    the list renders them). Everything shown is escaped."""
    labels = {
        key: escape(gettext(text))
        for key, text in (
            ("name", "Họ và tên"),
            ("birth", "Ngày sinh"),
            ("school", "Trường"),
            ("class", "Lớp"),
            ("kinds", "Hoàn cảnh"),
            ("score", "Điểm"),
            ("verified", "Xác minh"),
        )
    }
    yes = f'<span class="badge badge-ok">{escape(gettext("Đã xác minh"))}</span>'
    no = f'<span class="muted">{escape(gettext("Chưa"))}</span>'
    by_guardian = escape(gettext("Khớp theo phụ huynh:"))
    # A student added in the pages whose circumstances are still to record.
    none = f'<span class="badge badge-warn">{escape(gettext("Chưa thuộc diện nào"))}</span>'
    # One reverse(), then each id in its place: a reverse() per row cost more than the row.
    detail = reverse("students:detail", args=[_PK_MARK]).split(str(_PK_MARK))
    out = []
    for s in students:
        status = (
            f' · <span class="badge badge-warn">{escape(s.status_label)}</span>'
            if s.status != "studying"
            else ""
        )
        guardian = (
            f'<span class="small block match-guardian">{by_guardian} {escape(s.matched_guardian)}</span>'
            if getattr(s, "matched_guardian", "")
            else ""
        )
        kinds = "".join(f'<span class="badge">{escape(k)}</span> ' for k in s.kind_labels) or none
        out.append(
            "<tr>"
            f'<td data-label="{labels["name"]}" class="cell-name">'
            f'<a href="{detail[0]}{s.pk}{detail[1]}">{escape(s.full_name)}</a>'
            f' <span class="muted small">{escape(s.gender_label)}{status}</span>{guardian}</td>'
            f'<td data-label="{labels["birth"]}"><div>{escape(s.birth_display)}</div></td>'
            f'<td data-label="{labels["school"]}"><div>{escape(s.school.name)}'
            f'<span class="muted small block">{escape(s.school.commune.name)}</span></div></td>'
            f'<td data-label="{labels["class"]}"><div>{escape(s.class_name or s.grade)}</div></td>'
            f'<td data-label="{labels["kinds"]}"><div>{kinds}</div></td>'
            f'<td data-label="{labels["score"]}" class="num"><div>{s.need_score}</div></td>'
            f'<td data-label="{labels["verified"]}"><div>{yes if s.verified_at else no}</div></td>'
            "</tr>"
        )
    return mark_safe("\n".join(out))
