"""Celery tasks of the results upload: thin, they take ids and call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def results_preview_task(job_id: int, stored: str, name: str, school_id: int, year: int) -> None:
    from khuyenhoc.jobs import job_run
    from students.results.services import results_preview

    job_run(
        job_id=job_id,
        work=lambda job: results_preview(
            job_id=job_id, stored=stored, name=name, school_id=school_id, school_year=year
        ),
    )


@shared_task(acks_late=True)
def results_apply_task(job_id: int, preview_id: int, user_id: int) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from khuyenhoc.jobs import job_run
    from khuyenhoc.models import Job
    from students.results.services import results_apply

    def work(job):
        user = get_user_model().objects.get(pk=user_id)
        applied = results_apply(user=user, preview=Job.objects.get(pk=preview_id))
        return {
            "url": reverse("results:preview", args=[preview_id]),
            "message": "Thêm {created}, cập nhật {updated}, giữ nguyên {unchanged}".format(
                **applied
            ),
        }

    job_run(job_id=job_id, work=work)
