"""Phase one of an import, read-only for the registry: parse the file, match every
row to the registry, and stage rows with their problems and differences.

Matching, in order: personal ID, then MOET student code, then normalised name + date
of birth (or year) within the school. Look-ups are a few set-based queries for the
whole file, never one per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import queue
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from types import SimpleNamespace

import orjson
import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.db import ids_reserve, side_connect
from khuyenhoc.models import Area, AreaSuccession, School
from khuyenhoc.text import search_key
from students.collection.files import FileRejected
from students.collection.parse import OpenedFile, file_open, gc_paused
from students.collection.rows import (
    NO_CIRCUMSTANCE,
    Issue,
    ParsedRow,
    RowContext,
    ethnicity_keys,
)
from students.collection.vocab import COMMUNE_PREFIXES, strip_prefix
from students.models import Ethnicity, Status, Student, Submission, SubmissionRow
from students.scoring import need_score

logger = logging.getLogger(__name__)

# Fields an import may set on a student. An empty cell never erases what the registry
# already knows: schools leave blanks for "unknown", not for "delete".
STUDENT_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "gender",
    "ethnicity_id",
    "personal_id",
    "moet_code",
    "grade",
    "class_name",
    "village",
    "commune_id",
    "address_text",
    "specific_situation",
    "wishes",
    "wishes_note",
    "note",
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_context(
    *, school: School, today: dt.date | None = None, school_year: int | None = None
) -> RowContext:
    """The school year of the list's round (a household's year when the file gives none),
    ethnic groups and communes: those of the school's district (old and new names),
    then the 2025 communes they became and those the school's students live in. Each
    is found by its full name with its unit ("xa gio linh", the 2025 commune, apart from
    "thi tran gio linh", the old town, as the template writes them), else by its name
    without the unit (the district's own first)."""
    district = Area.objects.get_ancestors(school.commune).filter(kind=Area.Kind.DISTRICT).last()
    root = district or school.commune
    own = Area.objects.get_descendants(root, include_self=True).filter(kind=Area.Kind.COMMUNE)
    # (Two look-ups by index: the successions of a few dozen communes, and the
    # communes of one school's students.)
    others = Area.objects.filter(
        Q(pk__in=AreaSuccession.objects.filter(old_area__in=own).values("new_area"))
        | Q(pk__in=Student.objects.filter(school=school).values("commune_id"))
    ).exclude(pk__in=own)
    communes: dict[str, int] = {}
    for areas in (own, others):
        for pk, short_name, name in areas.values_list("pk", "short_name", "name"):
            communes.setdefault(search_key(name), pk)
            for label in (short_name, name):
                communes.setdefault(strip_prefix(search_key(label), COMMUNE_PREFIXES)[1], pk)
    return RowContext(
        today=today or timezone.localdate(),
        ethnicities=ethnicity_keys(Ethnicity.objects.values_list("pk", "code", "name", "aliases")),
        communes=communes,
        grade_min=school.grade_min,
        grade_max=school.grade_max,
        school_name=school.name,
        school_year=school_year,
    )


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Matcher:
    """Finds the registry student for each parsed row of a chunk, with one query for
    the personal IDs and MOET codes of the chunk; the school's own students (for the
    name + birth match) are read once per file and shared between chunks."""

    _FIELDS = ("id", "school_id", "search_key", "birth_date", "birth_year", *STUDENT_FIELDS)
    _COLUMNS = ", ".join(f"s.{f}" for f in _FIELDS)

    def __init__(
        self,
        *,
        school: School,
        rows: list[ParsedRow],
        by_name: dict[tuple, list[dict]] | None = None,
        lookup=None,
    ):
        """`lookup`: a connection of its own for the identity look-ups, while the
        caller's connection is busy writing (a file staged and applied together)."""
        self.school = school
        ids = list({r.values.get("personal_id") for r in rows} - {None, ""})
        codes = list({r.values.get("moet_code") for r in rows} - {None, ""})
        self.by_id: dict[str, dict] = {}
        self.by_code: dict[str, dict] = {}
        self.by_name = self.school_students(school=school) if by_name is None else by_name
        if not (ids or codes):
            return
        with connection.cursor() if lookup is None else lookup.cursor() as cursor:
            # Look-up lists travel as one JSON text each (adapting long arrays value by
            # value is slow); each branch is a hashed semi-join on a unique index.
            cursor.execute(
                f"SELECT {self._COLUMNS} FROM students_student s WHERE s.personal_id IN"
                " (SELECT jsonb_array_elements_text(%s::jsonb))"
                f" UNION SELECT {self._COLUMNS} FROM students_student s WHERE s.moet_code IN"
                " (SELECT jsonb_array_elements_text(%s::jsonb))",
                [_json(ids), _json(codes)],
            )
            found = [dict(zip(self._FIELDS, r, strict=True)) for r in cursor.fetchall()]
        for s in found:
            s["pk"] = s["id"]
            if s["personal_id"]:
                self.by_id[s["personal_id"]] = s
            if s["moet_code"]:
                self.by_code[s["moet_code"]] = s

    @classmethod
    def school_students(cls, *, school: School) -> dict[tuple, list[dict]]:
        """The school's students by (name key, birth year): a school has a few thousand
        at most, one query for the whole file. A record merged into another is kept
        for its history only and never matched."""
        by_name: dict[tuple, list[dict]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {cls._COLUMNS} FROM students_student s"
                " WHERE s.school_id = %s AND s.merged_into_id IS NULL",
                [school.pk],
            )
            for r in cursor.fetchall():
                s = dict(zip(cls._FIELDS, r, strict=True))
                s["pk"] = s["id"]
                by_name[(s["search_key"], s["birth_year"])].append(s)
        return by_name

    def match(self, row: ParsedRow, taken: set[int] | frozenset = frozenset()) -> dict | None:
        """The row's student. By name and birth, a student another row of the file
        already matched (`taken`) is passed over, and of several namesakes born the
        same day the one the row would change least is chosen: two such children with
        no IDs are two students, and uploading their list again changes nothing."""
        v = row.values
        if v.get("personal_id") and v["personal_id"] in self.by_id:
            return self.by_id[v["personal_id"]]
        if v.get("moet_code") and v["moet_code"] in self.by_code:
            return self.by_code[v["moet_code"]]
        # Another personal ID or another gender is another child (the rule of the
        # duplicates queue): a namesake born the same day is not taken for this one.
        pid, gender = v.get("personal_id"), v.get("gender")
        found = [
            s
            for s in self.by_name.get((v.get("search_key"), v.get("birth_year")), [])
            if s["pk"] not in taken
            and (v.get("birth_date") is None or s["birth_date"] in (None, v["birth_date"]))
            and not (pid and s["personal_id"] and s["personal_id"] != pid)
            and not (gender and s["gender"] and s["gender"] != gender)
        ]
        if len(found) > 1:
            return min(found, key=lambda s: len(row_changes(row, s)))
        return found[0] if found else None


def row_changes(row: ParsedRow, current: dict) -> dict:
    """{field: [old, new]} for the fields the file would change (blank cells skipped)."""
    changes = {}
    for f in STUDENT_FIELDS:
        new = row.values.get(f)
        if new in (None, "", []):
            continue
        old = current.get(f)
        if f == "wishes":
            # A written wish of its own is the wish "other", ticked or not.
            if _wish_set(old, current.get("wishes_note")) == _wish_set(
                new, row.values.get("wishes_note")
            ):
                continue
        elif f == "class_name" and not old and new == str(current.get("grade")):
            # A student on record with only a grade: the template writes the grade in
            # the class column (the file needs one), which says nothing new.
            continue
        elif f == "address_text" and _same_place(row.values, current, new):
            # The address "as written" is kept as the school first wrote it ("Thôn 2,
            # xã Linh Trường, huyện Gio Linh"); the template gives back its village
            # and commune, which read back as a shorter text for the same place.
            continue
        elif old == new:
            continue
        changes[f] = [_jsonable(old), _jsonable(new)]
    return changes


def _wish_set(wishes, note) -> set[str]:
    return {*(wishes or ()), *(("other",) if note else ())}


def _same_place(values: dict, current: dict, address: str) -> bool:
    """The row's village and commune (blank: as on record) are those on record, and
    its address text adds nothing to them (a commune on record, or the village only)."""
    commune = values.get("commune_id") or current.get("commune_id")
    village = values.get("village") or current.get("village")
    return (commune, village) == (current.get("commune_id"), current.get("village")) and (
        commune is not None or address == village
    )


def _matchable(row: ParsedRow) -> bool:
    """A row with no error, or whose only error is that it marks no circumstance (which
    is no error for a student already on record)."""
    return all(i.code == NO_CIRCUMSTANCE for i in row.errors)


def _on_record_without_circumstance(row: ParsedRow) -> None:
    """The row of a student on record marks no circumstance: the import keeps those on
    record (it never ends one), so the row is valid, with a warning."""
    row.errors = [i for i in row.errors if i.code != NO_CIRCUMSTANCE]
    row.warnings.append(
        Issue(
            row.row,
            "",
            _("Dòng này chưa đánh dấu diện nào."),
            _(
                "Các diện đã ghi nhận của học sinh được giữ nguyên. Nếu học sinh chưa có diện nào, đánh dấu ít nhất một cột: Khuyết tật, Mồ côi, Hộ nghèo, Hộ cận nghèo hoặc Hoàn cảnh khác."
            ),
            warning=True,
            code=NO_CIRCUMSTANCE,
        )
    )


CIRCUMSTANCE_DETAIL = {
    "disability": ("disability_type", "disability_level"),
    "orphan": ("orphan_label",),
    "poor": ("household_year",),
    "near_poor": ("household_year",),
    "other": ("description",),
}
GUARDIAN_FIELDS = ("relation", "occupation", "phone")


def related_current(*, student_ids: set[int]) -> dict[int, dict]:
    """Current circumstances (by kind) and guardians (by name key) of matched students:
    two queries for the whole file."""
    from students.models import Circumstance, Guardian

    out: dict[int, dict] = defaultdict(lambda: {"circumstances": {}, "guardians": {}})
    if not student_ids:
        return out
    ids = list(student_ids)
    for c in Circumstance.objects.filter(student_id__in=ids, ended_on__isnull=True).values(
        "pk",
        "student_id",
        "kind",
        "disability_type",
        "disability_level",
        "orphan_label",
        "orphan_legal",
        "household_year",
        "description",
    ):
        out[c["student_id"]]["circumstances"][c["kind"]] = c
    for g in Guardian.objects.filter(student_id__in=ids).values(
        "pk", "student_id", "search_key", *GUARDIAN_FIELDS
    ):
        out[g["student_id"]]["guardians"][g["search_key"]] = g
    return out


def circumstance_label(c: dict) -> str:
    from students.models import Circumstance

    return str(
        Circumstance(
            **{k: v for k, v in c.items() if k in ("kind", *sum(CIRCUMSTANCE_DETAIL.values(), ()))}
        ).summary
    )


def related_changes(row: ParsedRow, current: dict) -> dict:
    """Circumstances the file adds or changes, and the guardian's changed details.
    An import never ends a circumstance: that is a decision for staff."""
    changes: dict = {}
    have = current.get("circumstances", {})
    for c in row.circumstances:
        old = have.get(c["kind"])
        detail = CIRCUMSTANCE_DETAIL[c["kind"]]
        if old is None:
            changes[f"circumstance:{c['kind']}"] = [None, circumstance_label(c)]
        elif any(c.get(f) not in (None, "") and c.get(f) != old.get(f) for f in detail):
            changes[f"circumstance:{c['kind']}"] = [circumstance_label(old), circumstance_label(c)]
    g = row.guardian
    if g and g.get("full_name"):
        old = current.get("guardians", {}).get(search_key(g["full_name"]))
        if old is None:
            changes["guardian"] = [None, g["full_name"]]
        else:
            for f in GUARDIAN_FIELDS:
                if g.get(f) and g.get(f) != "other" and g[f] != old.get(f):
                    changes[f"guardian:{f}"] = [old.get(f), g[f]]
    return changes


def submission_stage(*, submission: Submission, progress=None) -> Submission:
    """Parse, match and stage a submission's file; set its counts and state. A file
    that cannot be read stages nothing and says why."""
    path = Path(submission.file.path)
    try:
        with gc_paused():
            opened = file_open(path=path, name=submission.original_name)
            _stage_rows(submission=submission, opened=opened, progress=progress)
    except FileRejected as exc:
        submission_reject(submission=submission, error=exc)
    return submission


def submission_reject(*, submission: Submission, error: Exception) -> None:
    """Record that the submission's file cannot be read at all, or its rows cannot be
    written, and why."""
    submission.state = Submission.State.FAILED
    submission.file_errors = [{"row": 0, "column": "", "message": str(error), "fix": ""}]
    submission.save(update_fields=["state", "file_errors"])


def submission_stage_applying(*, submission: Submission, on_new, progress=None) -> None:
    """Stage a submission's file while its new students are written: each chunk's new
    students go to `on_new(cursor, [(student_id, data), ...])`, run in a writer thread
    on the caller's connection, inside the caller's transaction, while Python parses
    the next chunk. The staged rows are written meanwhile on a connection of their own
    and committed once the file is staged, as a preview would be (in a caller's
    uncommitted transaction, as in tests, they go through the caller's connection).
    Raises FileRejected, having staged nothing: the caller rolls back what `on_new`
    wrote, then records the rejection."""
    with gc_paused():
        opened = file_open(path=Path(submission.file.path), name=submission.original_name)
        if opened.result.file_errors:
            with transaction.atomic():
                SubmissionRow.objects.filter(submission=submission).delete()
                _stage(submission=submission, opened=opened, progress=progress, writer=None)
            return
        rows = _RowWriter.open(submission_id=submission.pk)
        registry = _RowWriter.shared()
        if rows is None:
            SubmissionRow.objects.filter(submission=submission).delete()
        # Rows are matched against the registry as it was before this transaction (the
        # file's own new students are told apart by their IDs within the file), on a
        # connection of their own, so that matching a chunk does not wait for the
        # previous chunk's writes.
        lookup = side_connection(submission_id=submission.pk, autocommit=True)
        try:
            _stage(
                submission=submission,
                opened=opened,
                progress=progress,
                writer=rows or registry,
                registry=(registry, on_new),
                id_hint=len(opened.sheet.rows) - opened.result.header.data_start,
                lookup=lookup,
            )
        finally:
            if lookup is not None:
                lookup.close()


def _issue(i: Issue) -> dict:
    return {"row": i.row, "column": i.column, "message": i.message, "fix": i.fix}


# Rows are parsed, matched and written in chunks: memory stays flat however long the
# file is, and each chunk costs a handful of queries.
_CHUNK = 5000
_FIRST_CHUNK = 1000
_COPY_SQL = (
    "COPY students_submissionrow (submission_id, row_number, data, errors, warnings, action,"
    " student_id, changes) FROM STDIN"
)


def _copy_text(raw: bytes) -> bytes:
    """JSON as a field of COPY's text format: JSON escapes newlines and tabs itself,
    only backslashes need doubling."""
    return raw.replace(b"\\", b"\\\\") if b"\\" in raw else raw


def _issues_text(issues: list[Issue]) -> bytes:
    return _copy_text(orjson.dumps([_issue(i) for i in issues])) if issues else b"[]"


_ACTION_TEXT = {a: a.value.encode() for a in SubmissionRow.Action}


def side_connection(*, submission_id: int, autocommit: bool = False):
    """A second connection to the database (psycopg's own), or None when it would not
    see the submission: the submission is not committed yet (a caller's transaction,
    as in tests), and the caller's connection must do the work."""
    conn = side_connect(autocommit=autocommit)
    if conn.execute("SELECT 1 FROM students_submission WHERE id = %s", [submission_id]).fetchone():
        if not autocommit:
            conn.rollback()
        return conn
    conn.close()
    return None


class _RowWriter:
    """Runs a file's writes in a thread, so that PostgreSQL stores one chunk while Python
    parses the next.

    Staged rows (`open`): the writer has a connection of its own, whose transaction
    commits only when the whole file is staged, so a failure leaves nothing behind.
    Used for long files only: it sees committed data, and a short file gains nothing.

    The registry's writes while a file is staged and applied together (`shared`): the
    writer uses the caller's connection, inside the caller's transaction; psycopg's
    connection lock keeps the two threads' statements apart."""

    @classmethod
    def open(cls, *, submission_id: int) -> _RowWriter | None:
        """A writer, or None when the submission is not committed yet (a caller's
        transaction, as in tests): its rows must then go through that transaction."""
        conn = side_connection(submission_id=submission_id)
        if conn is None:
            return None
        writer = cls(conn=conn)

        def start(cursor) -> None:
            # Foreign keys checked as each chunk is written, while the next one is
            # parsed, rather than all at the commit that ends the staging.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "DELETE FROM students_submissionrow WHERE submission_id = %s", [submission_id]
            )

        writer.submit(start)
        return writer

    @classmethod
    def shared(cls) -> _RowWriter:
        connection.ensure_connection()
        return cls(conn=connection.connection, own=False)

    def __init__(self, *, conn, own: bool = True):
        self.conn = conn
        self.own = own
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.conn.cursor() as cursor:
                while (job := self.queue.get()) is not None:
                    job(cursor)
        except BaseException as exc:  # handed to the staging thread
            self.error = exc
            while self.queue.get() is not None:
                pass

    def submit(self, job) -> None:
        """Run `job(cursor)` in the writer's thread, after the jobs before it."""
        if self.error is not None:
            raise self.error
        self.queue.put(job)

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            if self.own:
                self.conn.close()
            raise self.error
        if self.own:
            self.conn.commit()
            self.conn.close()

    def abort(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.own:
            self.conn.rollback()
            self.conn.close()


def _rows_copy(block: bytes):
    def job(cursor) -> None:
        with cursor.copy(_COPY_SQL) as copy:
            copy.write(block)

    return job


class _Stager:
    def __init__(
        self,
        *,
        submission: Submission,
        writer: _RowWriter | None = None,
        registry: _RowWriter | None = None,
        on_new=None,
        id_hint: int = 0,
        lookup=None,
    ):
        self.writer = writer
        # A file staged and applied together: its new students, chunk by chunk, go to
        # `on_new(cursor, [(student_id, data), ...])` in the registry's writer thread;
        # identity look-ups go to `lookup`, a connection of their own.
        self.registry = registry
        self.on_new = on_new
        self.lookup = lookup
        self.submission = submission
        self.school = submission.school
        self.today = timezone.localdate()
        self.counts: dict = defaultdict(int)
        self.seen_keys: dict[str, int] = {}
        self.school_names: dict[int, tuple[str, str]] = {}
        self.new_keys: dict[tuple, list[int]] = defaultdict(list)
        self.scores: dict[tuple, int] = {}
        self.by_name: dict[tuple, list[dict]] | None = None
        self.total = 0
        self.id_pool: list[int] = []
        self.id_hint = id_hint
        self.taken: set[int] = set()  # students matched by rows of the file so far
        self.new_ids: list[int] = []

    def chunk(self, rows: list[ParsedRow]) -> None:
        if self.by_name is None:
            self.by_name = Matcher.school_students(school=self.school)
        matcher = Matcher(
            school=self.school,
            rows=[r for r in rows if _matchable(r)],
            by_name=self.by_name,
            lookup=self.lookup,
        )
        pending = []
        matched: set[int] = set()
        for row in rows:
            current = matcher.match(row, self.taken) if _matchable(row) else None
            if current is not None and current["school_id"] != self.school.pk:
                self._other_school(row, current)
                current = None
            if current is not None and row.errors:
                _on_record_without_circumstance(row)
            identity = row.values.get("personal_id") or row.values.get("moet_code")
            if identity:
                if identity in self.seen_keys:
                    row.errors.append(
                        Issue(
                            row.row,
                            "",
                            _("Trùng số định danh/mã học sinh với dòng %(r)s.")
                            % {"r": self.seen_keys[identity]},
                            _("Mỗi học sinh chỉ ghi một dòng; xoá dòng trùng."),
                        )
                    )
                else:
                    self.seen_keys[identity] = row.row
            if row.errors:
                pending.append((row, SubmissionRow.Action.INVALID, None, {}))
            elif current is None:
                pending.append((row, SubmissionRow.Action.NEW, None, {}))
                v = row.values
                birth = v["birth_date"].isoformat() if v.get("birth_date") else None
                self.new_keys[
                    (
                        v["search_key"],
                        birth,
                        v["birth_year"],
                        v.get("gender") or "",
                        v.get("personal_id") or "",
                    )
                ].append(row.row)
            else:
                # Decided once the circumstances and guardians are compared, below.
                pending.append((row, None, current["pk"], row_changes(row, current)))
                matched.add(current["pk"])
                self.taken.add(current["pk"])
        related = related_current(student_ids=matched)
        ids = self._ids(sum(1 for p in pending if p[1] == SubmissionRow.Action.NEW))
        self.new_ids += ids
        new_ids = iter(ids)
        out = bytearray()
        new_rows: list[tuple[int, dict]] = []
        pk = str(self.submission.pk).encode()
        for row, action, student_id, changes in pending:
            if action is None:
                changes.update(related_changes(row, related.get(student_id, {})))
                action = SubmissionRow.Action.CHANGED if changes else SubmissionRow.Action.UNCHANGED
            self.counts[action] += 1
            if row.warnings:
                self.counts["warning"] += 1
            guardian = row.guardian
            if guardian and guardian.get("full_name"):
                guardian["search_key"] = search_key(guardian["full_name"])
            data = {
                "values": row.values,
                "circumstances": row.circumstances,
                "guardian": guardian,
            }
            if action == SubmissionRow.Action.NEW:
                data["need_score"] = self._score(row.circumstances)
                student_id = next(new_ids)
                if self.registry is not None:
                    new_rows.append((student_id, data))
            out += b"\t".join(
                (
                    pk,
                    str(row.row).encode(),
                    _copy_text(orjson.dumps(data)),
                    _issues_text(row.errors),
                    _issues_text(row.warnings),
                    _ACTION_TEXT[action],
                    str(student_id).encode() if student_id else b"\\N",
                    _copy_text(orjson.dumps(changes)) if changes else b"{}",
                )
            )
            out += b"\n"
        self.total += len(rows)
        self.write(bytes(out))
        if self.registry is not None and new_rows:
            self.registry.submit(lambda cursor, on_new=self.on_new: on_new(cursor, new_rows))

    def write(self, block: bytes) -> None:
        if self.writer is not None:
            self.writer.submit(_rows_copy(block))
            return
        with connection.cursor() as cursor, cursor.cursor.copy(_COPY_SQL) as copy:
            copy.write(block)

    def _ids(self, count: int) -> list[int]:
        """Ids for `count` new students. New students get their ids at staging, so that
        confirming is three INSERTs with no round trip; ids of a list never confirmed
        are simply not used. They are drawn for the whole sheet at once: a query per
        chunk would wait, while a file is staged and applied together, for the
        connection that the previous chunk's writes hold."""
        if len(self.id_pool) < count:
            self.id_pool += ids_reserve(
                table="students_student", count=max(count - len(self.id_pool), self.id_hint)
            )
            self.id_hint = 0
        taken, self.id_pool = self.id_pool[:count], self.id_pool[count:]
        return taken

    def _other_school(self, row: ParsedRow, current: dict) -> None:
        # A whole list sent for the wrong school hits this on every row: word it once
        # per school.
        words = self.school_names.get(current["school_id"])
        if words is None:
            name = (
                School.objects.filter(pk=current["school_id"])
                .values_list("name", flat=True)
                .first()
            )
            words = self.school_names[current["school_id"]] = (
                _("Số định danh/mã học sinh này đang thuộc một học sinh của %(s)s.") % {"s": name},
                _(
                    "Nếu học sinh đã chuyển đến trường mình, đề nghị hội huyện ghi nhận chuyển trường trước."
                ),
            )
        row.errors.append(Issue(row.row, "", *words))

    def _score(self, circumstances: list[dict]) -> int:
        """The need score of a new student, from the circumstances the file gives (the
        same few combinations repeat over a whole list)."""
        key = tuple(tuple(sorted(c.items())) for c in circumstances)
        score = self.scores.get(key)
        if score is None:
            facts = [
                SimpleNamespace(
                    kind=c["kind"],
                    disability_level=c.get("disability_level", ""),
                    orphan_label=c.get("orphan_label", ""),
                    orphan_legal=c.get("orphan_legal"),
                    household_year=c.get("household_year"),
                    confirmed=False,
                    ended_on=None,
                )
                for c in circumstances
            ]
            score = self.scores[key] = need_score(facts, self.today)
        return score

    def duplicates_find(self, cursor) -> list[tuple]:
        """New rows whose name and birth match a student studying at another school, or
        any current student of a school of the same district (the rule of
        students/duplicates/detect.py: a person decides those), in one query for the
        whole file. A date must match a date; a row with only a year matches students
        with only that year. Another gender or another personal ID is another child."""
        if not self.new_keys:
            return []
        keys = [
            {"key": k, "birth": d, "year": y, "gender": g, "pid": p}
            for k, d, y, g, p in self.new_keys
        ]
        # Each name is looked up in student_name_birth (name, year, date), a lateral
        # join so that the plan does not hang on the estimate of the keys (PostgreSQL
        # takes any jsonb_to_recordset for 100 rows): a list of 20,000 names went through
        # the trigram index, 7 ms a name. A date is an index condition, and so is "no
        # date" for a row with only a year (an OR of the two is not): two branches.
        # 1,000,000 students, 5,000 names: 1.4 s -> 0.04 s (most names have ~50
        # namesakes, each a heap fetch before).
        # The district is found in SQL: this runs on the look-up connection's thread.
        cursor.execute(
            "WITH here AS (SELECT coalesce((SELECT d.path FROM khuyenhoc_area d"
            "  WHERE d.kind = 'district' AND d.path IN (left(c.path, 4), left(c.path, 8),"
            "   left(c.path, 12), left(c.path, 16)) ORDER BY d.depth DESC LIMIT 1), c.path)"
            "  AS path FROM khuyenhoc_school me JOIN khuyenhoc_area c ON c.id = me.commune_id"
            "  WHERE me.id = %s)"
            " SELECT k.key, k.birth, k.year, k.gender, k.pid, s.full_name, sc.name, s.status"
            " FROM jsonb_to_recordset(%s::jsonb)"
            " AS k(key text, birth date, year int, gender text, pid text)"
            " CROSS JOIN LATERAL ("
            "  SELECT s.id, s.school_id, s.full_name, s.status, s.gender, s.personal_id,"
            "   s.merged_into_id FROM students_student s"
            "  WHERE s.search_key = k.key AND s.birth_year = k.year AND s.birth_date = k.birth"
            "  UNION ALL"
            "  SELECT s.id, s.school_id, s.full_name, s.status, s.gender, s.personal_id,"
            "   s.merged_into_id FROM students_student s"
            "  WHERE k.birth IS NULL AND s.search_key = k.key AND s.birth_year = k.year"
            "   AND s.birth_date IS NULL"
            " ) s"
            " JOIN khuyenhoc_school sc ON sc.id = s.school_id"
            " JOIN khuyenhoc_area ca ON ca.id = sc.commune_id"
            " WHERE s.merged_into_id IS NULL"
            " AND ((s.school_id <> %s AND s.status = %s)"
            " OR (k.birth IS NOT NULL AND ca.path LIKE (SELECT path FROM here) || '%%'))"
            " AND (k.gender = '' OR s.gender = k.gender)"
            " AND (k.pid = '' OR s.personal_id IS NULL OR s.personal_id = k.pid)"
            # The file's own new students, when it is staged and applied together.
            " AND s.id NOT IN (SELECT jsonb_array_elements_text(%s::jsonb)::bigint)",
            [self.school.pk, _json(keys), self.school.pk, Status.STUDYING, _json(self.new_ids)],
        )
        return cursor.fetchall()

    def duplicates_flag(self, found: list[tuple]) -> int:
        """Warn on the rows `duplicates_find` found, in one update. Returns how many rows
        got their first warning."""
        if not found:
            return 0
        message = _("Có thể trùng với học sinh %(n)s (sinh %(b)s) đang học ở %(s)s.")
        # A namesake of the same district who is no longer studying (transferred ...).
        message_left = _("Có thể trùng với học sinh %(n)s (sinh %(b)s) của %(s)s (%(st)s).")
        fix = _("Nếu là cùng một em, đề nghị hội huyện ghi nhận chuyển trường thay vì thêm mới.")
        warnings: dict[int, list[dict]] = defaultdict(list)
        for key, birth_date, year, gender, pid, full_name, school_name, status in found:
            birth = birth_date.strftime("%d/%m/%Y") if birth_date else str(year)
            words = {"n": full_name, "b": birth, "s": school_name, "st": Status(status).label}
            text = (message if status == Status.STUDYING else message_left) % words
            for number in self.new_keys[
                (key, birth_date.isoformat() if birth_date else None, year, gender, pid)
            ]:
                if len(warnings[number]) < 3:
                    warnings[number].append(
                        {
                            "row": number,
                            "column": "",
                            "message": text,
                            "fix": fix,
                        }
                    )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE students_submissionrow r SET warnings = r.warnings || w.extra"
                " FROM jsonb_to_recordset(%s::jsonb) AS w(row_number int, extra jsonb)"
                " WHERE r.submission_id = %s AND r.row_number = w.row_number"
                " RETURNING r.warnings = w.extra",
                [
                    _json([{"row_number": n, "extra": w} for n, w in warnings.items()]),
                    self.submission.pk,
                ],
            )
            return sum(1 for (first,) in cursor.fetchall() if first)


def _json(value) -> str:
    return orjson.dumps(value).decode()


# Runs the registry reads that end a file staged and applied together (see _stage).
_BESIDE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-reads")


def _registry_reads(cursor, *, stager: _Stager) -> tuple[list[tuple], list[int]]:
    """The possible duplicates of the file's new rows, and the school's studying
    students the file does not list."""
    return stager.duplicates_find(cursor), _missing_ids(cursor, stager=stager)


def _missing_ids(cursor, *, stager: _Stager) -> list[int]:
    """(Students written while the file is staged and applied together are the file's
    own new rows.) The ids travel as JSON, for a hashed look-up whatever the statistics
    say."""
    cursor.execute(
        "SELECT id FROM students_student WHERE school_id = %s AND status = %s"
        " AND merged_into_id IS NULL AND id NOT IN (SELECT jsonb_array_elements_text(%s::jsonb)::bigint)",
        [stager.school.pk, Status.STUDYING, _json([*stager.taken, *stager.new_ids])],
    )
    return [pk for (pk,) in cursor.fetchall()]


def _registry_reads_on(conn, *, stager: _Stager) -> tuple[list[tuple], list[int]]:
    """The same, on the look-up connection, at the end of a file staged and applied
    together. The possible-duplicate warnings are advice (the duplicates queue finds
    the same pairs later) and may not hold the import up: once, on the 1,000,000-student
    registry, that look-up for 100,000 names was still running after 25 minutes where it
    takes 1.5 s (not reproduced). Past IMPORT_DUPLICATES_TIMEOUT_MS the rows go without."""
    timeout = settings.IMPORT_DUPLICATES_TIMEOUT_MS
    with conn.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {timeout}")
        try:
            found = stager.duplicates_find(cursor)
        except psycopg.errors.QueryCanceled:
            logger.warning(
                "submission %s: possible duplicates not looked up within %s ms",
                stager.submission.pk,
                timeout,
            )
            found = []
        finally:
            cursor.execute("SET statement_timeout = 0")
        return found, _missing_ids(cursor, stager=stager)


# Files longer than one chunk are staged through a writer thread (see _RowWriter).
_THREADED_ROWS = _CHUNK


def _stage_rows(*, submission: Submission, opened: OpenedFile, progress=None) -> None:
    writer = None
    if not opened.result.file_errors and len(opened.sheet.rows) > _THREADED_ROWS:
        writer = _RowWriter.open(submission_id=submission.pk)
    if writer is not None:
        # The writer's transaction holds the rows; this connection stays in autocommit
        # so that the job's progress shows while the file is read.
        _stage(submission=submission, opened=opened, progress=progress, writer=writer)
        return
    with transaction.atomic():
        SubmissionRow.objects.filter(submission=submission).delete()
        _stage(submission=submission, opened=opened, progress=progress, writer=None)


def _stage(
    *,
    submission: Submission,
    opened: OpenedFile,
    progress,
    writer: _RowWriter | None,
    registry: tuple[_RowWriter, object] | None = None,
    id_hint: int = 0,
    lookup=None,
) -> None:
    result = opened.result
    stager = _Stager(
        submission=submission,
        writer=writer,
        registry=registry[0] if registry else None,
        on_new=registry[1] if registry else None,
        id_hint=id_hint,
        lookup=lookup,
    )
    writers = [writer] if writer is not None else []
    reads = None
    if registry is not None and registry[0] is not writer:
        writers.append(registry[0])
    try:
        if not result.file_errors:
            context = row_context(
                school=submission.school,
                today=stager.today,
                school_year=submission.round.school_year if submission.round_id else None,
            )
            rows = opened.rows(context=context, progress=progress)
            # A short first chunk: the writer threads start sooner.
            size = min(_CHUNK, _FIRST_CHUNK)
            while chunk := list(islice(rows, size)):
                stager.chunk(chunk)
                size = _CHUNK
        # What the registry held before this file, for the warnings and the missing
        # count, is read on the look-up connection while the last chunks are written.
        reads = (
            _BESIDE.submit(_registry_reads_on, lookup, stager=stager)
            if lookup is not None
            else None
        )
        # The registry's writes end first: staged rows commit only if they succeeded.
        while writers:
            writers[-1].finish()
            writers.pop()
    finally:
        for w in writers:
            w.abort()
    if reads is not None:
        found, missing = reads.result()
    else:
        with connection.cursor() as cursor:
            found, missing = _registry_reads(cursor, stager=stager)
    stager.counts["warning"] += stager.duplicates_flag(found)
    counts = stager.counts
    submission.file_errors = [_issue(i) for i in result.file_errors]
    submission.unknown_columns = result.unknown_columns
    submission.sheet_name = result.sheet_name
    submission.rows_total = stager.total
    submission.rows_error = counts[SubmissionRow.Action.INVALID]
    submission.rows_valid = submission.rows_total - submission.rows_error
    submission.rows_warning = counts["warning"]
    submission.new_count = counts[SubmissionRow.Action.NEW]
    submission.changed_count = counts[SubmissionRow.Action.CHANGED]
    submission.unchanged_count = counts[SubmissionRow.Action.UNCHANGED]
    submission.missing_count = len(missing)
    if registry is not None:
        # Staged and applied together: confirmed now, so the students the list left
        # out are kept as they are at this moment (as submission_confirm keeps them).
        submission.missing_student_ids = missing
    submission.state = (
        Submission.State.HAS_ERRORS
        if submission.rows_error or submission.file_errors
        else Submission.State.READY
    )
    submission.save()
