"""Support a student received (scholarships, gifts, tuition, health insurance ...), as
staff record hand-outs: keyword-only, one transaction each, the user's "change" scope
checked here (a view's check is not the only guard). A student outside that scope,
or a support row that is not theirs, is a 404, as on the pages; a provincial leader
changes nothing. The record's history (the triggers) says who did it and from where.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404

from khuyenhoc.access import CHANGE
from students.models import Student, Support
from students.status.rollover import current_school_year

# What a support row holds besides its student and who recorded it: one list for the
# form and the writes.
SUPPORT_FIELDS = (
    "school_year",
    "received_on",
    "giver",
    "kind",
    "description",
    "amount_vnd",
    "quantity",
    "note",
)


def _student_for_change(*, user, student: Student) -> Student:
    return get_object_or_404(Student.objects.for_user(user, CHANGE), pk=student.pk)


def _support_for_change(*, user, support: Support) -> Support:
    return get_object_or_404(
        Support.objects.for_user(user, CHANGE)
        .select_for_update(of=("self",))
        .filter(student__in=Student.objects.for_user(user, CHANGE)),
        pk=support.pk,
    )


def _assign(support: Support, values: dict) -> None:
    from khuyenhoc.text import clean_text

    for name, value in values.items():
        setattr(support, name, clean_text(value) if isinstance(value, str) else value)
    if support.school_year is None and support.received_on is not None:
        # The school year the hand-out falls in (from June on, the one starting then).
        support.school_year = current_school_year(support.received_on)


@transaction.atomic
def support_record(
    *,
    user,
    student: Student,
    received_on: dt.date,
    giver: str,
    kind: str,
    school_year: int | None = None,
    description: str = "",
    amount_vnd: int | None = None,
    quantity: int | None = None,
    note: str = "",
) -> Support:
    """Record a support the student received. Without a school year, the one the date
    falls in. Raises ValidationError with the messages on the form's fields."""
    student = _student_for_change(user=user, student=student)
    support = Support(student=student, recorded_by=user)
    _assign(
        support,
        {
            "school_year": school_year,
            "received_on": received_on,
            "giver": giver,
            "kind": kind,
            "description": description,
            "amount_vnd": amount_vnd,
            "quantity": quantity,
            "note": note,
        },
    )
    support.full_clean()
    support.save()
    return support


@transaction.atomic
def support_update(*, user, support: Support, **values) -> Support:
    """Correct a support row of a student the user may change; `values` are any of
    SUPPORT_FIELDS (a school year of None is the one the date falls in)."""
    unknown = set(values) - set(SUPPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown support fields: {sorted(unknown)}")
    locked = _support_for_change(user=user, support=support)
    _assign(locked, values)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def support_delete(*, user, support: Support) -> None:
    """Remove a support row recorded by mistake (the history keeps it). Needs the
    permission to delete support rows (provincial staff, administrators) on top of
    the change scope: district and school staff correct a row instead."""
    locked = _support_for_change(user=user, support=support)
    if not user.has_perm("students.delete_support"):
        raise Http404
    locked.delete()


def user_can_delete_support(*, user) -> bool:
    return user.has_perm("students.delete_support")
