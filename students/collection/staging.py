"""Phase one of an import, read-only for the registry: parse the file, match every
row to the registry, and stage rows with their problems and differences.

Matching, in order: personal ID, then MOET student code, then normalised name + date
of birth (or year) within the school. Look-ups are a few set-based queries for the
whole file, never one per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.models import Area, School
from khuyenhoc.text import search_key
from students.collection.files import FileRejected
from students.collection.parse import ParseResult, file_parse
from students.collection.rows import Issue, ParsedRow, RowContext, ethnicity_keys
from students.collection.vocab import COMMUNE_PREFIXES, strip_prefix
from students.models import Ethnicity, Status, Student, Submission, SubmissionRow

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


def row_context(*, school: School, today: dt.date | None = None) -> RowContext:
    """Ethnic groups and the communes of the school's district (old and new names)."""
    district = Area.objects.get_ancestors(school.commune).filter(kind=Area.Kind.DISTRICT).last()
    root = district or school.commune
    communes: dict[str, int] = {}
    for pk, short_name, name in (
        Area.objects.get_descendants(root, include_self=True)
        .filter(kind=Area.Kind.COMMUNE)
        .values_list("pk", "short_name", "name")
    ):
        for label in (short_name, name):
            communes.setdefault(strip_prefix(search_key(label), COMMUNE_PREFIXES)[1], pk)
    return RowContext(
        today=today or timezone.localdate(),
        ethnicities=ethnicity_keys(Ethnicity.objects.values_list("pk", "code", "name", "aliases")),
        communes=communes,
        grade_min=school.grade_min,
        grade_max=school.grade_max,
        school_name=school.name,
    )


def _student_values(student: Student) -> dict:
    return {f: getattr(student, f) for f in STUDENT_FIELDS}


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Matcher:
    """Finds the registry student for each parsed row, with three queries per file."""

    def __init__(self, *, school: School, rows: list[ParsedRow]):
        self.school = school
        ids = {r.values.get("personal_id") for r in rows} - {None, ""}
        codes = {r.values.get("moet_code") for r in rows} - {None, ""}
        fields = ["pk", "school_id", "search_key", "birth_date", "birth_year", *STUDENT_FIELDS]
        self.by_id: dict[str, dict] = {}
        self.by_code: dict[str, dict] = {}
        self.by_name: dict[tuple, list[dict]] = defaultdict(list)
        if ids:
            for s in Student.objects.filter(personal_id__in=ids).values(*fields):
                self.by_id[s["personal_id"]] = s
        if codes:
            for s in Student.objects.filter(moet_code__in=codes).values(*fields):
                self.by_code[s["moet_code"]] = s
        self.school_students: dict[int, dict] = {}
        for s in Student.objects.filter(school=school).values(*fields, "status"):
            self.school_students[s["pk"]] = s
            self.by_name[(s["search_key"], s["birth_year"])].append(s)

    def match(self, row: ParsedRow) -> dict | None:
        v = row.values
        if v.get("personal_id") and v["personal_id"] in self.by_id:
            return self.by_id[v["personal_id"]]
        if v.get("moet_code") and v["moet_code"] in self.by_code:
            return self.by_code[v["moet_code"]]
        for s in self.by_name.get((v.get("search_key"), v.get("birth_year")), []):
            if v.get("birth_date") is None or s["birth_date"] in (None, v["birth_date"]):
                return s
        return None


def row_changes(row: ParsedRow, current: dict) -> dict:
    """{field: [old, new]} for the fields the file would change (blank cells skipped)."""
    changes = {}
    for f in STUDENT_FIELDS:
        new = row.values.get(f)
        if new in (None, "", []):
            continue
        old = current.get(f)
        if f == "wishes":
            if sorted(old or []) == sorted(new):
                continue
        elif old == new:
            continue
        changes[f] = [_jsonable(old), _jsonable(new)]
    return changes


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
    """Parse, match and stage a submission's file; set its counts and state."""
    school = submission.school
    path = Path(submission.file.path)
    try:
        result = file_parse(
            path=path,
            name=submission.original_name,
            context=row_context(school=school),
            progress=progress,
        )
    except FileRejected as exc:
        submission.state = Submission.State.FAILED
        submission.file_errors = [{"row": 0, "column": "", "message": str(exc), "fix": ""}]
        submission.save(update_fields=["state", "file_errors"])
        return submission
    _stage_rows(submission=submission, result=result)
    return submission


def _issue(i: Issue) -> dict:
    return {"row": i.row, "column": i.column, "message": i.message, "fix": i.fix}


def _stage_rows(*, submission: Submission, result: ParseResult) -> None:
    matcher = Matcher(school=submission.school, rows=result.rows)
    staged: list[tuple] = []
    counts = defaultdict(int)
    matched_ids: set[int] = set()
    seen_keys: dict[str, int] = {}
    pending: list[tuple] = []
    school_names: dict[int, str] = {}
    for row in result.rows:
        current = matcher.match(row) if not row.errors else None
        if current is not None and current["school_id"] != submission.school_id:
            if current["school_id"] not in school_names:
                school_names[current["school_id"]] = (
                    School.objects.filter(pk=current["school_id"])
                    .values_list("name", flat=True)
                    .first()
                )
            other = school_names[current["school_id"]]
            row.errors.append(
                Issue(
                    row.row,
                    "",
                    _("Số định danh/mã học sinh này đang thuộc một học sinh của %(s)s.")
                    % {"s": other},
                    _(
                        "Nếu học sinh đã chuyển đến trường mình, đề nghị hội huyện ghi nhận chuyển trường trước."
                    ),
                )
            )
            current = None
        identity = row.values.get("personal_id") or row.values.get("moet_code")
        if identity:
            if identity in seen_keys:
                row.errors.append(
                    Issue(
                        row.row,
                        "",
                        _("Trùng số định danh/mã học sinh với dòng %(r)s.")
                        % {"r": seen_keys[identity]},
                        _("Mỗi học sinh chỉ ghi một dòng; xoá dòng trùng."),
                    )
                )
            else:
                seen_keys[identity] = row.row
        if row.errors:
            action, changes, student_id = SubmissionRow.Action.INVALID, {}, None
        elif current is None:
            action, changes, student_id = SubmissionRow.Action.NEW, {}, None
        else:
            # Decided once the circumstances and guardians are compared, below.
            action, changes, student_id = None, row_changes(row, current), current["pk"]
            matched_ids.add(student_id)
        pending.append((row, action, student_id, changes))

    related = related_current(student_ids=matched_ids)
    for row, action, student_id, changes in pending:
        if action is None:
            changes.update(related_changes(row, related.get(student_id, {})))
            action = SubmissionRow.Action.CHANGED if changes else SubmissionRow.Action.UNCHANGED
        counts[action] += 1
        if row.warnings:
            counts["warning"] += 1
        data = {
            "values": {k: _jsonable(v) for k, v in row.values.items()},
            "circumstances": row.circumstances,
            "guardian": row.guardian,
        }
        staged.append(
            (
                submission.pk,
                row.row,
                json.dumps(data, ensure_ascii=False),
                json.dumps([_issue(i) for i in row.errors], ensure_ascii=False),
                json.dumps([_issue(i) for i in row.warnings], ensure_ascii=False),
                action,
                student_id,
                json.dumps(changes, ensure_ascii=False),
                False,
            )
        )
    missing = [
        s
        for pk, s in matcher.school_students.items()
        if pk not in matched_ids and s["status"] == Status.STUDYING
    ]
    with transaction.atomic():
        SubmissionRow.objects.filter(submission=submission).delete()
        connection.ensure_connection()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(
                "COPY students_submissionrow (submission_id, row_number, data, errors, warnings, action,"
                " student_id, changes, applied) FROM STDIN"
            ) as copy:
                for record in staged:
                    copy.write_row(record)
        submission.file_errors = [_issue(i) for i in result.file_errors]
        submission.unknown_columns = result.unknown_columns
        submission.sheet_name = result.sheet_name
        submission.rows_total = len(result.rows)
        submission.rows_error = counts[SubmissionRow.Action.INVALID]
        submission.rows_valid = submission.rows_total - submission.rows_error
        submission.rows_warning = counts["warning"]
        submission.new_count = counts[SubmissionRow.Action.NEW]
        submission.changed_count = counts[SubmissionRow.Action.CHANGED]
        submission.unchanged_count = counts[SubmissionRow.Action.UNCHANGED]
        submission.missing_count = len(missing)
        submission.state = (
            Submission.State.HAS_ERRORS
            if submission.rows_error or submission.file_errors
            else Submission.State.READY
        )
        submission.save()
