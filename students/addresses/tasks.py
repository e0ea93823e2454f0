"""Celery task that fills students' communes from their written addresses."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def addresses_match_task(job_id: int, user_id: int) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from khuyenhoc.jobs import job_progress, job_run
    from students.addresses.services import student_communes_fill

    def work(job):
        user = get_user_model().objects.get(pk=user_id)

        def progress(done: int, total: int) -> None:
            job_progress(job_id=job_id, done=done, total=total, message="Đang đối chiếu địa chỉ")

        result = student_communes_fill(user=user, progress=progress)
        return {
            "url": reverse("addresses:unresolved"),
            "message": f"Khớp {result.matched}, chưa rõ {result.ambiguous}, không khớp {result.unmatched}",
        }

    job_run(job_id=job_id, work=work)
