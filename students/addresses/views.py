"""Addresses the matcher could not settle: the list for staff, the job that matches
every address in their scope, and the form to pick a student's commune."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyenhoc.access import CHANGE, get_for_user_or_404, scope_for
from khuyenhoc.jobs import job_create, job_enqueue
from khuyenhoc.widgets import CommunePicker
from students.addresses.lookup import address_lookup
from students.addresses.services import (
    commune_choices,
    region_roots,
    student_commune_set,
    unresolved_students,
)
from students.models import Student

PAGE_SIZE = 50


class CommuneForm(forms.Form):
    commune = forms.TypedChoiceField(
        label=gettext_lazy("Xã/phường cư trú"),
        coerce=int,
        widget=CommunePicker,
        error_messages={
            "required": gettext_lazy("Hãy chọn xã/phường."),
            "invalid_choice": gettext_lazy("Hãy chọn một xã/phường trong danh sách."),
        },
    )
    village = forms.CharField(label=gettext_lazy("Thôn/khối phố"), max_length=100, required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "—"), *choices]


def _may_change(user) -> bool:
    return not scope_for(user, CHANGE, Student).is_empty


@login_required
def unresolved_list(request):
    students = unresolved_students(user=request.user)
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = list(page.object_list)
    lookup = address_lookup(roots=region_roots({s.school.commune.path for s in rows}))
    for s in rows:
        found = lookup.match(s.address_text, near=s.school.commune_id)
        s.match = found
        s.candidate_labels = [(pk, lookup.label(pk)) for pk in found.candidates[:6]]
    context = {
        "page": page,
        "rows": rows,
        "may_change": _may_change(request.user),
    }
    return render(request, "students/addresses/unresolved.html", context)


@login_required
@require_POST
def match_start(request):
    from students.addresses.tasks import addresses_match_task

    if not _may_change(request.user):
        raise Http404
    with transaction.atomic():
        job = job_create(
            owner=request.user, kind="addresses_match", message=_("Đang đối chiếu địa chỉ")
        )
        job_enqueue(job=job, task=addresses_match_task, args=(request.user.pk,))
    return redirect("job-detail", pk=job.pk)


@login_required
def commune_set(request, pk: int):
    student = get_for_user_or_404(Student, request.user, CHANGE, pk=pk)
    student = Student.objects.select_related("school__commune").get(pk=student.pk)
    choices = commune_choices(student=student)
    lookup = address_lookup(roots=region_roots([student.school.commune.path]))
    found = lookup.match(student.address_text, near=student.school.commune_id)
    initial = {"village": student.village or found.village}
    if found.candidates:
        initial["commune"] = found.candidates[0]
    form = CommuneForm(request.POST or None, initial=initial, choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                student_commune_set(
                    user=request.user,
                    student_pk=student.pk,
                    commune_pk=form.cleaned_data["commune"],
                    village=form.cleaned_data["village"],
                )
            except ValueError:
                form.add_error("commune", _("Hãy chọn một xã/phường trong danh sách."))
            else:
                messages.success(
                    request,
                    _("Đã ghi xã/phường cho %(name)s.") % {"name": student.full_name},
                )
                back = reverse("addresses:unresolved")
                page = request.POST.get("trang", "")
                return redirect(f"{back}?trang={page}" if page.isdigit() else back)
        status = 400
    context = {
        "student": student,
        "form": form,
        "match": found,
        "candidate_labels": [(c, lookup.label(c)) for c in found.candidates[:6]],
    }
    return render(request, "students/addresses/commune_form.html", context, status=status)
