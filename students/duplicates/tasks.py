"""The detection job: thin, takes the job id, calls the service, reports progress. And
the queueing of a confirmed list's new students."""

from __future__ import annotations

from celery import shared_task

from students.duplicates.detect import duplicates_queue
from students.models import SubmissionRow


@shared_task(acks_late=True)
def duplicates_detect_task(job_id: int) -> None:
    from django.urls import reverse

    from khuyenhoc.jobs import job_progress, job_run
    from students.duplicates.detect import duplicates_detect

    def work(job):
        def progress(done: int, total: int, message: str) -> None:
            job_progress(job_id=job_id, done=done, total=total, message=message)

        result = duplicates_detect(progress=progress)
        return {
            "url": reverse("duplicates:list"),
            "message": (
                f"{result.found:,} cặp có thể trùng ({result.new:,} mới) trong "
                f"{result.students:,} học sinh, {result.seconds:.0f} giây".replace(",", ".")
            ),
            **result.as_dict(),
        }

    job_run(job_id=job_id, work=work)


@shared_task(acks_late=True)
def duplicates_queue_task(submission_id: int) -> int:
    """Queue the possible duplicates of the students a confirmed list added (see
    detect.duplicates_queue), beside the import rather than inside it: a confirmed list
    of many thousands does not wait for it. Idempotent (pairs already there stay).
    Enqueue with transaction.on_commit once the list is confirmed. Returns how many
    pairs of those students wait for review."""
    ids = list(
        SubmissionRow.objects.filter(
            submission_id=submission_id,
            action=SubmissionRow.Action.NEW,
            student__merged_into__isnull=True,
        ).values_list("student_id", flat=True)
    )
    return len(duplicates_queue(student_ids=ids))
