"""The export of the list's selection as a job: the filters are applied again in the
worker, for the user who asked (same scope)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.urls import reverse

from khuyenhoc.jobs import job_create, job_enqueue, job_progress, job_run
from students.list.export import export_path, filter_title, students_export_write_progress
from students.list.filters import StudentFilter
from students.models import Student


def student_export_start(*, user, query: str):
    """Queue the export of the students the list shows for `query` (its GET string)."""
    job = job_create(owner=user, kind="student_export", message="Đang chuẩn bị tệp")
    job_enqueue(job=job, task=student_export_task, args=(user.pk, query))
    return job


@shared_task(acks_late=True)
def student_export_task(job_id: int, user_id: int, query: str) -> None:
    def work(job):
        user = get_user_model().objects.get(pk=user_id)
        filterset = StudentFilter(
            QueryDict(query), queryset=Student.objects.for_user(user, "view"), user=user
        )
        students = filterset.qs
        total = students.order_by().count()
        job_progress(job_id=job_id, done=0, total=total, message="Đang ghi tệp Excel")
        path = export_path(job_id)
        path.parent.mkdir(parents=True, exist_ok=True)

        def progress(done: int) -> None:
            job_progress(job_id=job_id, done=done)

        count = students_export_write_progress(
            queryset=students,
            path=path,
            title=filter_title(filterset),
            progress=progress,
        )
        return {
            "url": reverse("students:export_download", args=[job_id]),
            "rows": count,
            "title": filter_title(filterset),
            "message": f"Đã xuất {count:,} học sinh".replace(",", "."),
        }

    job_run(job_id=job_id, work=work)
