"""Pages of the yearly collection: rounds and their progress, a school's page with
its template and upload form, and the review of an uploaded list. Thin: parse the
request, call a selector or a service, render."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from khuyenhoc.audit import Action, personal_data_access_log, students_what
from khuyenhoc.home import home_kind
from students.collection import selectors
from students.collection.files import FileRejected
from students.collection.forms import (
    ProgressFilterForm,
    ReviewForm,
    RoundExtendForm,
    RoundForm,
    UploadForm,
)
from students.collection.round_export import not_submitted_write
from students.collection.services import (
    collection_round_close,
    collection_round_create,
    collection_round_extend,
    submission_create,
    submission_review,
    submissions_approve,
)
from students.collection.tasks import submission_confirm_start, submission_process_start
from students.models import Submission
from students.record.selectors import schools_for_student_change

PER_PAGE = 50

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def round_list(request):
    rounds = selectors.rounds_for_user(user=request.user)
    can_create = selectors.areas_for_round_create(user=request.user).exists()
    return render(
        request, "students/collection/round_list.html", {"rounds": rounds, "can_create": can_create}
    )


@login_required
def round_create(request):
    if not selectors.areas_for_round_create(user=request.user).exists():
        raise Http404
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            collection_round = collection_round_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Đã mở đợt %(name)s.") % {"name": collection_round})
            return redirect("collection:round", pk=collection_round.pk)
    return render(request, "students/collection/round_form.html", {"form": form})


def _progress_filters(request, user, collection_round) -> tuple[ProgressFilterForm, dict]:
    # The filter's choices need the districts, which the progress itself finds.
    everything = selectors.round_progress(user=user, collection_round=collection_round)
    form = ProgressFilterForm(request.GET or None, districts=everything["districts"])
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("o") or ""
    if sort.lstrip("-") not in selectors.PROGRESS_SORTS:
        sort = ""
    return form, {
        "district": filters.get("district"),
        "state": filters.get("state") or "",
        "q": filters.get("q") or "",
        "sort": sort,
    }


@login_required
def round_progress(request, pk: int):
    user = request.user
    collection_round = selectors.round_get(user=user, pk=pk)
    if home_kind(user) == "school":
        # A school has its own page in the round: what to do, not a table of schools.
        schools = list(selectors.round_schools(user=user, collection_round=collection_round)[:2])
        if len(schools) == 1:
            return redirect("collection:school", pk=collection_round.pk, school_pk=schools[0].pk)
    form, filters = _progress_filters(request, user, collection_round)
    progress = selectors.round_progress(user=user, collection_round=collection_round, **filters)
    page = Paginator(progress["items"], PER_PAGE).get_page(request.GET.get("page"))
    reviewable = set()
    if user.has_perm("students.review_submission"):
        changeable = set(schools_for_student_change(user=user).values_list("pk", flat=True))
        reviewable = {
            i.submission_id
            for i in page.object_list
            if i.state == Submission.State.SUBMITTED and i.school.pk in changeable
        }
    can_manage = selectors.user_can_manage_round(user=user, collection_round=collection_round)
    context = {
        "round": collection_round,
        "form": form,
        "sort": filters["sort"],
        "sort_links": _sort_links(filters["sort"]),
        "page": page,
        "reviewable": reviewable,
        "can_manage": can_manage,
        "extend_form": RoundExtendForm(initial={"deadline": collection_round.deadline})
        if can_manage
        else None,
        "not_submitted_state": selectors.NOT_SUBMITTED,
        **progress,
    }
    return render(request, "students/collection/round_progress.html", context)


@login_required
def round_not_submitted_export(request, pk: int):
    """The schools of the round (as filtered) that have not sent their list, with
    their phone, to call them."""
    user = request.user
    collection_round = selectors.round_get(user=user, pk=pk)
    _form, filters = _progress_filters(request, user, collection_round)
    # The page's district and name filters apply; a state that is not "sent" narrows
    # the list further (e.g. only the schools that uploaded nothing).
    if filters["state"] in selectors.DONE_STATES:
        filters["state"] = ""
    filters["state"] = filters["state"] or selectors.NOT_SUBMITTED
    items = selectors.round_progress(user=user, collection_round=collection_round, **filters)[
        "items"
    ]
    name = f"truong-chua-gui-{collection_round.school_year}-{collection_round.pk}.xlsx"
    response, _count = _file_response(
        lambda path: not_submitted_write(collection_round=collection_round, items=items, path=path),
        name,
    )
    return response


def _messages_error(request, errors: dict) -> None:
    for field_errors in errors.values():
        for error in field_errors:
            messages.error(request, error)


def _round_back(request, collection_round):
    """Back to the round's page with the filters the form was sent from."""
    url = reverse("collection:round", args=[collection_round.pk])
    query = QueryDict(request.POST.get("back", "")).urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def round_close(request, pk: int):
    collection_round = selectors.round_get(user=request.user, pk=pk)
    collection_round = collection_round_close(user=request.user, collection_round=collection_round)
    messages.success(
        request,
        _("Đã đóng đợt %(name)s: các trường không tải lên hay xác nhận danh sách được nữa.")
        % {"name": collection_round.name},
    )
    return _round_back(request, collection_round)


@login_required
@require_POST
def round_extend(request, pk: int):
    collection_round = selectors.round_get(user=request.user, pk=pk)
    if not selectors.user_can_manage_round(user=request.user, collection_round=collection_round):
        raise Http404
    form = RoundExtendForm(request.POST)
    if form.is_valid():
        try:
            collection_round = collection_round_extend(
                user=request.user,
                collection_round=collection_round,
                deadline=form.cleaned_data["deadline"],
            )
        except ValidationError as error:
            _messages_error(request, error.message_dict)
        else:
            messages.success(
                request,
                _("Đã gia hạn đợt %(name)s đến %(date)s; các trường nộp được đến hết ngày đó.")
                % {
                    "name": collection_round.name,
                    "date": collection_round.deadline.strftime("%d/%m/%Y"),
                },
            )
    else:
        _messages_error(request, form.errors)
    return _round_back(request, collection_round)


@login_required
@require_POST
def round_approve(request, pk: int):
    """District staff approve the checked lists of the round in one go; each is
    checked on its own (scope, state)."""
    collection_round = selectors.round_get(user=request.user, pk=pk)
    if not request.user.has_perm("students.review_submission"):
        raise Http404
    pks = [int(v) for v in request.POST.getlist("submission") if v.isdigit()][:1000]
    if not pks:
        messages.error(request, _("Hãy đánh dấu ít nhất một danh sách để duyệt."))
        return _round_back(request, collection_round)
    found = selectors.submissions_reviewable(
        user=request.user, collection_round=collection_round, pks=pks
    )
    approved, refused = submissions_approve(user=request.user, submissions=found)
    if approved:
        messages.success(
            request,
            ngettext(
                "Đã duyệt %(count)d danh sách: %(schools)s.",
                "Đã duyệt %(count)d danh sách: %(schools)s.",
                len(approved),
            )
            % {"count": len(approved), "schools": ", ".join(s.school.name for s in approved)},
        )
    for submission, reason in refused:
        messages.error(request, f"{submission.school.name}: {reason}")
    if missing := len(set(pks)) - len(found):
        messages.error(
            request,
            ngettext(
                "%(count)d danh sách không duyệt được: danh sách không còn chờ duyệt hoặc "
                "không thuộc phạm vi của bạn.",
                "%(count)d danh sách không duyệt được: danh sách không còn chờ duyệt hoặc "
                "không thuộc phạm vi của bạn.",
                missing,
            )
            % {"count": missing},
        )
    return _round_back(request, collection_round)


def _sort_links(sort: str) -> dict[str, dict]:
    """For each sortable column (by a name a template can use): the value its header
    link sets and how the list is sorted by it now."""
    links = {}
    for key in selectors.PROGRESS_SORTS:
        name = key.replace("-", "_")
        if sort == key or (not sort and key == "truong"):
            links[name] = {"value": f"-{key}", "state": "ascending"}
        elif sort == f"-{key}":
            links[name] = {"value": key, "state": "descending"}
        else:
            links[name] = {"value": f"-{key}" if key == "ngay" else key, "state": ""}
    return links


def _school_page(request, collection_round, school, form=None, status=200):
    submissions = list(
        selectors.school_submissions(
            user=request.user, collection_round=collection_round, school=school
        )
    )
    can_upload = selectors.user_can_upload(user=request.user, school=school)
    round_open = collection_round.closed_at is None
    context = {
        "round": collection_round,
        "school": school,
        "district": school.commune.district(),
        "submissions": submissions,
        "pending": selectors.submission_pending(submissions=submissions)
        if can_upload and round_open
        else None,
        "can_upload": can_upload,
        "round_open": round_open,
        "form": form or UploadForm(),
    }
    return render(request, "students/collection/school.html", context, status=status)


@login_required
def school_page(request, pk: int, school_pk: int):
    collection_round = selectors.round_get(user=request.user, pk=pk)
    school = selectors.round_school_get(
        user=request.user, collection_round=collection_round, pk=school_pk
    )
    return _school_page(request, collection_round, school)


@login_required
def school_template(request, pk: int, school_pk: int):
    """The school's pre-filled template: its studying students, ready to correct."""
    from students.collection.template import school_template_write

    collection_round = selectors.round_get(user=request.user, pk=pk)
    school = selectors.round_school_get(
        user=request.user, collection_round=collection_round, pk=school_pk
    )
    name = f"danh-sach-{school.moet_code}-{collection_round.school_year}.xlsx"
    response, count = _file_response(
        lambda path: school_template_write(
            school=school, school_year=collection_round.school_year, path=path
        ),
        name,
    )
    personal_data_access_log(
        user=request.user,
        action=Action.TEMPLATE_DOWNLOADED,
        what=students_what(school.name, count),
        school=school,
        rows=count,
        request=request,
    )
    return response


@login_required
@require_POST
def submission_upload(request, pk: int, school_pk: int):
    collection_round = selectors.round_get(user=request.user, pk=pk)
    school = selectors.round_school_get(
        user=request.user, collection_round=collection_round, pk=school_pk
    )
    if not selectors.user_can_upload(user=request.user, school=school):
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submission = submission_create(
                user=request.user,
                school=school,
                upload=form.cleaned_data["file"],
                collection_round=collection_round,
            )
        except FileRejected as error:
            form.add_error("file", str(error))
        else:
            submission_process_start(submission=submission, user=request.user)
            return redirect("job-detail", pk=submission.job_id)
    return _school_page(request, collection_round, school, form=form, status=400)


def _review_page(request, submission: Submission, review_form=None, status=200):
    user = request.user
    round_open = submission.round is None or submission.round.closed_at is None
    can_change = selectors.user_can_upload(user=user, school=submission.school)
    superseded = selectors.submission_superseded(submission=submission)
    pending_other = None
    if submission.state == Submission.State.FAILED and submission.round and can_change:
        # A file that could not be read leaves the earlier list waiting: say which.
        pending_other = selectors.submission_pending(
            submissions=list(
                selectors.school_submissions(
                    user=user, collection_round=submission.round, school=submission.school
                )
            )
        )
    context = {
        "round_open": round_open,
        "can_change": can_change,
        "pending_other": pending_other,
        "superseded": superseded,
        "submission": submission,
        "round": submission.round,
        "data": selectors.submission_review_data(user=user, submission=submission),
        "can_confirm": can_change
        and round_open
        and not superseded
        and submission.state in (Submission.State.READY, Submission.State.HAS_ERRORS)
        and submission.rows_valid > 0,
        "can_reupload": can_change and submission.round_id is not None and round_open,
        "can_review": submission.state == Submission.State.SUBMITTED
        and selectors.user_can_review(user=user, submission=submission),
        "review_form": review_form or ReviewForm(),
        "job_owned": submission.job_id is not None and submission.job.owner_id == user.pk,
    }
    return render(request, "students/collection/review.html", context, status=status)


@login_required
def submission_detail(request, pk: int):
    submission = selectors.submission_get(user=request.user, pk=pk)
    return _review_page(request, submission)


@login_required
@require_POST
def submission_confirm(request, pk: int):
    submission = selectors.submission_get(user=request.user, pk=pk)
    if not selectors.user_can_upload(user=request.user, school=submission.school):
        raise Http404
    if selectors.submission_superseded(submission=submission):
        messages.error(
            request,
            _("Đã có danh sách mới hơn của trường trong đợt này; hãy xác nhận danh sách đó."),
        )
        return redirect("collection:submission", pk=submission.pk)
    try:
        submission_confirm_start(submission=submission, user=request.user)
    except FileRejected as error:
        messages.error(request, str(error))
        return redirect("collection:submission", pk=submission.pk)
    return redirect("job-detail", pk=submission.job_id)


@login_required
@require_POST
def submission_decide(request, pk: int):
    """Approve or send back. A decision redirects to the list's page (a refresh never
    sends it twice); a form with errors (no comment) is shown again with them."""
    submission = selectors.submission_get(user=request.user, pk=pk)
    if not selectors.user_can_review(user=request.user, submission=submission):
        raise Http404
    url = reverse("collection:submission", args=[submission.pk])
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _review_page(request, submission, review_form=form, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        submission_review(
            submission=submission,
            user=request.user,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except FileRejected as error:
        # The list is no longer waiting for a decision (someone else decided).
        messages.error(request, str(error))
        return redirect(url)
    if approve:
        done = _("Đã duyệt danh sách của %(school)s.")
    else:
        done = _(
            "Đã trả lại danh sách cho %(school)s. Các dòng hợp lệ của danh sách đã được ghi "
            "vào hồ sơ khi trường xác nhận và vẫn giữ nguyên; trường sửa theo ý kiến của hội "
            "huyện rồi tải lên lại."
        )
    messages.success(request, done % {"school": submission.school.name})
    return redirect(url)


@login_required
def submission_errors_file(request, pk: int):
    """The uploaded file handed back with every problem marked in its cell."""
    from students.collection.errors_workbook import errors_workbook_write

    submission = selectors.submission_get(user=request.user, pk=pk)
    if submission.state == Submission.State.PROCESSING or not (
        submission.rows_error or submission.rows_warning
    ):
        raise Http404
    stem = Path(submission.original_name).stem or "danh-sach"
    response, _path = _file_response(
        lambda path: errors_workbook_write(submission=submission, path=path),
        f"{stem}-danh-dau-loi.xlsx",
    )
    personal_data_access_log(
        user=request.user,
        action=Action.ERROR_FILE_DOWNLOADED,
        what=students_what(
            f"{submission.school.name}, tệp {submission.original_name}", submission.rows_total
        ),
        school=submission.school,
        rows=submission.rows_total,
        request=request,
    )
    return response


def _file_response(write, name: str) -> tuple[FileResponse, object]:
    """Write a workbook to a temporary file and stream it; the file is unlinked at
    once and disappears when the response closes it. Returns the response and what
    `write` returned."""
    fd, tmp = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    path = Path(tmp)
    try:
        written = write(path)
        handle = path.open("rb")
    finally:
        path.unlink(missing_ok=True)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
    return response, written
