import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from khuyenhoc.models import School
from students.addresses.services import student_communes_fill


class Command(BaseCommand):
    help = (
        "Điền xã/phường cư trú cho học sinh chưa có, từ địa chỉ đã ghi (cả tên cũ trước "
        "1/7/2025 và tên mới). Địa chỉ không khớp hoặc trùng tên được để lại cho cán bộ chọn "
        "ở trang /dia-chi/. Dòng cuối là bản tóm tắt JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", help="mã trường (Bộ GD&ĐT): chỉ học sinh của trường này")
        parser.add_argument("--user", help="tên đăng nhập: chỉ học sinh người này được sửa")

    def handle(self, *args, school: str | None, user: str | None, **options):
        school_ids = None
        if school:
            found = School.objects.filter(moet_code=school).values_list("pk", flat=True)
            if not found:
                raise CommandError(f"Không có trường mã {school}")
            school_ids = list(found)
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Không có người dùng {user}") from None

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"{done}/{total}")

        result = student_communes_fill(
            user=actor, school_ids=school_ids, progress=progress, source="command"
        )
        self.stdout.write(json.dumps(result.__dict__))
