"""People in the Django admin by name, in Vietnamese order ("Võ Thị Thu Hà"), not by
login name: a user foreign key shown read-only or in a list goes through `person_column`."""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import capfirst

from khuyenhoc.models import person_name


def person_column(model, field: str, label=None):
    """An admin display method showing `model.field` (a user) by name, under the
    field's own label (or `label`, for a field that has none); use it as `confirmed_by_name = person_column(Submission,
    "confirmed_by")` and list "confirmed_by_name" instead of "confirmed_by"."""
    label = capfirst(label or model._meta.get_field(field).verbose_name)

    @admin.display(description=label, ordering=f"{field}__last_name")
    def show(self, obj):
        return person_name(getattr(obj, field))

    show.__name__ = f"{field}_name"
    return show
