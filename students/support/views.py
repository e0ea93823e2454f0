"""Pages to record support a student received, correct it, and remove a row recorded
by mistake. Thin: parse the request, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from khuyenhoc.access import CHANGE
from khuyenhoc.forms import errors_to_form
from students.models import Support
from students.record import selectors as record_selectors
from students.support import services as services_support
from students.support.forms import SupportForm
from students.support.services import SUPPORT_FIELDS


def _record_url(student) -> str:
    return reverse("students:detail", args=[student.pk]) + "#ho-tro"


def _support_for_change_get(*, user, student, support_pk: int) -> Support:
    return get_object_or_404(Support.objects.for_user(user, CHANGE), pk=support_pk, student=student)


@login_required
def support_edit(request, pk: int, support_pk: int | None = None):
    student = record_selectors.student_for_change_get(user=request.user, pk=pk)
    support = None
    if support_pk is not None:
        support = _support_for_change_get(user=request.user, student=student, support_pk=support_pk)
    form = SupportForm(request.POST or None, instance=support or Support(student=student))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data.get(name) for name in SUPPORT_FIELDS}
        try:
            if support is None:
                services_support.support_record(user=request.user, student=student, **values)
            else:
                services_support.support_update(user=request.user, support=support, **values)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Đã ghi nhận hỗ trợ cho %(name)s.") % {"name": student})
            return redirect(_record_url(student))
    context = {
        "form": form,
        "student": student,
        "support": support,
        "can_delete": support is not None
        and services_support.user_can_delete_support(user=request.user),
    }
    return render(request, "students/support/support_form.html", context)


@login_required
def support_delete(request, pk: int, support_pk: int):
    student = record_selectors.student_for_change_get(user=request.user, pk=pk)
    support = _support_for_change_get(user=request.user, student=student, support_pk=support_pk)
    if not services_support.user_can_delete_support(user=request.user):
        raise Http404
    if request.method == "POST":
        services_support.support_delete(user=request.user, support=support)
        messages.success(request, _("Đã xoá một dòng hỗ trợ của %(name)s.") % {"name": student})
        return redirect(_record_url(student))
    return render(
        request, "students/support/support_delete.html", {"student": student, "support": support}
    )
