"""Export of the student list's filtered selection to the canonical .xlsx, as a job: the
filters are applied again in the worker, for the user who asked (same scope)."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.http import QueryDict

from khuyenhoc.jobs import job_create, job_enqueue, job_progress, job_run


def export_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / f"hoc-sinh-{job_id}.xlsx"


def student_export_start(*, user, query: str):
    """Queue the export of the students the list shows for `query` (its GET string)."""
    job = job_create(owner=user, kind="student_export", message="Đang chuẩn bị tệp")
    job_enqueue(job=job, task=student_export_task, args=(user.pk, query))
    return job


@shared_task(acks_late=True)
def student_export_task(job_id: int, user_id: int, query: str) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from students.collection.template import students_export_write
    from students.filters import StudentFilter
    from students.models import Student

    def work(job):
        user = get_user_model().objects.get(pk=user_id)
        filterset = StudentFilter(
            QueryDict(query), queryset=Student.objects.for_user(user, "view"), user=user
        )
        path = export_path(job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        job_progress(job_id=job_id, done=0, total=1, message="Đang ghi tệp Excel")
        count = students_export_write(
            queryset=filterset.qs, path=path, title="Danh sách học sinh theo bộ lọc"
        )
        return {
            "url": reverse("students:export_download", args=[job_id]),
            "rows": count,
            "message": f"{count:,} học sinh".replace(",", "."),
        }

    job_run(job_id=job_id, work=work)
