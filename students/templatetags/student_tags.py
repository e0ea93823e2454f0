"""Small helpers for the student pages."""

from __future__ import annotations

from django import template

from students import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def can_change_students(context) -> bool:
    """Whether the signed-in user may change any student (menu entries, buttons)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return selectors.user_can_change_students(user=user)


@register.simple_tag(takes_context=True)
def can_rollover(context) -> bool:
    """Whether the signed-in user may start the year roll-over (menu entry)."""
    from students.rollover import user_can_rollover

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user_can_rollover(user))


@register.filter
def vnd(amount) -> str:
    """1500000 -> "1.500.000 đ" (the thousands separator of the active language)."""
    from students.selectors_record import vnd as as_vnd

    if amount in (None, ""):
        return ""
    return as_vnd(amount)
