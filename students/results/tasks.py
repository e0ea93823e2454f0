"""The results upload's jobs: the `*_start` functions check, store and enqueue on
commit; the tasks are thin: they take ids and call the services."""

from __future__ import annotations

import uuid
from pathlib import Path

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from khuyenhoc.jobs import job_create, job_enqueue, job_run
from khuyenhoc.models import Job, School
from students.collection.files import FileRejected, file_check
from students.results.services import (
    APPLY_KIND,
    PREVIEW_KIND,
    results_apply,
    results_preview,
    results_school_check,
)


def results_upload_start(*, user, school: School, school_year: int, upload: UploadedFile) -> Job:
    """Check the file cheaply (refused at once with a Vietnamese message), store it and
    start the preview job the uploader follows."""
    results_school_check(user=user, school_id=school.pk)
    name = Path(upload.name).name
    head = upload.read(8)
    upload.seek(0)
    file_check(name=name, head=head, size=upload.size)
    stored = default_storage.save(f"results/{uuid.uuid4().hex}{Path(name).suffix.lower()}", upload)
    with transaction.atomic():
        job = job_create(owner=user, kind=PREVIEW_KIND, message=_("Đang đọc tệp"))
        job_enqueue(
            job=job, task=results_preview_task, args=(stored, name[:255], school.pk, school_year)
        )
    return job


def results_confirm_start(*, user, preview: Job) -> Job:
    """Start writing a preview's matched rows; a preview is written once."""
    with transaction.atomic():
        preview = Job.objects.select_for_update().get(pk=preview.pk, owner=user)
        results_school_check(user=user, school_id=preview.result["school_id"])
        if preview.result.get("apply_job"):
            raise FileRejected(_("Bảng kết quả này đã được xác nhận rồi."))
        if not preview.result.get("matched"):
            raise FileRejected(_("Không có dòng nào khớp với hồ sơ để ghi."))
        job = job_create(owner=user, kind=APPLY_KIND, message=_("Đang ghi kết quả vào hồ sơ"))
        preview.result["apply_job"] = job.pk
        preview.save(update_fields=["result"])
        job_enqueue(job=job, task=results_apply_task, args=(preview.pk, user.pk))
    return job


@shared_task(acks_late=True)
def results_preview_task(job_id: int, stored: str, name: str, school_id: int, year: int) -> None:
    job_run(
        job_id=job_id,
        work=lambda job: results_preview(
            job_id=job_id, stored=stored, name=name, school_id=school_id, school_year=year
        ),
    )


@shared_task(acks_late=True)
def results_apply_task(job_id: int, preview_id: int, user_id: int) -> None:
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
