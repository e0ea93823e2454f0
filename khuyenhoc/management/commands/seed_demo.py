from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from khuyenhoc.demo.seed import DemoSeedError, demo_seed
from khuyenhoc.demo.users import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu demo của Quảng Trị (địa bàn trước 2025): trường học, học sinh có "
        "hoàn cảnh đặc biệt khó khăn kèm phụ huynh và hoàn cảnh, tài khoản demo cho mỗi "
        "vai trò. Chạy lại với cùng tham số không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--students", type=int, default=30_000, help="Số học sinh (mặc định 30000)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên.")
        parser.add_argument(
            "--force", action="store_true", help="Tạo lại học sinh dù đã có bộ demo giống hệt."
        )

    def handle(self, *args, students: int, seed: int, force: bool, **options):
        if students < 0:
            raise CommandError("--students phải là số không âm.")
        try:
            result = demo_seed(
                students=students, seed=seed, force=force, log=lambda m: self.stdout.write(m)
            )
        except DemoSeedError as error:
            raise CommandError(str(error)) from error
        write = self.stdout.write
        if result.skipped:
            write(f"Không thay đổi gì. Thời gian: {result.seconds:.1f} giây.")
        else:
            write(
                f"Trường: {result.schools}; học sinh: {result.students}; "
                f"phụ huynh: {result.guardians}; hoàn cảnh: {result.circumstances}; "
                f"thay đổi tình trạng: {result.status_changes}; "
                f"hỗ trợ đã nhận: {result.supports}. "
                f"Thời gian: {result.seconds:.1f} giây."
            )
        names = ", ".join(u.username for u in DEMO_USERS)
        write(f"Tài khoản demo: {names} (mật khẩu: {DEMO_PASSWORD}).")
