from celery import shared_task
from django.contrib.auth import get_user_model

from khuyenhoc.jobs import job_progress, job_run
from students.address_tasks import addresses_match_task  # noqa: F401  (registers the task)
from students.collection.services import submission_confirm, submission_fail
from students.collection.staging import submission_stage
from students.duplicates.tasks import duplicates_detect_task  # noqa: F401  (registers the task)
from students.export import student_export_task  # noqa: F401  (registers the task)
from students.models import Submission
from students.results.tasks import results_apply_task, results_preview_task  # noqa: F401
from students.rollover_tasks import rollover_task  # noqa: F401  (registers the task)
from students.services import need_scores_recompute


@shared_task(acks_late=True)
def need_scores_recompute_task(school_ids: list[int] | None = None) -> int:
    return need_scores_recompute(school_ids=school_ids)


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
