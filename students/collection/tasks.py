"""The collection's jobs: staging an uploaded list and writing a confirmed one. The
`*_start` functions create the job the user follows and enqueue the task on commit; the
tasks are thin: they take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from khuyenhoc.jobs import job_create, job_enqueue, job_progress, job_run
from students.collection.services import (
    submission_confirm,
    submission_confirm_check,
    submission_fail,
)
from students.collection.staging import submission_stage
from students.models import Submission


def submission_process_start(*, submission: Submission, user) -> None:
    """Stage the submission in a Celery job the uploader can follow."""
    with transaction.atomic():
        job = job_create(owner=user, kind="submission_stage", message=_("Đang đọc tệp"))
        submission.job = job
        submission.save(update_fields=["job"])
        job_enqueue(job=job, task=submission_stage_task, args=(submission.pk,))


def submission_confirm_start(*, submission: Submission, user) -> None:
    """Write the confirmed list in a Celery job, after the checks a confirm needs."""
    submission_confirm_check(submission=submission, user=user)
    with transaction.atomic():
        job = job_create(owner=user, kind="submission_apply", message=_("Đang ghi vào hồ sơ"))
        submission.job = job
        submission.save(update_fields=["job"])
        job_enqueue(job=job, task=submission_apply_task, args=(submission.pk, user.pk))


def _submission_url(submission_id: int) -> str:
    return f"/thu-thap/danh-sach/{submission_id}/"


def _submission_failed(submission_id: int, *, confirming: bool):
    """The jobs' on_fail: the list ends as failed (an unexpected error gets a plain
    reason, a JobError its own words) and the job page sends the user to it."""

    def on_fail(message: str, unexpected: bool) -> dict:
        submission_fail(
            submission_id=submission_id,
            confirming=confirming,
            reason=None if unexpected else message,
        )
        return {"url": _submission_url(submission_id)}

    return on_fail


@shared_task(acks_late=True)
def submission_stage_task(job_id: int, submission_id: int) -> None:
    def work(job):
        submission = Submission.objects.select_related("school__commune").get(pk=submission_id)

        def progress(done: int, total: int) -> None:
            job_progress(job_id=job_id, done=done, total=total, message="Đang kiểm tra từng dòng")

        submission_stage(submission=submission, progress=progress)
        return {"url": _submission_url(submission_id), "message": submission.get_state_display()}

    job_run(job_id=job_id, work=work, on_fail=_submission_failed(submission_id, confirming=False))


@shared_task(acks_late=True)
def submission_apply_task(job_id: int, submission_id: int, user_id: int) -> None:
    def work(job):
        user = get_user_model().objects.get(pk=user_id)
        result = submission_confirm(submission=Submission.objects.get(pk=submission_id), user=user)
        return {
            "url": _submission_url(submission_id),
            "message": f"Thêm {result.created}, cập nhật {result.updated}, giữ nguyên {result.unchanged}",
        }

    job_run(job_id=job_id, work=work, on_fail=_submission_failed(submission_id, confirming=True))
