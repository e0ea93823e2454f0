import json
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from students.status.rollover import RolloverError, rollover_run


class Command(BaseCommand):
    help = (
        "Lên lớp đầu năm học: học sinh lớp 12 đang học được ghi tốt nghiệp, học sinh đang học "
        "khác lên một lớp, học sinh hết cấp được đánh dấu để ghi trường mới. Mỗi năm học chỉ "
        "chạy một lần. Dòng cuối là bản tóm tắt JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, required=True, help="năm bắt đầu của năm học mới, ví dụ 2027"
        )
        parser.add_argument(
            "--user", help="tên đăng nhập: chỉ lên lớp học sinh người này được cập nhật"
        )

    def handle(self, *args, year: int, user: str | None, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Không có người dùng {user}") from None
        started = time.perf_counter()
        try:
            run = rollover_run(
                school_year=year,
                user=actor,
                source="command",
                progress=lambda message: self.stdout.write(message + " ..."),
            )
        except RolloverError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        self.stdout.write(
            json.dumps(
                {
                    "school_year": run.school_year_display,
                    "promoted": run.promoted,
                    "graduated": run.graduated,
                    "leavers": run.leavers,
                    "seconds": round(seconds, 2),
                },
                ensure_ascii=False,
            )
        )
