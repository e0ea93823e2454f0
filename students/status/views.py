"""Pages for status changes (transfer, graduation, drop-out ...), the year roll-over and
the students it flagged as leaving a school level. Thin: parse, call a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyenhoc.access import CHANGE, VIEW
from khuyenhoc.forms import errors_to_form
from khuyenhoc.jobs import job_create, job_enqueue
from students.models import LevelLeaver, Rollover
from students.record import selectors as record_selectors
from students.status.forms import RolloverForm, StatusChangeForm
from students.status.rollover import (
    RolloverError,
    current_school_year,
    level_leaver_keep,
    rollover_check,
    rollover_preview,
    user_can_rollover,
)
from students.status.services import StatusAction, student_status_change


@login_required
def status_change(request, pk: int):
    student = record_selectors.student_for_change_get(user=request.user, pk=pk)
    initial = {}
    if request.GET.get("loai") in StatusAction.values:
        initial["action"] = request.GET["loai"]
    form = StatusChangeForm(
        request.POST or None, user=request.user, student=student, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = student_status_change(
                user=request.user,
                student=student,
                action=data["action"],
                changed_on=data["changed_on"],
                reason=data["reason"],
                to_school=data["to_school"],
                grade=data["grade"],
                class_name=data["class_name"],
                out_of_province=data["out_of_province"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if change.to_school_id:
                text = _("Đã chuyển %(name)s sang %(school)s.") % {
                    "name": student,
                    "school": change.to_school,
                }
            else:
                text = _("Đã ghi “%(status)s” cho %(name)s.") % {
                    "status": change.get_status_display(),
                    "name": student,
                }
            messages.success(request, text)
            return redirect("students:detail", pk=student.pk)
    return render(request, "students/status/status_form.html", {"form": form, "student": student})


@login_required
def rollover(request):
    if not user_can_rollover(request.user):
        raise Http404
    form = RolloverForm(request.POST or None, initial={"school_year": current_school_year()})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["school_year"]
        try:
            rollover_check(school_year=year)
        except RolloverError as error:
            form.add_error("school_year", str(error))
        else:
            from students.status.tasks import rollover_task

            job = job_create(
                owner=request.user,
                kind="rollover",
                total=1,
                message=_("Lên lớp đầu năm học %(a)s-%(b)s") % {"a": year, "b": year + 1},
            )
            job_enqueue(job=job, task=rollover_task, args=(year, request.user.pk))
            return redirect("job-detail", pk=job.pk)
    context = {
        "form": form,
        "preview": rollover_preview(user=request.user, school_year=current_school_year()),
        "runs": Rollover.objects.select_related("started_by")[:10],
    }
    return render(request, "students/status/rollover.html", context)


@login_required
def leavers(request):
    """Students flagged by a roll-over as leaving a school level, in the user's scope,
    still waiting for their new school."""
    open_rows = LevelLeaver.objects.for_user(request.user, VIEW).filter(resolved_at__isnull=True)
    school_id = request.GET.get("truong")
    schools = list(
        open_rows.values("student__school", "student__school__name")
        .annotate(n=Count("pk"))
        .order_by("student__school__name")
    )
    rows = open_rows.select_related("student", "student__school", "school", "rollover").order_by(
        "student__school__name", "grade_after", "student__search_key", "pk"
    )
    if school_id and school_id.isdigit():
        rows = rows.filter(student__school_id=int(school_id))
    page = Paginator(rows, settings.STUDENT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": page.object_list,
        "schools": schools,
        "total": sum(s["n"] for s in schools),
        "school_id": int(school_id) if school_id and school_id.isdigit() else None,
        "can_change": record_selectors.user_can_change_students(user=request.user),
    }
    return render(request, "students/status/leavers.html", context)


@login_required
@require_POST
def leaver_keep(request, leaver_pk: int):
    leaver = get_object_or_404(
        LevelLeaver.objects.for_user(request.user, CHANGE).select_related("student", "school"),
        pk=leaver_pk,
    )
    try:
        level_leaver_keep(user=request.user, leaver=leaver)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s học tiếp tại %(school)s.")
            % {"name": leaver.student, "school": leaver.school},
        )
    return redirect("students:leavers")
