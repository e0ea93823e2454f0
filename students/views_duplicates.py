"""The review queue of possible duplicates: pending pairs, one pair side by side, merge
or "not duplicates", and starting a detection run. Thin: parse, call a selector or a
service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyenhoc.jobs import job_create, job_enqueue
from students.duplicates import selectors, services
from students.models import DuplicatePair


def _filters(request, user):
    districts = list(selectors.duplicate_districts(user=user))
    district = None
    raw = request.GET.get("district", "")
    if raw.isdigit():
        district = next((d for d in districts if d.pk == int(raw)), None)
    reason = request.GET.get("reason", "")
    if reason not in DuplicatePair.Reason.values:
        reason = ""
    return districts, district, reason


@login_required
def duplicate_list(request):
    districts, district, reason = _filters(request, request.user)
    pairs = selectors.duplicate_pairs_pending(user=request.user, district=district, reason=reason)
    page = Paginator(pairs, settings.STUDENT_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(DuplicatePair.Reason.choices)
    for pair in page.object_list:
        pair.students = (pair.student_a, pair.student_b)
        pair.reason_labels = [labels.get(r, r) for r in pair.reasons]
    context = {
        "page": page,
        "pairs": page.object_list,
        "districts": districts,
        "district": district,
        "reason": reason,
        "reasons": DuplicatePair.Reason.choices,
        "can_detect": selectors.user_can_detect_duplicates(user=request.user),
        "last_job": selectors.duplicate_detect_last_job(user=request.user),
    }
    return render(request, "students/duplicates/list.html", context)


@login_required
@require_POST
def duplicate_detect_start(request):
    """Start a detection over the whole province as a job with a progress bar."""
    from students.duplicates.tasks import duplicates_detect_task

    if not selectors.user_can_detect_duplicates(user=request.user):
        raise PermissionDenied
    with transaction.atomic():
        job = job_create(
            owner=request.user,
            kind=selectors.DETECT_JOB_KIND,
            message=_("Đang tìm học sinh trùng trong toàn tỉnh"),
        )
        job_enqueue(job=job, task=duplicates_detect_task)
    return redirect("job-detail", pk=job.pk)


@login_required
def duplicate_detail(request, pk: int):
    pair = selectors.duplicate_pair_get(user=request.user, pk=pk)
    a, b, rows = selectors.duplicate_comparison(pair=pair)
    context = {
        "pair": pair,
        "a": a,
        "b": b,
        "rows": rows,
        "reason_list": [dict(DuplicatePair.Reason.choices).get(r, r) for r in pair.reasons],
        "can_decide": selectors.duplicate_pair_can_decide(user=request.user, pair=pair),
    }
    return render(request, "students/duplicates/detail.html", context)


@login_required
@require_POST
def duplicate_merge(request, pk: int):
    pair = selectors.duplicate_pair_get(user=request.user, pk=pk)
    keep_id = request.POST.get("keep", "")
    if keep_id not in (str(pair.student_a_id), str(pair.student_b_id)):
        messages.error(request, _("Hãy chọn hồ sơ được giữ lại (A hoặc B)."))
        return redirect("duplicates:detail", pk=pair.pk)
    keep = pair.student_a if keep_id == str(pair.student_a_id) else pair.student_b
    try:
        result = services.duplicate_merge(user=request.user, pair=pair, keep=keep)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("duplicates:detail", pk=pair.pk)
    moved = sum(result.moved.values())
    messages.success(
        request,
        _("Đã gộp hồ sơ %(merged)s vào hồ sơ %(kept)s (chuyển %(moved)s mục kèm theo).")
        % {"merged": result.merged.full_name, "kept": result.kept.full_name, "moved": moved},
    )
    return redirect("students:detail", pk=result.kept.pk)


@login_required
@require_POST
def duplicate_distinct(request, pk: int):
    pair = selectors.duplicate_pair_get(user=request.user, pk=pk)
    try:
        services.duplicate_mark_distinct(user=request.user, pair=pair)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("duplicates:detail", pk=pair.pk)
    messages.success(
        request, _("Đã ghi nhận: hai hồ sơ là hai học sinh khác nhau. Cặp này sẽ không hiện lại.")
    )
    return redirect("duplicates:list")
