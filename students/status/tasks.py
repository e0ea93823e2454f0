"""Celery task of the year roll-over: thin, takes ids, calls the service."""

from celery import shared_task


@shared_task(acks_late=True)
def rollover_task(job_id: int, school_year: int, user_id: int) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from khuyenhoc.jobs import JobError, job_run
    from students.status.rollover import RolloverError, rollover_run

    def work(job):
        user = get_user_model().objects.get(pk=user_id)
        try:
            run = rollover_run(school_year=school_year, user=user, source="rollover")
        except RolloverError as exc:
            raise JobError(str(exc)) from None
        return {
            "url": reverse("students:rollover"),
            "message": f"Lên lớp {run.promoted}, tốt nghiệp {run.graduated}, hết cấp {run.leavers}",
        }

    job_run(job_id=job_id, work=work)
