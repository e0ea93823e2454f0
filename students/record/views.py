"""Pages of one student's record: the record itself, and the forms that add or change
the student, a circumstance or a guardian. Thin: parse the request, call a selector or a
service, render."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.forms import errors_to_form
from khuyenhoc.roles import Role, user_roles
from students.duplicates.views import duplicate_messages_add
from students.models import Circumstance, Guardian
from students.record import selectors as record_selectors
from students.record import services
from students.record.forms import CircumstanceForm, GuardianForm, StudentForm
from students.scoring import household_year_is_current
from students.status.rollover import current_school_year


@login_required
def student_detail(request, pk: int):
    from khuyenhoc.audit import Action, personal_data_access_log
    from students.record import selectors as selectors_record

    student = selectors_record.student_record_get(user=request.user, pk=pk)
    personal_data_access_log(
        user=request.user,
        action=Action.RECORD_VIEWED,
        what=f"Hồ sơ học sinh số {student.pk}, {student.school.name}",
        school=student.school,
        student_id=student.pk,
        request=request,
    )
    today = timezone.localdate()
    circumstances = [
        {
            "item": c,
            "stale": c.kind in (Circumstance.Kind.POOR, Circumstance.Kind.NEAR_POOR)
            and not household_year_is_current(c.household_year, today),
            "ended": c.ended_on is not None and c.ended_on < today,
        }
        for c in student.circumstances.all()
    ]
    wish_labels = dict(student._meta.get_field("wishes").base_field.choices)
    district, school_district = selectors_record.districts_of(
        student.commune, student.school.commune
    )
    history, history_more = selectors_record.student_history(student=student)
    # A record merged into another is kept for its history only.
    can_change = not student.merged_into_id and record_selectors.user_can_change_student(
        user=request.user, student=student
    )
    context = {
        "student": student,
        "circumstances": circumstances,
        "wishes": [wish_labels.get(w, w) for w in student.wishes],
        "district": district,
        "school_district": school_district,
        "consent": selectors_record.consent_state(student, today),
        "history": history,
        "history_more": history_more,
        "history_limit": selectors_record.HISTORY_LIMIT,
        "can_change": can_change,
        "support_years": selectors_record.supports_by_year(student),
        "current_school_year": current_school_year(today),
    }
    return render(request, "students/record/student_detail.html", context)


@login_required
def student_create(request):
    if not record_selectors.user_can_change_students(user=request.user):
        raise Http404
    form = StudentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            student = services.student_create(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Đã thêm học sinh %(name)s.") % {"name": student})
            duplicate_messages_add(request, student)
            return redirect("students:detail", pk=student.pk)
    return render(request, "students/record/student_form.html", {"form": form, "student": None})


@login_required
def student_edit(request, pk: int):
    student = record_selectors.student_for_change_get(user=request.user, pk=pk)
    # The form writes into its own copy, so a refused edit leaves the page's heading and
    # breadcrumb showing the record as it is.
    form = StudentForm(request.POST or None, instance=copy.copy(student), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_update(
                user=request.user, student=form.instance, data=form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu hồ sơ của %(name)s.") % {"name": student})
            return redirect("students:detail", pk=student.pk)
    return render(request, "students/record/student_form.html", {"form": form, "student": student})


def _can_confirm(user) -> bool:
    roles = set(user_roles(user))
    return user.is_superuser or bool(
        roles & {Role.ADMIN, Role.PROVINCIAL_STAFF, Role.DISTRICT_STAFF}
    )


@login_required
def circumstance_edit(request, pk: int, circumstance_pk: int | None = None):
    student = record_selectors.student_for_change_get(user=request.user, pk=pk)
    circumstance = None
    if circumstance_pk is not None:
        circumstance = get_object_or_404(
            Circumstance.objects.for_user(request.user, "change"),
            pk=circumstance_pk,
            student=student,
        )
    form = CircumstanceForm(
        request.POST or None,
        instance=circumstance or Circumstance(student=student),
        can_confirm=_can_confirm(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.circumstance_save(
                user=request.user,
                student=student,
                data=form.cleaned_data,
                circumstance=circumstance,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu hoàn cảnh của %(name)s.") % {"name": student})
            return redirect("students:detail", pk=student.pk)
    context = {"form": form, "student": student, "circumstance": circumstance}
    return render(request, "students/record/circumstance_form.html", context)


@login_required
def guardian_edit(request, pk: int, guardian_pk: int | None = None):
    student = record_selectors.student_for_change_get(user=request.user, pk=pk)
    guardian = None
    if guardian_pk is not None:
        guardian = get_object_or_404(
            Guardian.objects.for_user(request.user, "change"), pk=guardian_pk, student=student
        )
    form = GuardianForm(request.POST or None, instance=guardian or Guardian(student=student))
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_save(
                user=request.user, student=student, data=form.cleaned_data, guardian=guardian
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Đã lưu thông tin phụ huynh của %(name)s.") % {"name": student}
            )
            return redirect("students:detail", pk=student.pk)
    context = {"form": form, "student": student, "guardian": guardian}
    return render(request, "students/record/guardian_form.html", context)
