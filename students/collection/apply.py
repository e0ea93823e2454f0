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
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyenhoc.db import copy_rows, ids_reserve
from khuyenhoc.jobs import JobError
from khuyenhoc.text import search_key
from students.collection.staging import (
    CIRCUMSTANCE_DETAIL,
    GUARDIAN_FIELDS,
    related_current,
)
from students.history import history_source
from students.models import Circumstance, Guardian, Status, Submission, SubmissionRow
from students.scoring import need_score
from students.services import need_scores_recompute

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
        raise JobError(
            _(
                "Không ghi được danh sách vì dữ liệu đã thay đổi trong lúc chờ xác nhận (%(e)s). Không có gì được ghi; hãy tải tệp lên lại."
            )
            % {"e": str(exc).splitlines()[0][:150]}
        ) from None


def _apply(*, submission: Submission, user) -> ApplyResult:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state not in (Submission.State.READY, Submission.State.HAS_ERRORS):
        raise JobError(_("Danh sách này đã được xác nhận hoặc không còn chờ xác nhận."))
    rows = list(
        SubmissionRow.objects.filter(submission=submission, applied=False).values_list(
            "pk", "action", "student_id", "data", "changes"
        )
    )
    result = ApplyResult()
    new_rows = [r for r in rows if r[1] == SubmissionRow.Action.NEW]
    changed_rows = [r for r in rows if r[1] == SubmissionRow.Action.CHANGED]
    result.unchanged = sum(1 for r in rows if r[1] == SubmissionRow.Action.UNCHANGED)
    result.skipped_errors = sum(1 for r in rows if r[1] == SubmissionRow.Action.INVALID)

    created_ids = _students_create(submission=submission, rows=new_rows)
    result.created = len(created_ids)
    _students_update(rows=changed_rows)
    result.updated = len(changed_rows)
    _related_write(
        rows=[(sid, r[3]) for sid, r in zip(created_ids, new_rows, strict=True)]
        + [(r[2], r[3]) for r in changed_rows],
        new_ids=set(created_ids),
    )

    SubmissionRow.objects.filter(submission=submission, applied=False).exclude(
        action=SubmissionRow.Action.INVALID
    ).update(applied=True)
    _link_new_rows(row_ids=[r[0] for r in new_rows], student_ids=created_ids)
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


_STUDENT_COPY = (
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


def _score(data: dict, today: dt.date) -> int:
    """The need score of a new student from the circumstances the file gives."""
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
        for c in data.get("circumstances", [])
    ]
    return need_score(facts, today)


def _students_create(*, submission: Submission, rows) -> list[int]:
    """COPY the new students in, with ids reserved first so their circumstances and
    guardians can follow in the same transaction."""
    ids = ids_reserve(table="students_student", count=len(rows))
    now, today = timezone.now(), timezone.localdate()

    def records():
        for student_id, (_pk, _action, _sid, data, _changes) in zip(ids, rows, strict=True):
            v = data["values"]
            yield (
                student_id,
                v["full_name"],
                v["search_key"],
                _value("birth_date", v.get("birth_date")),
                v["birth_year"],
                v["gender"],
                v["ethnicity_id"],
                v.get("personal_id") or None,
                v.get("moet_code") or None,
                submission.school_id,
                v["grade"],
                v.get("class_name", ""),
                v.get("commune_id"),
                v.get("village", ""),
                v.get("address_text", ""),
                v.get("specific_situation", ""),
                v.get("wishes") or [],
                v.get("wishes_note", ""),
                v.get("note", ""),
                Status.STUDYING,
                _score(data, today),
                "",
                now,
                now,
            )

    copy_rows(table="students_student", columns=_STUDENT_COPY, rows=records())
    return ids


def _students_update(*, rows) -> None:
    """One UPDATE for all changed students: blank cells (NULL here) keep the old value."""
    if not rows:
        return
    columns = list(_UPDATE_COLUMNS)
    with connection.cursor() as cursor:
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
        columns=(
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
        ),
        rows=add_c,
    )
    copy_rows(
        table="students_guardian",
        columns=("student_id", "full_name", "relation", "occupation", "phone", "search_key"),
        rows=add_g,
    )
    if upd_c:
        Circumstance.objects.bulk_update(upd_c, list(_CIRCUMSTANCE_UPDATE), batch_size=_BATCH)
    if upd_g:
        Guardian.objects.bulk_update(upd_g, list(GUARDIAN_FIELDS), batch_size=_BATCH)


def _link_new_rows(*, row_ids: list[int], student_ids: list[int]) -> None:
    if not row_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE students_submissionrow r SET student_id = m.student_id"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS m(row_id, student_id) WHERE r.id = m.row_id",
            [row_ids, student_ids],
        )
