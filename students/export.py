"""Export of the student list's filtered selection to the canonical .xlsx, as a job: the
filters are applied again in the worker, for the user who asked (same scope)."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.http import QueryDict

from khuyenhoc.jobs import job_create, job_enqueue, job_progress, job_run
from students.collection.template import students_export_write


def export_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / f"hoc-sinh-{job_id}.xlsx"


def student_export_start(*, user, query: str):
    """Queue the export of the students the list shows for `query` (its GET string)."""
    job = job_create(owner=user, kind="student_export", message="Đang chuẩn bị tệp")
    job_enqueue(job=job, task=student_export_task, args=(user.pk, query))
    return job


PROGRESS_EVERY = 2000  # rows between two progress updates


@shared_task(acks_late=True)
def student_export_task(job_id: int, user_id: int, query: str) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from students.filters import StudentFilter
    from students.models import Student

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


def filter_title(filterset) -> str:
    """The selection in words, for the file's heading and the access log: "Huyện Gio
    Linh; Hoàn cảnh: Hộ nghèo; tìm “nguyen”"."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return "Danh sách học sinh"
    parts = []
    data = filterset.form.cleaned_data
    for name, field in filterset.form.fields.items():
        value = data.get(name)
        if name in ("o", "q") or value in (None, ""):
            continue
        label = value.name if hasattr(value, "name") else dict(field.choices).get(value, value)
        parts.append(str(label) if name in ("area", "school") else f"{field.label}: {label}")
    if data.get("q"):
        parts.append(f"tìm “{data['q']}”")
    return "; ".join(parts) or "Danh sách học sinh"


def students_export_write_progress(*, queryset, path, title: str, progress) -> int:
    """students/collection/template.py's students_export_write (the canonical writer of
    workbook.py: one sheet per school, schools by name, students by class and name,
    communes with their unit, formula-like text inert), reporting `progress(rows
    written)` every PROGRESS_EVERY rows."""
    return students_export_write(
        queryset=queryset,
        path=path,
        title=title,
        progress=progress,
        progress_every=PROGRESS_EVERY,
    )
