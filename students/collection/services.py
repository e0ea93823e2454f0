"""Writes of the collection workflow: upload, confirm, approve or send back."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.access import CHANGE, scope_for
from khuyenhoc.jobs import job_create, job_enqueue
from khuyenhoc.models import School
from students.collection.files import FileRejected, file_check
from students.collection.staging import file_sha256
from students.models import CollectionRound, Student, Submission


def _school_check(*, user, school: School) -> None:
    """Only someone who may change the school's students may send its list."""
    if user is None:
        return
    scope = scope_for(user, CHANGE, Student)
    if not School.objects.filter(scope.school_q(), pk=school.pk).exists():
        raise Http404


def submission_create(
    *,
    user,
    school: School,
    upload: UploadedFile | Path,
    name: str | None = None,
    collection_round: CollectionRound | None = None,
) -> Submission:
    """Store the file and create the submission; the caller stages it (a job in the
    browser, directly in the command). Cheap checks run here so a wrong file is
    refused at once; FileRejected carries the Vietnamese message."""
    _school_check(user=user, school=school)
    if isinstance(upload, Path):
        name = name or upload.name
        size = upload.stat().st_size
        with upload.open("rb") as fh:
            head = fh.read(8)
        content = File(upload.open("rb"), name=name)
    else:
        name = name or upload.name
        size = upload.size
        head = upload.read(8)
        upload.seek(0)
        content = upload
    file_check(name=name, head=head, size=size)
    submission = Submission(
        round=collection_round,
        school=school,
        uploaded_by=user if user else None,
        original_name=Path(name).name[:255],
        file_size=size,
    )
    submission.file.save(Path(name).name, content, save=False)
    if isinstance(upload, Path):
        content.close()
    submission.file_sha256 = file_sha256(Path(submission.file.path))
    submission.save()
    return submission


def submission_process_start(*, submission: Submission, user) -> None:
    """Stage the submission in a Celery job the uploader can follow."""
    from students.tasks import submission_stage_task

    with transaction.atomic():
        job = job_create(owner=user, kind="submission_stage", message=_("Đang đọc tệp"))
        submission.job = job
        submission.save(update_fields=["job"])
        job_enqueue(job=job, task=submission_stage_task, args=(submission.pk,))


def submission_confirm_start(*, submission: Submission, user) -> None:
    from students.tasks import submission_apply_task

    _school_check(user=user, school=submission.school)
    if (
        submission.state not in (Submission.State.READY, Submission.State.HAS_ERRORS)
        or not submission.rows_valid
    ):
        raise FileRejected(_("Danh sách này không có dòng hợp lệ nào đang chờ xác nhận."))
    with transaction.atomic():
        job = job_create(owner=user, kind="submission_apply", message=_("Đang ghi vào hồ sơ"))
        submission.job = job
        submission.save(update_fields=["job"])
        job_enqueue(job=job, task=submission_apply_task, args=(submission.pk, user.pk))


@transaction.atomic
def submission_review(
    *, submission: Submission, user, approve: bool, comment: str = ""
) -> Submission:
    """District staff approve a submitted list (its students become verified) or send
    it back with a comment the school sees."""
    from students.models import SubmissionRow

    if not user.has_perm("students.review_submission"):
        raise Http404
    _school_check(user=user, school=submission.school)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.SUBMITTED:
        raise FileRejected(_("Chỉ duyệt hoặc trả lại được danh sách đã gửi."))
    if not approve and not comment.strip():
        raise FileRejected(_("Khi trả lại, hãy ghi rõ trường cần sửa gì."))
    now = timezone.now()
    submission.state = Submission.State.APPROVED if approve else Submission.State.RETURNED
    submission.reviewed_at, submission.reviewed_by, submission.review_comment = (
        now,
        user,
        comment.strip(),
    )
    submission.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_comment"])
    if approve:
        touched = SubmissionRow.objects.filter(
            submission=submission, student__isnull=False
        ).exclude(action=SubmissionRow.Action.INVALID)
        Student.objects.filter(pk__in=touched.values("student_id")).update(
            verified_at=now, verified_by=user
        )
    return submission


@transaction.atomic
def collection_round_create(
    *,
    user,
    name: str,
    school_year: int,
    area,
    opens_on,
    deadline,
    note: str = "",
) -> CollectionRound:
    """Provincial staff open a round for a province or district in their change scope."""
    from django.core.exceptions import ValidationError

    from students.collection.selectors import areas_for_round_create

    if not areas_for_round_create(user=user).filter(pk=area.pk).exists():
        raise Http404
    if deadline < opens_on:
        raise ValidationError({"deadline": _("Hạn nộp phải sau ngày mở đợt.")})
    collection_round = CollectionRound(
        name=name.strip(),
        school_year=school_year,
        area=area,
        opens_on=opens_on,
        deadline=deadline,
        note=note.strip(),
        created_by=user,
    )
    collection_round.full_clean()
    collection_round.save()
    return collection_round
