import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from khuyenhoc.celery import app as celery_app
from khuyenhoc.jobs import JobError
from khuyenhoc.models import School
from students.collection.apply import submission_import
from students.collection.files import FileRejected
from students.collection.services import submission_create
from students.collection.staging import submission_stage
from students.duplicates.tasks import duplicates_queue_task
from students.models import Submission


class Command(BaseCommand):
    help = (
        "Nhập danh sách học sinh của một trường từ tệp .xlsx/.xls/.ods/.csv, cùng quy trình với "
        "trang tải lên. Không có --commit thì chỉ kiểm tra. Dòng cuối là bản tóm tắt JSON. "
        "Mã thoát khác 0 khi tệp bị từ chối (không đọc được, thiếu cột, ...)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", required=True, help="mã trường (Bộ GD&ĐT)")
        parser.add_argument("--user", help="tên đăng nhập: nhập với quyền của người này")
        parser.add_argument("--commit", action="store_true", help="ghi các dòng hợp lệ vào hồ sơ")

    def handle(self, *args, file: Path, school: str, user: str | None, commit: bool, **options):
        if not file.exists():
            raise CommandError(f"Không có tệp {file}")
        try:
            school_obj = School.objects.select_related("commune").get(moet_code=school)
        except School.DoesNotExist:
            raise CommandError(f"Không có trường mã {school}") from None
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Không có người dùng {user}") from None
        try:
            submission = submission_create(user=actor, school=school_obj, upload=file)
        except Http404:
            raise CommandError(
                f"{user} không có quyền cập nhật học sinh của {school_obj.name}"
            ) from None
        except FileRejected as exc:
            raise CommandError(str(exc)) from None
        result = None
        if commit:
            # Staged and applied in one transaction (the valid rows; rows with errors
            # stay staged, listed below).
            try:
                result = submission_import(submission=submission, user=actor)
            except JobError as exc:
                raise CommandError(str(exc)) from None
            if result is not None and result.created:
                self._namesakes_queue(submission)
        else:
            submission_stage(submission=submission)
        for issue in submission.file_errors:
            self.stderr.write(f"Lỗi tệp: {issue['message']} {issue['fix']}")
        for row in submission.rows.exclude(errors=[]).order_by("row_number")[:200]:
            for issue in row.errors:
                self.stderr.write(
                    f"Dòng {issue['row']}, cột {issue['column'] or '-'}: {issue['message']} {issue['fix']}"
                )
        summary = {
            "rows": submission.rows_total,
            "valid": submission.rows_valid,
            "errors": submission.rows_error,
            "created": 0,
            "updated": 0,
            "unchanged": submission.unchanged_count,
        }
        if result is not None:
            summary.update(
                created=result.created, updated=result.updated, unchanged=result.unchanged
            )
        self.stdout.write(json.dumps(summary))
        if submission.file_errors or submission.state == Submission.State.FAILED:
            # The file was refused as a whole: scripts and schedulers see it fail.
            first = submission.file_errors[0] if submission.file_errors else {}
            reason = f"{first.get('message', '')} {first.get('fix', '')}".strip()
            raise CommandError(f"Tệp bị từ chối: {reason or 'không đọc được tệp.'}")

    def _namesakes_queue(self, submission: Submission) -> None:
        """As a confirm in the browser does: the new students' namesakes go to the
        duplicates queue, as a job for the worker. Without one (no REDIS_URL) the job
        would run inside this command (100,000 new students: ~20 s); the next
        `find_duplicates` queues them instead, and the command says so."""
        if celery_app.conf.task_always_eager:
            self.stderr.write(
                "Chưa có hàng đợi tác vụ (REDIS_URL): chạy `python manage.py find_duplicates`"
                " để xếp các học sinh mới có thể trùng vào hàng chờ."
            )
            return
        duplicates_queue_task.delay(submission.pk)
