"""The detection job: thin, takes the job id, calls the service, reports progress."""

from __future__ import annotations

from celery import shared_task


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
