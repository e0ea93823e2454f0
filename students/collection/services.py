"""Writes of the collection workflow: upload, confirm, approve or send back."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyenhoc.access import CHANGE, scope_for
from khuyenhoc.models import School
from students.collection.apply import ApplyResult, submission_apply
from students.collection.files import FileRejected, file_check
from students.collection.selectors import areas_for_round_create, user_can_manage_round
from students.collection.staging import file_sha256
from students.duplicates.tasks import duplicates_queue_task
from students.models import CollectionRound, Status, Student, Submission, SubmissionRow


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
    if collection_round is not None:
        round_open_check(collection_round=collection_round)
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


def submission_confirm_check(*, submission: Submission, user) -> None:
    """May `user` confirm `submission` now: their school, an open round, valid rows
    waiting. Raises FileRejected or PermissionDenied-like errors in Vietnamese."""
    _school_check(user=user, school=submission.school)
    if submission.round is not None:
        round_open_check(collection_round=submission.round)
    if (
        submission.state not in (Submission.State.READY, Submission.State.HAS_ERRORS)
        or not submission.rows_valid
    ):
        raise FileRejected(_("Danh sách này không có dòng hợp lệ nào đang chờ xác nhận."))


@transaction.atomic
def submission_review(
    *, submission: Submission, user, approve: bool, comment: str = ""
) -> Submission:
    """District staff approve a submitted list (its students become verified) or send
    it back with a comment the school sees."""
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


def round_open_check(*, collection_round: CollectionRound) -> None:
    """A closed round takes no more lists (nor confirmations of pending ones)."""
    if collection_round.closed_at is not None:
        raise FileRejected(
            _(
                "Đợt “%(name)s” đã đóng ngày %(date)s nên không nhận thêm danh sách. "
                "Nếu trường cần nộp bổ sung, hãy liên hệ hội khuyến học tỉnh để gia hạn đợt."
            )
            % {
                "name": collection_round.name,
                "date": timezone.localtime(collection_round.closed_at).strftime("%d/%m/%Y"),
            }
        )


def _round_manage_check(*, user, collection_round: CollectionRound) -> None:
    if not user_can_manage_round(user=user, collection_round=collection_round):
        raise Http404


@transaction.atomic
def collection_round_close(*, user, collection_round: CollectionRound) -> CollectionRound:
    """Provincial staff close a round: uploads and confirmations stop."""
    _round_manage_check(user=user, collection_round=collection_round)
    collection_round = CollectionRound.objects.select_for_update().get(pk=collection_round.pk)
    if collection_round.closed_at is None:
        collection_round.closed_at = timezone.now()
        collection_round.save(update_fields=["closed_at"])
    return collection_round


@transaction.atomic
def collection_round_extend(
    *, user, collection_round: CollectionRound, deadline
) -> CollectionRound:
    """Provincial staff move a round's deadline; a closed round opens again."""
    _round_manage_check(user=user, collection_round=collection_round)
    collection_round = CollectionRound.objects.select_for_update().get(pk=collection_round.pk)
    if deadline < collection_round.opens_on:
        raise ValidationError({"deadline": _("Hạn nộp phải sau ngày mở đợt.")})
    if deadline < timezone.localdate():
        raise ValidationError(
            {"deadline": _("Hạn nộp mới phải từ hôm nay trở đi, nếu không trường không kịp nộp.")}
        )
    collection_round.deadline = deadline
    collection_round.closed_at = None
    collection_round.full_clean()
    collection_round.save(update_fields=["deadline", "closed_at"])
    return collection_round


# What a failed job leaves on its submission: the reason, and what to do next.
_STAGE_UNEXPECTED = gettext_lazy(
    "Không đọc xong được tệp này vì có lỗi ngoài dự kiến (lỗi đã được ghi lại cho quản trị "
    "viên). Chưa có gì được ghi vào hồ sơ."
)
_STAGE_FIX = gettext_lazy(
    "Hãy tải tệp lên lại. Nếu vẫn lỗi, mở tệp trong Excel, lưu thành .xlsx rồi tải lên, "
    "hoặc báo hội huyện."
)
_CONFIRM_UNEXPECTED = gettext_lazy(
    "Không ghi được danh sách vào hồ sơ vì có lỗi ngoài dự kiến (lỗi đã được ghi lại cho "
    "quản trị viên)."
)
_CONFIRM_NOTHING_WRITTEN = gettext_lazy(
    "Không có dòng nào được ghi: cả danh sách được ghi trong một lần, nên khi có lỗi thì "
    "hồ sơ giữ nguyên như trước."
)
_CONFIRM_FIX = gettext_lazy("Hãy tải tệp lên lại, kiểm tra rồi xác nhận lần nữa.")


def submission_fail(*, submission_id: int, confirming: bool, reason: str | None = None) -> bool:
    """End a submission whose job failed as failed, with a reason in Vietnamese
    (`reason`, or a plain message for an unexpected error). Only a submission still
    being read or waiting for its confirmation changes: a redelivered confirmation
    job that finds its list already confirmed leaves it alone. Returns whether it
    changed."""
    if confirming:
        # (The confirmation's own JobErrors already say that nothing was written.)
        message = reason or f"{_CONFIRM_UNEXPECTED} {_CONFIRM_NOTHING_WRITTEN}"
        fix = str(_CONFIRM_FIX)
        states = [Submission.State.READY, Submission.State.HAS_ERRORS]
    else:
        message, fix = reason or str(_STAGE_UNEXPECTED), str(_STAGE_FIX)
        states = [Submission.State.PROCESSING]
    issue = {"row": 0, "column": "", "message": message, "fix": fix}
    if confirming:
        issue["phase"] = "confirm"
    with transaction.atomic():
        changed = Submission.objects.filter(pk=submission_id, state__in=states).update(
            state=Submission.State.FAILED, file_errors=[issue]
        )
        if changed and not confirming:
            # Rows a failed reading may have left: a failed file stages nothing.
            SubmissionRow.objects.filter(submission_id=submission_id).delete()
    return bool(changed)


def submission_confirm(*, submission: Submission, user) -> ApplyResult:
    """Write a staged list into the registry and keep, with it, the figures as they
    were at that moment: the studying students of the school the list left out."""
    with transaction.atomic():
        result = submission_apply(submission=submission, user=user)
        matched = SubmissionRow.objects.filter(submission=submission, student__isnull=False).values(
            "student_id"
        )
        missing = list(
            Student.objects.filter(school_id=submission.school_id, status=Status.STUDYING)
            .exclude(pk__in=matched)
            .values_list("pk", flat=True)
        )
        Submission.objects.filter(pk=submission.pk).update(
            missing_count=len(missing), missing_student_ids=missing
        )
        # The new students' namesakes are queued for a person beside the import, not
        # inside it (a list of thousands does not wait for them).
        transaction.on_commit(lambda: duplicates_queue_task.delay(submission.pk))
    return result


def submissions_approve(*, user, submissions: list[Submission]) -> tuple[list, list]:
    """District staff approve several submitted lists at once. Each list is checked on
    its own (access, state); returns the approved ones and (list, reason) for the
    others."""
    approved, refused = [], []
    for submission in submissions:
        try:
            approved.append(submission_review(submission=submission, user=user, approve=True))
        except FileRejected as error:
            refused.append((submission, str(error)))
        except Http404:
            refused.append((submission, _("Bạn không có quyền duyệt danh sách này.")))
    return approved, refused
