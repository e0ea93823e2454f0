from django import template

from khuyenhoc import models

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A user's name in Vietnamese order ("Võ Thị Thu Hà"), or the login name."""
    return models.person_name(user)
