"""`demo_seed`: areas, schools, users, then students written with COPY in one
transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from khuyenhoc.demo.areas import ensure_areas, quang_tri
from khuyenhoc.demo.schools import schools_plan, schools_upsert
from khuyenhoc.demo.students import (
    BLOCK,
    CIRCUMSTANCE_COLUMNS,
    GUARDIAN_COLUMNS,
    NULL,
    SAMPLE,
    STATUS_COLUMNS,
    STUDENT_COLUMNS,
    SUPPORT_COLUMNS,
    Demo,
    StudentGenerator,
)
from khuyenhoc.demo.users import users_ensure
from students.models import Ethnicity, Student, Support
from students.record.services import need_scores_recompute

HISTORY_TABLES = (
    "students_studentevent",
    "students_guardianevent",
    "students_circumstanceevent",
    "students_supportevent",
)
BULK_TABLES = (
    "students_student",
    "students_guardian",
    "students_circumstance",
    "students_statuschange",
    "students_support",
)
BULK_FROM = 50_000  # students; below this, plain COPY into the indexed tables


class DemoSeedError(Exception):
    pass


@dataclass
class SeedResult:
    schools: int
    students: int
    guardians: int = 0
    circumstances: int = 0
    status_changes: int = 0
    supports: int = 0
    skipped: bool = False
    seconds: float = 0.0


def _already_seeded(*, generator: StudentGenerator, count: int) -> bool:
    """The same demo is there: as many students, and the first ones drawn from this
    seed exist as drawn, with their support rows."""
    if Student.objects.count() != count:
        return False
    if count >= 100 and not Support.objects.exists():
        return False  # a demo seeded before it had support rows
    block = generator.block(0, first_id=0, limit=SAMPLE)
    for line, supports in zip(block.sample, block.sample_supports, strict=True):
        fields = line.split("\t")
        nullable = {
            f"{name}__isnull" if value == NULL else name: True if value == NULL else value
            for name, value in (("personal_id", fields[7]), ("moet_code", fields[8]))
        }
        found = list(
            Student.objects.filter(
                full_name=fields[1], school_id=int(fields[9]), grade=int(fields[10]), **nullable
            ).values_list("pk", flat=True)[:2]
        )
        if not found:
            return False
        if len(found) == 1 and Support.objects.filter(student_id=found[0]).count() != supports:
            return False
    return True


def _schema_set_aside(cursor) -> list[str]:
    """Drop the secondary indexes, unique and foreign-key constraints of the student
    tables (never a primary key) and return the statements that put each back, as it
    was, by its own name. Building an index once after the load is several times
    cheaper than keeping it up to date row by row, and re-adding a foreign key checks
    it with one join instead of one trigger call per row."""
    tables = list(BULK_TABLES)
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
          FROM pg_constraint c
         WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f')
      ORDER BY c.contype, c.conname
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          FROM pg_index i
         WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
           AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                 WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                   AND c.contype IN ('p', 'u', 'x'))
      ORDER BY 1
        """,
        [tables],
    )
    indexes = cursor.fetchall()

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    # Foreign keys ('f') are dropped first and added last.
    for table, name, _definition, _kind in constraints:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quoted(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {quoted(name)} {definition}"
        for table, name, definition, _kind in reversed(constraints)
    ]


def _copy(cursor, table: str, columns: tuple[str, ...], chunks: list[bytes]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for chunk in chunks:
            copy.write(chunk)


def _students_clear(cursor, *, count: int) -> int:
    """Empty the student tables and reserve `count` ids; returns the first one."""
    # TRUNCATE refuses while deferred foreign-key checks on the rows are queued in this
    # transaction (a second seed in one transaction): run them first. Everything that
    # hangs off a student goes too (awards, results ...).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("TRUNCATE students_student RESTART IDENTITY CASCADE")
    # The demo's history goes with it: events point at students only loosely.
    cursor.execute(f"TRUNCATE {', '.join(HISTORY_TABLES)}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute("SELECT pg_get_serial_sequence('students_student', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [sequence])
    first_id = cursor.fetchone()[0]
    if count:
        cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + count - 1])
    return first_id


def _triggers_switch(cursor, verb: str) -> None:
    # ALTER TABLE refuses while deferred foreign-key checks are queued: run them first.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in BULK_TABLES:
        cursor.execute(f"ALTER TABLE {table} {verb} TRIGGER USER")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _students_write(
    cursor, *, generator: StudentGenerator, first_id: int, result: SeedResult, step
) -> None:
    """Stream the students into COPY block by block while keeping what hangs off them
    (already COPY text) for the next COPYs: a second COPY cannot start before the first
    ends on the same connection."""
    guardians: list[bytes] = []
    circumstances: list[bytes] = []
    status_changes: list[bytes] = []
    supports: list[bytes] = []
    count = generator.count
    report_every = max(BLOCK, (count // 10) // BLOCK * BLOCK)
    columns = ", ".join(STUDENT_COLUMNS)
    with cursor.copy(f"COPY students_student ({columns}) FROM STDIN") as copy:
        for number in range(-(-count // BLOCK)):
            block = generator.block(number, first_id=first_id)
            copy.write(block.students)
            guardians.append(block.guardians)
            circumstances.append(block.circumstances)
            status_changes.append(block.status_changes)
            supports.append(block.supports)
            result.guardians += block.counts[1]
            result.circumstances += block.counts[2]
            result.status_changes += block.counts[3]
            result.supports += block.counts[4]
            done = number * BLOCK + block.counts[0]
            if done % report_every == 0:
                step(f"  {done:>9} học sinh")
    step(f"Đã ghi {count} học sinh.")
    _copy(cursor, "students_guardian", GUARDIAN_COLUMNS, guardians)
    step(f"Đã ghi {result.guardians} phụ huynh/người giám hộ.")
    _copy(cursor, "students_circumstance", CIRCUMSTANCE_COLUMNS, circumstances)
    step(f"Đã ghi {result.circumstances} hoàn cảnh.")
    _copy(cursor, "students_statuschange", STATUS_COLUMNS, status_changes)
    step(f"Đã ghi {result.status_changes} thay đổi tình trạng.")
    _copy(cursor, "students_support", SUPPORT_COLUMNS, supports)
    step(f"Đã ghi {result.supports} lần hỗ trợ đã nhận.")


def demo_seed(
    *,
    students: int = 30_000,
    seed: int = 2026,
    force: bool = False,
    bulk: bool | None = None,
    log: Callable[[str], None] = print,
) -> SeedResult:
    """Seed the demo in one transaction. `bulk` (default: from BULK_FROM students on)
    sets the secondary indexes and foreign keys of the student tables aside during
    the load."""
    started = time.monotonic()

    def step(message: str) -> None:
        log(f"[{time.monotonic() - started:6.1f}s] {message}")

    with transaction.atomic():
        province = ensure_areas(log=step)
        districts = quang_tri(province=province)
        plans = schools_plan(districts=districts)
        schools_upsert(plans=plans)
        step(f"{len(plans)} trường học của {len(districts)} huyện/thị xã/thành phố.")
        users = users_ensure(province=province, districts=districts, schools=plans)
        step(f"{len(users)} tài khoản demo (mật khẩu chung).")
        demo = Demo(
            districts=districts,
            schools=plans,
            ethnicity_ids=dict(Ethnicity.objects.values_list("code", "id")),
            verifier_ids={
                "": users["tinhhoi"].pk,
                "461": users["hoi_dongha"].pk,
                "466": users["hoi_giolinh"].pk,
            },
            today=timezone.localdate(),
        )
        result = SeedResult(schools=len(plans), students=students)
        generator = StudentGenerator(demo=demo, seed=seed)
        generator.layout(count=students)
        if not force and _already_seeded(generator=generator, count=students):
            step(f"Đã có sẵn {students} học sinh demo với seed {seed}: giữ nguyên.")
            result.skipped = True
            result.seconds = time.monotonic() - started
            return result
        if Student.objects.exclude(school_id__in=[p.id for p in plans]).exists():
            raise DemoSeedError(
                "Cơ sở dữ liệu có học sinh ở trường ngoài dữ liệu demo; "
                "seed_demo chỉ chạy trên cơ sở dữ liệu demo."
            )

        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            first_id = _students_clear(cursor, count=students)
            step(f"Đã xoá học sinh cũ; tạo {students} học sinh (seed {seed})...")
            if bulk is None:
                bulk = students >= BULK_FROM
            rebuild = _schema_set_aside(cursor) if bulk else []
            if rebuild:
                step(f"Tạm bỏ {len(rebuild)} chỉ mục/ràng buộc phụ để ghi nhanh.")
            # Loading demo rows is not a change anyone made: the history triggers
            # (django-pghistory) stay quiet for it. Foreign-key triggers are internal
            # and unaffected by DISABLE TRIGGER USER.
            _triggers_switch(cursor, "DISABLE")
            _students_write(
                cursor, generator=generator, first_id=first_id, result=result, step=step
            )
            _triggers_switch(cursor, "ENABLE")
            if rebuild:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for statement in rebuild:
                    cursor.execute(statement)
                step(f"Đã dựng lại {len(rebuild)} chỉ mục/ràng buộc (và kiểm tra khoá ngoại).")
            changed = need_scores_recompute()
            step(f"Đã tính lại điểm hoàn cảnh ({changed} học sinh thay đổi).")
            # The areas and schools too: the scope of every list is a subquery over
            # them, and without statistics PostgreSQL takes a province for one row.
            for table in (*BULK_TABLES, "khuyenhoc_area", "khuyenhoc_school"):
                cursor.execute(f"ANALYZE {table}")
            step("Đã cập nhật thống kê bảng; đang ghi (commit)...")
    result.seconds = time.monotonic() - started
    step("Xong.")
    return result
