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
