from celery import shared_task

from students.address_tasks import addresses_match_task  # noqa: F401  (registers the task)
from students.duplicates.tasks import duplicates_detect_task  # noqa: F401  (registers the task)
from students.export import student_export_task  # noqa: F401  (registers the task)
from students.results.tasks import results_apply_task, results_preview_task  # noqa: F401
from students.rollover_tasks import rollover_task  # noqa: F401  (registers the task)
from students.services import need_scores_recompute


@shared_task(acks_late=True)
def need_scores_recompute_task(school_ids: list[int] | None = None) -> int:
    return need_scores_recompute(school_ids=school_ids)


@shared_task(acks_late=True)
def submission_stage_task(job_id: int, submission_id: int) -> None:
    from khuyenhoc.jobs import job_progress, job_run
    from students.collection.staging import submission_stage
    from students.models import Submission

    def work(job):
        submission = Submission.objects.select_related("school__commune").get(pk=submission_id)

        def progress(done: int, total: int) -> None:
            job_progress(job_id=job_id, done=done, total=total, message="Đang kiểm tra từng dòng")

        submission_stage(submission=submission, progress=progress)
        return {
            "url": f"/thu-thap/danh-sach/{submission_id}/",
            "message": submission.get_state_display(),
        }

    job_run(job_id=job_id, work=work)


@shared_task(acks_late=True)
def submission_apply_task(job_id: int, submission_id: int, user_id: int) -> None:
    from django.contrib.auth import get_user_model

    from khuyenhoc.jobs import job_run
    from students.collection.apply import submission_apply
    from students.models import Submission

    def work(job):
        user = get_user_model().objects.get(pk=user_id)
        result = submission_apply(submission=Submission.objects.get(pk=submission_id), user=user)
        return {
            "url": f"/thu-thap/danh-sach/{submission_id}/",
            "message": f"Thêm {result.created}, cập nhật {result.updated}, giữ nguyên {result.unchanged}",
        }

    job_run(job_id=job_id, work=work)
