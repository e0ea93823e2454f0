from __future__ import annotations

import getpass
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from khuyenhoc.audit import Action, personal_data_access_log, students_what
from khuyenhoc.models import Area, School
from students.collection.template import students_export_write
from students.models import Status, Student


def area_for_code(code: str) -> Area:
    """The area with this GSO code. Old and new units may share a code: prefer one that
    has schools under it, then one in force today."""
    # Materialised paths: a descendant's path starts with its ancestor's.
    schools_below = School.objects.filter(commune__path__startswith=OuterRef("path"))
    candidates = list(
        Area.objects.filter(code=code.strip()).annotate(has_schools=Exists(schools_below))
    )
    if not candidates:
        raise CommandError(f"Không có địa bàn mã {code!r}.")
    return max(candidates, key=lambda a: (a.has_schools, a.is_current, -a.depth))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


class Command(BaseCommand):
    help = (
        "Xuất danh sách học sinh của một địa bàn hoặc một trường ra tệp .xlsx theo mẫu "
        "chuẩn (cùng các cột với mẫu gửi trường)."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--area", metavar="MÃ_GSO", help="Mã địa bàn (tỉnh, huyện, xã).")
        where.add_argument("--school", metavar="MÃ_TRƯỜNG", help="Mã trường của Bộ GD&ĐT.")
        parser.add_argument("--output", required=True, metavar="TỆP.xlsx")
        parser.add_argument(
            "--user",
            metavar="TÊN_ĐĂNG_NHẬP",
            help="Chỉ xuất học sinh người này được xem (theo địa bàn được phân quyền).",
        )
        parser.add_argument(
            "--all-statuses",
            action="store_true",
            help="Gồm cả học sinh đã chuyển trường, tốt nghiệp, thôi học... (mặc định: đang học).",
        )

    def handle(self, *args, area=None, school=None, output, user=None, **options):
        started = time.perf_counter()
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Tệp xuất phải có đuôi .xlsx.")
        if not path.parent.exists():
            raise CommandError(f"Không có thư mục {path.parent}.")

        students = Student.objects.all()
        person = None
        if user is not None:
            person = get_user_model().objects.filter(username=user, is_active=True).first()
            if person is None:
                raise CommandError(f"Không có người dùng {user!r} (hoặc tài khoản đã khoá).")
            students = Student.objects.for_user(person, "view")

        if area is not None:
            unit = area_for_code(area)
            students = students.filter(school__commune__path__startswith=unit.path)
            title = f"{unit.name} (mã {unit.code})"
            found = None
        else:
            found = (
                School.objects.filter(moet_code=school.strip()).select_related("commune").first()
            )
            if found is None:
                raise CommandError(f"Không có trường mã {school!r}.")
            students = students.filter(school=found)
            title = f"{found.name} (mã {found.moet_code})"
            unit = None
        if not options["all_statuses"]:
            students = students.filter(status=Status.STUDYING)

        count = students_export_write(queryset=students, path=path, title=title)
        # Who ran it is not a Django user: the log names the --user, if any, the
        # server account that ran the command and the file written.
        personal_data_access_log(
            user=person,
            action=Action.COMMAND_EXPORT,
            what=students_what(f"{title} → {path.name} (tài khoản {_os_user()})", count),
            school=found,
            area=unit,
            rows=count,
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Đã xuất {count} học sinh của {title} vào {path} trong {seconds:.1f} giây"
            f" ({timezone.localdate():%d/%m/%Y})."
        )
