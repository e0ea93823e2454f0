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
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyenhoc.jobs import job_create, job_enqueue
from students.duplicates import selectors, services
from students.duplicates.detect import duplicates_queue
from students.models import DuplicatePair, Student


def duplicate_messages_add(request, student: Student) -> int:
    """After a student is added through a form: queue at once the possible duplicates
    of the new record (same name without diacritics and same birth date; see
    detect.duplicates_queue) and warn the user about each. Returns how many."""
    pairs = duplicates_queue(student_ids=[student.pk])
    visible = set(
        DuplicatePair.objects.for_user(request.user)
        .filter(pk__in=[p.pk for p in pairs])
        .values_list("pk", flat=True)
    )
    for pair in pairs[:3]:
        other = pair.student_b if pair.student_a_id == student.pk else pair.student_a
        text = _(
            "Có thể trùng với học sinh %(n)s (sinh %(b)s) ở %(s)s. Hai hồ sơ đã được đưa vào"
            " danh sách học sinh có thể trùng để cán bộ xem xét; nếu là cùng một em, hãy gộp"
            " hoặc đề nghị hội huyện gộp hai hồ sơ."
        ) % {"n": other.full_name, "b": other.birth_display, "s": other.school.name}
        if pair.pk in visible:
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    text,
                    reverse("duplicates:detail", args=[pair.pk]),
                    _("So sánh hai hồ sơ"),
                ),
            )
        else:
            messages.warning(request, text)
    return len(pairs)


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
    state = request.GET.get("state", "")
    if state not in (DuplicatePair.State.MERGED, DuplicatePair.State.NOT_DUPLICATE):
        state = DuplicatePair.State.PENDING
    pairs = selectors.duplicate_pairs_in_state(
        user=request.user, district=district, reason=reason, state=state
    )
    page = Paginator(pairs, settings.STUDENT_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(DuplicatePair.Reason.choices)
    for pair in page.object_list:
        pair.students = (pair.student_a, pair.student_b)
        pair.reason_labels = [labels.get(r, r) for r in pair.reasons]
        pair.changed = selectors.duplicate_pair_changed(
            pair=pair, a=pair.student_a, b=pair.student_b
        )
    context = {
        "page": page,
        "pairs": page.object_list,
        "districts": districts,
        "district": district,
        "reason": reason,
        "reasons": DuplicatePair.Reason.choices,
        "state": state,
        "states": DuplicatePair.State.choices,
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
    try:
        pair = selectors.duplicate_pair_get(user=request.user, pk=pk)
    except Http404:
        successor = selectors.duplicate_pair_successor(user=request.user, pk=pk)
        if successor is None:
            raise
        messages.info(
            request,
            _(
                "Cặp này đã được thay bằng cặp dưới đây: một hồ sơ của nó đã được gộp vào hồ sơ"
                " khác, và hồ sơ được giữ đã có cặp với cùng học sinh."
            ),
        )
        return redirect("duplicates:detail", pk=successor.pk)
    a, b, rows = selectors.duplicate_comparison(pair=pair)
    context = {
        "pair": pair,
        "a": a,
        "b": b,
        "rows": rows,
        "reason_list": [dict(DuplicatePair.Reason.choices).get(r, r) for r in pair.reasons],
        "can_decide": selectors.duplicate_pair_can_decide(user=request.user, pair=pair),
        "can_undo": services.merge_entry_open(pair) is not None
        and services.user_can_undo_merge(user=request.user)
        and selectors.duplicate_pair_can_change(user=request.user, pair=pair),
        "merges": selectors.duplicate_merge_log(pair=pair),
        "changed": selectors.duplicate_pair_changed(pair=pair, a=a, b=b),
    }
    return render(request, "students/duplicates/detail.html", context)


@login_required
def duplicate_merge(request, pk: int):
    """GET (or a POST from the comparison page): what the merge will do, to confirm.
    POST with "confirmed": merge."""
    pair = selectors.duplicate_pair_get(user=request.user, pk=pk)
    if pair.state != DuplicatePair.State.PENDING:
        messages.error(request, _("Cặp học sinh này đã được xử lý trước đó."))
        return redirect("duplicates:detail", pk=pair.pk)
    if not selectors.duplicate_pair_can_decide(user=request.user, pair=pair):
        raise PermissionDenied
    keep_id = request.POST.get("keep", "") or request.GET.get("keep", "")
    if keep_id not in (str(pair.student_a_id), str(pair.student_b_id)):
        messages.error(request, _("Hãy chọn hồ sơ được giữ lại (A hoặc B)."))
        return redirect("duplicates:detail", pk=pair.pk)
    keep = pair.student_a if keep_id == str(pair.student_a_id) else pair.student_b
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        preview = selectors.duplicate_merge_preview(pair=pair, keep=keep)
        return render(request, "students/duplicates/merge_confirm.html", {"pair": pair, **preview})
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
def duplicate_merge_undo(request, pk: int):
    """Provincial staff undo a merge; the pair waits for a decision again."""
    pair = selectors.duplicate_pair_get(user=request.user, pk=pk)
    try:
        services.duplicate_merge_undo(user=request.user, pair=pair)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("duplicates:detail", pk=pair.pk)
    messages.success(
        request,
        _(
            "Đã hoàn tác lần gộp: hai hồ sơ lại tách riêng như trước, lịch sử của cả hai vẫn"
            " được giữ. Cặp này trở lại danh sách chờ xem xét."
        ),
    )
    return redirect("duplicates:detail", pk=pair.pk)


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
