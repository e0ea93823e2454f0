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
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyenhoc.audit import Action, personal_data_access_log, students_what
from students.collection import selectors
from students.collection.files import FileRejected
from students.collection.services import (
    collection_round_create,
    submission_confirm_start,
    submission_create,
    submission_process_start,
    submission_review,
)
from students.forms_collection import ProgressFilterForm, ReviewForm, RoundForm, UploadForm
from students.models import Submission

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def round_list(request):
    rounds = selectors.rounds_for_user(user=request.user)
    can_create = selectors.areas_for_round_create(user=request.user).exists()
    return render(
        request, "collection/round_list.html", {"rounds": rounds, "can_create": can_create}
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
    return render(request, "collection/round_form.html", {"form": form})


@login_required
def round_progress(request, pk: int):
    collection_round = selectors.round_get(user=request.user, pk=pk)
    # The filter's choices need the districts, which the progress itself finds.
    everything = selectors.round_progress(user=request.user, collection_round=collection_round)
    form = ProgressFilterForm(request.GET or None, districts=everything["districts"])
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("o") or ""
    if sort.lstrip("-") not in selectors.PROGRESS_SORTS:
        sort = ""
    progress = selectors.round_progress(
        user=request.user,
        collection_round=collection_round,
        district=filters.get("district"),
        state=filters.get("state") or "",
        sort=sort,
    )
    context = {
        "round": collection_round,
        "form": form,
        "sort": sort,
        "sort_links": _sort_links(sort),
        **progress,
    }
    return render(request, "collection/round_progress.html", context)


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
    context = {
        "round": collection_round,
        "school": school,
        "district": school.commune.district(),
        "submissions": selectors.school_submissions(
            user=request.user, collection_round=collection_round, school=school
        ),
        "can_upload": selectors.user_can_upload(user=request.user, school=school),
        "form": form or UploadForm(),
    }
    return render(request, "collection/school.html", context, status=status)


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
    can_change = selectors.user_can_upload(user=user, school=submission.school)
    superseded = selectors.submission_superseded(submission=submission)
    context = {
        "superseded": superseded,
        "submission": submission,
        "round": submission.round,
        "data": selectors.submission_review_data(user=user, submission=submission),
        "can_confirm": can_change
        and not superseded
        and submission.state in (Submission.State.READY, Submission.State.HAS_ERRORS)
        and submission.rows_valid > 0,
        "can_reupload": can_change and submission.round_id is not None,
        "can_review": submission.state == Submission.State.SUBMITTED
        and selectors.user_can_review(user=user, submission=submission),
        "review_form": review_form or ReviewForm(),
        "job_owned": submission.job_id is not None and submission.job.owner_id == user.pk,
    }
    return render(request, "collection/review.html", context, status=status)


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
    submission = selectors.submission_get(user=request.user, pk=pk)
    if not selectors.user_can_review(user=request.user, submission=submission):
        raise Http404
    form = ReviewForm(request.POST)
    if form.is_valid():
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
            return redirect("collection:submission", pk=submission.pk)
        else:
            done = (
                _("Đã duyệt danh sách của %(school)s.")
                if approve
                else _("Đã trả lại danh sách cho %(school)s.")
            )
            messages.success(request, done % {"school": submission.school.name})
            return redirect("collection:submission", pk=submission.pk)
    return _review_page(request, submission, review_form=form, status=400)


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
