"""Phase two of an import: apply the valid staged rows to the registry in one
transaction of set-based writes, with history events naming the submission.

New students, their circumstances and guardians are bulk-inserted; changed students
are updated by one UPDATE ... FROM a temporary table filled with COPY. Rows with errors
stay staged for a later upload; students missing from the file are left alone (the
district decides whether they moved, graduated or dropped out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.db import copy_rows, pg_array
from khuyenhoc.jobs import JobError
from khuyenhoc.text import search_key
from students.collection.files import FileRejected
from students.collection.staging import (
    CIRCUMSTANCE_DETAIL,
    GUARDIAN_FIELDS,
    related_current,
    submission_reject,
    submission_stage_applying,
)
from students.history import history_source
from students.models import Circumstance, Guardian, Status, Submission, SubmissionRow
from students.record.services import need_scores_recompute

_BATCH = 2000
_CIRCUMSTANCE_UPDATE = (
    "disability_type",
    "disability_level",
    "orphan_label",
    "orphan_legal",
    "household_year",
    "description",
)
# Columns of the temporary table used to update changed students, with their types.
_UPDATE_COLUMNS = {
    "full_name": "varchar(100)",
    "search_key": "varchar(100)",
    "birth_date": "date",
    "birth_year": "smallint",
    "gender": "varchar(6)",
    "ethnicity_id": "bigint",
    "personal_id": "varchar(12)",
    "moet_code": "varchar(20)",
    "grade": "smallint",
    "class_name": "varchar(20)",
    "village": "varchar(100)",
    "commune_id": "bigint",
    "address_text": "varchar(255)",
    "specific_situation": "text",
    "wishes": "varchar(20)[]",
    "wishes_note": "varchar(255)",
    "note": "text",
}


@dataclass
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_errors: int = 0


def _value(field: str, raw):
    if raw in (None, "", []):
        return None
    if field == "birth_date":
        return dt.date.fromisoformat(raw)
    return raw


def submission_apply(*, submission: Submission, user) -> ApplyResult:
    """Write the valid rows of a staged submission. Applying the same rows twice, or a
    re-upload of the same file, changes nothing."""
    try:
        with (
            transaction.atomic(),
            history_source(source="import", user=user, submission=submission.pk),
        ):
            return _apply(submission=submission, user=user)
    except IntegrityError as exc:
        raise _conflict(exc) from None


def _conflict(exc: IntegrityError) -> JobError:
    return JobError(
        _(
            "Không ghi được danh sách vì dữ liệu đã thay đổi trong lúc chờ xác nhận (%(e)s). Không có gì được ghi; hãy tải tệp lên lại."
        )
        % {"e": str(exc).splitlines()[0][:150]}
    )


def submission_import(*, submission: Submission, user, progress=None) -> ApplyResult | None:
    """Stage a submission's file and apply its valid rows, as `import_students --commit`
    does: what staging then confirming would do, but each chunk's new students are
    written (COPY) as soon as the chunk is parsed, so PostgreSQL writes while Python
    parses the next chunk. Returns None when nothing could be applied (a file that
    cannot be read, missing columns, no valid row): the submission says why.

    The registry's writes are one transaction: a failure writes none of them. The
    staged rows commit on their own just before, as an upload's preview does: after a
    failure to apply, the submission stays staged, to be confirmed later."""
    writes = _NewStudents(submission)
    try:
        with (
            transaction.atomic(),
            history_source(source="import", user=user, submission=submission.pk),
        ):
            with connection.cursor() as cursor:
                # The history context for the writer thread's statements, which bypass
                # Django's cursor; and foreign keys checked as each chunk is written,
                # while the next one is parsed, instead of all at commit.
                cursor.execute("DO $$ BEGIN END $$")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            submission_stage_applying(submission=submission, on_new=writes, progress=progress)
            result = None
            if submission.rows_valid and not submission.file_errors:
                result = _apply(submission=submission, user=user, created=writes.created)
            # (A failure rolls this back with the rest.)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return result
    except FileRejected as exc:
        submission_reject(submission=submission, error=exc)
        return None
    except (IntegrityError, psycopg.IntegrityError) as exc:
        # (The writer thread's statements raise psycopg's own errors.)
        error = _conflict(exc)
        if SubmissionRow.objects.filter(submission=submission).exists():
            submission.save()  # staged, as its rows are
        else:
            submission_reject(submission=submission, error=error)
        raise error from None


_STUDENT_COLUMNS = (
    "id",
    "full_name",
    "search_key",
    "birth_date",
    "birth_year",
    "gender",
    "ethnicity_id",
    "personal_id",
    "moet_code",
    "school_id",
    "grade",
    "class_name",
    "commune_id",
    "village",
    "address_text",
    "specific_situation",
    "wishes",
    "wishes_note",
    "note",
    "status",
    "need_score",
    "guardian_consent_by",
    "created_at",
    "updated_at",
)
_CIRCUMSTANCE_COLUMNS = (
    "student_id",
    "kind",
    "disability_type",
    "disability_level",
    "orphan_label",
    "orphan_legal",
    "household_year",
    "description",
    "confirmed",
    "certificate_number",
    "certificate_issuer",
    "started_on",
    "recorded_at",
)
_GUARDIAN_COLUMNS = ("student_id", "full_name", "relation", "occupation", "phone", "search_key")


class _NewStudents:
    """Writes one chunk's new students, their circumstances and guardians with three
    COPYs, from the rows as staging made them: the same values the confirm's
    INSERT ... SELECT statements below take from the staged JSON."""

    def __init__(self, submission: Submission):
        self.school = submission.school_id
        # Values the same on every row, and the few lists of wishes, go to COPY as text:
        # psycopg's Python dumpers for lists and datetimes took most of a row's time.
        self.now = timezone.now().isoformat()
        self.today = timezone.localdate().isoformat()
        self.wishes: dict[tuple, str] = {}
        self.created = 0

    def _wishes(self, wishes) -> str:
        key = tuple(wishes or ())
        text = self.wishes.get(key)
        if text is None:
            text = self.wishes[key] = pg_array(key)
        return text

    def __call__(self, cursor, rows: list[tuple[int, dict]]) -> None:
        now, today = self.now, self.today
        with cursor.copy(
            f"COPY students_student ({', '.join(_STUDENT_COLUMNS)}) FROM STDIN"
        ) as copy:
            for student_id, data in rows:
                v = data["values"]
                copy.write_row(
                    (
                        student_id,
                        v["full_name"],
                        v["search_key"],
                        v.get("birth_date"),
                        v.get("birth_year"),
                        v.get("gender"),
                        v.get("ethnicity_id"),
                        v.get("personal_id") or None,
                        v.get("moet_code") or None,
                        self.school,
                        v.get("grade"),
                        v.get("class_name") or "",
                        v.get("commune_id"),
                        v.get("village") or "",
                        v.get("address_text") or "",
                        v.get("specific_situation") or "",
                        self._wishes(v.get("wishes")),
                        v.get("wishes_note") or "",
                        v.get("note") or "",
                        Status.STUDYING,
                        data.get("need_score") or 0,
                        "",
                        now,
                        now,
                    )
                )
        with cursor.copy(
            f"COPY students_circumstance ({', '.join(_CIRCUMSTANCE_COLUMNS)}) FROM STDIN"
        ) as copy:
            for student_id, data in rows:
                for c in data["circumstances"]:
                    copy.write_row(
                        (
                            student_id,
                            c["kind"],
                            c.get("disability_type") or "",
                            c.get("disability_level") or "",
                            c.get("orphan_label") or "",
                            c.get("orphan_legal"),
                            c.get("household_year"),
                            c.get("description") or "",
                            False,
                            "",
                            "",
                            today,
                            now,
                        )
                    )
        with cursor.copy(
            f"COPY students_guardian ({', '.join(_GUARDIAN_COLUMNS)}) FROM STDIN"
        ) as copy:
            for student_id, data in rows:
                g = data["guardian"]
                if g and g.get("full_name"):
                    copy.write_row(
                        (
                            student_id,
                            g["full_name"],
                            g.get("relation") or "other",
                            g.get("occupation") or "",
                            g.get("phone") or "",
                            g.get("search_key") or "",
                        )
                    )
        self.created += len(rows)


def _apply(*, submission: Submission, user, created: int | None = None) -> ApplyResult:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state not in (Submission.State.READY, Submission.State.HAS_ERRORS):
        raise JobError(_("Danh sách này đã được xác nhận hoặc không còn chờ xác nhận."))
    pending = SubmissionRow.objects.filter(submission=submission)
    counts = dict(
        pending.values("action").annotate(n=Count("id")).values_list("action", "n").order_by()
    )
    result = ApplyResult(
        unchanged=counts.get(SubmissionRow.Action.UNCHANGED, 0),
        skipped_errors=counts.get(SubmissionRow.Action.INVALID, 0),
    )
    if created is not None:
        result.created = created
    elif counts.get(SubmissionRow.Action.NEW):
        result.created = _students_create(submission=submission)
    # Changed students are few in a school's yearly list: they are compared in Python.
    changed_rows = list(
        pending.filter(action=SubmissionRow.Action.CHANGED).values_list(
            "pk", "action", "student_id", "data", "changes"
        )
    )
    _students_update(rows=changed_rows)
    result.updated = len(changed_rows)
    _related_write(rows=[(r[2], r[3]) for r in changed_rows], new_ids=set())
    # New students got their score when written; only changed ones need the recompute.
    if changed_rows:
        need_scores_recompute(student_ids=[r[2] for r in changed_rows])

    submission.state = Submission.State.SUBMITTED
    submission.confirmed_at = timezone.now()
    submission.confirmed_by = user
    submission.created_count = result.created
    submission.updated_count = result.updated
    submission.save(
        update_fields=["state", "confirmed_at", "confirmed_by", "created_count", "updated_count"]
    )
    return result


# New students are written from the staged rows inside PostgreSQL, with the ids staging
# reserved: students, circumstances and guardians are three INSERT ... SELECT statements
# over the staged JSON (no round trip through Python). Staged rows lie in file order,
# so students are written in id order without a sort (which spilled to disk).
_NEW_STUDENTS = """
INSERT INTO students_student (
    id, full_name, search_key, birth_date, birth_year, gender, ethnicity_id, personal_id,
    moet_code, school_id, grade, class_name, commune_id, village, address_text,
    specific_situation, wishes, wishes_note, note, status, need_score, guardian_consent_by,
    created_at, updated_at)
SELECT r.student_id, v->>'full_name', v->>'search_key', (v->>'birth_date')::date,
    (v->>'birth_year')::smallint, v->>'gender', (v->>'ethnicity_id')::bigint,
    NULLIF(v->>'personal_id', ''), NULLIF(v->>'moet_code', ''), %(school)s,
    (v->>'grade')::smallint, COALESCE(v->>'class_name', ''), (v->>'commune_id')::bigint,
    COALESCE(v->>'village', ''), COALESCE(v->>'address_text', ''),
    COALESCE(v->>'specific_situation', ''),
    ARRAY(SELECT jsonb_array_elements_text(COALESCE(v->'wishes', '[]'::jsonb)))::varchar(20)[],
    COALESCE(v->>'wishes_note', ''), COALESCE(v->>'note', ''), %(status)s,
    COALESCE((r.data->>'need_score')::smallint, 0), '', %(now)s, %(now)s
FROM students_submissionrow r
CROSS JOIN LATERAL (SELECT r.data->'values' AS v) x
WHERE r.submission_id = %(submission)s AND r.action = 'new'
"""
_NEW_CIRCUMSTANCES = """
INSERT INTO students_circumstance (
    student_id, kind, disability_type, disability_level, orphan_label, orphan_legal,
    household_year, description, confirmed, certificate_number, certificate_issuer,
    started_on, recorded_at)
SELECT r.student_id, c->>'kind', COALESCE(c->>'disability_type', ''),
    COALESCE(c->>'disability_level', ''), COALESCE(c->>'orphan_label', ''),
    (c->>'orphan_legal')::boolean, (c->>'household_year')::smallint,
    COALESCE(c->>'description', ''), false, '', '', %(today)s, %(now)s
FROM students_submissionrow r
CROSS JOIN LATERAL jsonb_array_elements(r.data->'circumstances') c
WHERE r.submission_id = %(submission)s AND r.action = 'new'
"""
_NEW_GUARDIANS = """
INSERT INTO students_guardian (student_id, full_name, relation, occupation, phone, search_key)
SELECT r.student_id, g->>'full_name', COALESCE(NULLIF(g->>'relation', ''), 'other'),
    COALESCE(g->>'occupation', ''), COALESCE(g->>'phone', ''), COALESCE(g->>'search_key', '')
FROM students_submissionrow r
CROSS JOIN LATERAL (SELECT r.data->'guardian' AS g) x
WHERE r.submission_id = %(submission)s AND r.action = 'new'
    AND COALESCE(g->>'full_name', '') <> ''
"""


def _students_create(*, submission: Submission) -> int:
    params = {
        "submission": submission.pk,
        "school": submission.school_id,
        "status": Status.STUDYING,
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_NEW_STUDENTS, params)
        created = cursor.rowcount
        cursor.execute(_NEW_CIRCUMSTANCES, params)
        cursor.execute(_NEW_GUARDIANS, params)
    return created


def _students_update(*, rows) -> None:
    """One UPDATE for all changed students: blank cells (NULL here) keep the old value."""
    if not rows:
        return
    columns = list(_UPDATE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_student_update")
        cursor.execute(
            "CREATE TEMPORARY TABLE import_student_update (id bigint PRIMARY KEY, "
            + ", ".join(f"{c} {t}" for c, t in _UPDATE_COLUMNS.items())
            + ") ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            f"COPY import_student_update (id, {', '.join(columns)}) FROM STDIN"
        ) as copy:
            for _pk, _action, student_id, data, changes in rows:
                v = data["values"]
                record = [student_id]
                for c in columns:
                    if c == "search_key":
                        record.append(
                            search_key(v["full_name"]) if "full_name" in changes else None
                        )
                    elif c in changes:
                        record.append(_value(c, v.get(c)))
                    else:
                        record.append(None)
                copy.write_row(record)
        sets = ", ".join(f"{c} = COALESCE(u.{c}, s.{c})" for c in columns)
        cursor.execute(
            f"UPDATE students_student s SET {sets}, updated_at = now() FROM import_student_update u WHERE s.id = u.id"
        )


def _related_write(*, rows: list[tuple[int, dict]], new_ids: set[int]) -> None:
    """Circumstances the file adds or changes, and guardians, for created and changed
    students: bulk inserts plus a bulk update of changed details."""
    existing = related_current(student_ids={sid for sid, _ in rows if sid not in new_ids})
    today, now = timezone.localdate(), timezone.now()
    add_c, upd_c, add_g, upd_g = [], [], [], []
    for student_id, data in rows:
        have = existing.get(student_id, {})
        for c in data.get("circumstances", []):
            kind = c["kind"]
            fields = {f: c.get(f) for f in CIRCUMSTANCE_DETAIL[kind] if c.get(f) not in (None, "")}
            if kind == "orphan" and c.get("orphan_legal") is not None:
                fields["orphan_legal"] = c["orphan_legal"]
            old = have.get("circumstances", {}).get(kind)
            if old is None:
                add_c.append(
                    (
                        student_id,
                        kind,
                        fields.get("disability_type", ""),
                        fields.get("disability_level", ""),
                        fields.get("orphan_label", ""),
                        fields.get("orphan_legal"),
                        fields.get("household_year"),
                        fields.get("description", ""),
                        False,
                        "",
                        "",
                        today,
                        now,
                    )
                )
            elif any(old.get(f) != v for f, v in fields.items()):
                merged = {f: old[f] for f in _CIRCUMSTANCE_UPDATE}
                upd_c.append(Circumstance(pk=old["pk"], kind=kind, **{**merged, **fields}))
        g = data.get("guardian")
        if g and g.get("full_name"):
            old = have.get("guardians", {}).get(search_key(g["full_name"]))
            if old is None:
                add_g.append(
                    (
                        student_id,
                        g["full_name"],
                        g.get("relation") or "other",
                        g.get("occupation", ""),
                        g.get("phone", ""),
                        search_key(g["full_name"]),
                    )
                )
            else:
                changed = {
                    f: g[f]
                    for f in GUARDIAN_FIELDS
                    if g.get(f) and g[f] != "other" and g[f] != old.get(f)
                }
                if changed:
                    upd_g.append(
                        Guardian(
                            pk=old["pk"], **{**{f: old[f] for f in GUARDIAN_FIELDS}, **changed}
                        )
                    )
    copy_rows(
        table="students_circumstance",
        columns=_CIRCUMSTANCE_COLUMNS,
        rows=add_c,
    )
    copy_rows(
        table="students_guardian",
        columns=_GUARDIAN_COLUMNS,
        rows=add_g,
    )
    if upd_c:
        Circumstance.objects.bulk_update(upd_c, list(_CIRCUMSTANCE_UPDATE), batch_size=_BATCH)
    if upd_g:
        Guardian.objects.bulk_update(upd_g, list(GUARDIAN_FIELDS), batch_size=_BATCH)
