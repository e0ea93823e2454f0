"""Deciding a possible duplicate: merge the two records (and undo a merge), or remember
that they are two children. Keyword-only, one transaction each; both records must be
inside the user's "change" scope.

A merge writes what it did into the pair (`DuplicatePair.merges`: the kept record's
fields it filled, the identifiers the other record gave up, the ids of the rows it
moved, the pending pairs it re-pointed or removed), so that provincial staff can undo
it exactly: the rows go back, the fields the merge filled are emptied again unless
someone changed them since, and the pair waits for a decision again. Both records keep
every history event, the merge's and the undo's (sources "merge" and "merge_undo").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from pghistory.models import Event

from khuyenhoc.roles import Role, user_roles
from students.history import history_source
from students.models import (
    Circumstance,
    DuplicatePair,
    Guardian,
    Student,
    SubmissionRow,
    Support,
)
from students.record.services import need_scores_recompute

# Blank on the kept record -> taken from the other one.
FILL_FIELDS = (
    "personal_id",
    "moet_code",
    "class_name",
    "commune",
    "village",
    "address_text",
    "specific_situation",
    "wishes_note",
    "guardian_consent_on",
    "guardian_consent_by",
    "child_consent_on",
    "verified_at",
    "verified_by",
    "note",
)
# Unique on the table: the record merged away gives them up first.
UNIQUE_FIELDS = ("personal_id", "moet_code")
# Rows that hang off a student but are not moved: the history of the record merged
# away, the import rows that wrote it, and the pairs themselves.
NOT_MOVED = (DuplicatePair, SubmissionRow, Student)


def _pair_lock(*, user, pair: DuplicatePair) -> tuple[Student, Student]:
    """Lock the pair and both students; both must be changeable by the user."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.state != DuplicatePair.State.PENDING:
        raise ValidationError(_("Cặp học sinh này đã được xử lý trước đó."))
    students = {
        s.pk: s
        for s in Student.objects.for_user(user, "change", include_merged=True)
        .select_for_update()
        .filter(pk__in=[pair.student_a_id, pair.student_b_id])
    }
    if len(students) != 2:
        raise PermissionDenied
    return students[pair.student_a_id], students[pair.student_b_id]


def value_blank(value) -> bool:
    return value is None or value == "" or value == []


def _moved_relations():
    """Every one-to-many relation into Student except those in NOT_MOVED and the
    history event tables (pghistory), with the fields each relation's unique
    constraints add to the student."""
    for relation in Student._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or issubclass(model, NOT_MOVED) or issubclass(model, Event):
            continue
        field = relation.field.name
        groups = [[field]] if relation.field.unique else []
        groups += [list(fields) for fields in model._meta.unique_together if field in fields]
        groups += [
            list(c.fields)
            for c in model._meta.constraints
            if isinstance(c, models.UniqueConstraint) and c.condition is None and field in c.fields
        ]
        yield model, field, [[f for f in g if f != field] for g in groups]


def _children_move(*, keep: Student, other: Student) -> dict[str, tuple[str, list]]:
    """Move the other record's rows to the kept one, in one UPDATE per table. A row
    the kept record already has (same guardian name, same circumstance, a result for
    the same school year ...) stays with the record merged away, so nothing counts
    twice. Returns, per model, the field and the ids of the rows moved."""
    moved: dict[str, tuple[str, list]] = {}
    for model, field, unique_groups in _moved_relations():
        rows = model._base_manager.filter(**{field: other})
        for others in unique_groups:
            rows = rows.exclude(
                Exists(
                    model._base_manager.filter(
                        **{field: keep}, **{name: OuterRef(name) for name in others}
                    )
                )
            )
        if model is Guardian:
            rows = rows.exclude(
                Exists(Guardian.objects.filter(student=keep, search_key=OuterRef("search_key")))
            )
        elif model is Circumstance:
            same = (
                "kind",
                "disability_type",
                "disability_level",
                "orphan_label",
                "household_year",
                "description",
            )
            rows = rows.exclude(
                Exists(
                    Circumstance.objects.filter(
                        student=keep, **{name: OuterRef(name) for name in same}
                    )
                )
            )
        elif model is Support:
            # The same hand-out recorded on both records is one hand-out, not two.
            # (An amount left blank on both counts as the same.)
            same = ("school_year", "received_on", "giver", "kind")
            amount = Coalesce("amount_vnd", Value(-1))
            rows = rows.exclude(
                Exists(
                    Support.objects.alias(amount=amount).filter(
                        student=keep,
                        amount=Coalesce(OuterRef("amount_vnd"), Value(-1)),
                        **{name: OuterRef(name) for name in same},
                    )
                )
            )
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            model._base_manager.filter(pk__in=ids).update(**{field: keep})
        moved[model._meta.label_lower] = (field, ids)
    return moved


@dataclass
class MergeResult:
    kept: Student
    merged: Student
    moved: dict[str, int]  # model name -> rows moved to the kept record


def _dump(student: Student, name: str):
    """A field's value as JSON (a foreign key as its id, a date as ISO text)."""
    value = Student._meta.get_field(name).value_from_object(student)
    return value.isoformat() if isinstance(value, dt.date) else value


def _load(student: Student, name: str, value) -> None:
    field = Student._meta.get_field(name)
    setattr(student, field.attname, None if value is None else field.to_python(value))


def _pairs_follow(*, pair: DuplicatePair, keep: Student, other: Student) -> tuple[list, list]:
    """The other record's open pairs, besides this one, are questions about the kept
    record now: each is re-pointed to it (same pair, same address), or removed when the
    kept record already has a pair with that student. Returns both lists for the undo.
    A record has a handful of pairs at most."""
    moved, removed = [], []
    others = (
        DuplicatePair.objects.select_for_update()
        .filter(state=DuplicatePair.State.PENDING)
        .filter(Q(student_a=other) | Q(student_b=other))
        .exclude(pk=pair.pk)
    )
    for p in others:
        partner = p.student_b_id if p.student_a_id == other.pk else p.student_a_id
        low, high = sorted((keep.pk, partner))
        if DuplicatePair.objects.filter(student_a_id=low, student_b_id=high).exists():
            removed.append(
                {
                    "id": p.pk,
                    "student_a": p.student_a_id,
                    "student_b": p.student_b_id,
                    "score": p.score,
                    "reasons": p.reasons,
                    "detected_at": p.detected_at.isoformat(),
                }
            )
            p.delete()
        else:
            moved.append({"id": p.pk, "a": p.student_a_id, "b": p.student_b_id})
            DuplicatePair.objects.filter(pk=p.pk).update(student_a_id=low, student_b_id=high)
    return moved, removed


@transaction.atomic
def duplicate_merge(*, user, pair: DuplicatePair, keep: Student) -> MergeResult:
    """Merge the pair into `keep` (one of its two students). Blank fields of the kept
    record take the other's values; guardians, circumstances, academic results,
    status changes and every other row of the other record move to the kept one.
    The other record stays, with its history, marked as merged (it leaves every
    list). History events name the source "merge" and the user. What the merge did is
    kept in the pair for `duplicate_merge_undo`."""
    a, b = _pair_lock(user=user, pair=pair)
    if keep.pk not in (a.pk, b.pk):
        raise ValidationError(_("Hồ sơ được giữ phải là một trong hai học sinh của cặp."))
    keep, other = (a, b) if keep.pk == a.pk else (b, a)
    if keep.merged_into_id or other.merged_into_id:
        raise ValidationError(_("Một trong hai hồ sơ đã được gộp vào hồ sơ khác."))

    with history_source(source="merge", user=user, pair=pair.pk, merged=other.pk, kept=keep.pk):
        taken = {
            name: getattr(other, name)
            for name in FILL_FIELDS
            if value_blank(getattr(keep, name)) and not value_blank(getattr(other, name))
        }
        if keep.birth_date is None and other.birth_date is not None:
            taken["birth_date"] = other.birth_date
            taken["birth_year"] = other.birth_date.year
        wishes = keep.wishes + [w for w in other.wishes if w not in keep.wishes]
        if wishes != keep.wishes:
            taken["wishes"] = wishes
        kept_before = {name: _dump(keep, name) for name in taken}

        # The record merged away gives up its identifiers before the kept one takes
        # them (they are unique), then points at the kept record.
        given_up = {name: getattr(other, name) for name in UNIQUE_FIELDS if name in taken}
        other.merged_into = keep
        update = ["merged_into", "updated_at"]
        for name in given_up:
            setattr(other, name, None)
            update.append(name)
        other.save(update_fields=update)

        for name, value in taken.items():
            setattr(keep, name, value)
        keep.full_clean()
        keep.save()
        moved = _children_move(keep=keep, other=other)

    need_scores_recompute(student_ids=[keep.pk, other.pk])
    pairs_moved, pairs_removed = _pairs_follow(pair=pair, keep=keep, other=other)
    now = timezone.now()
    entry = {
        "at": now.isoformat(),
        "by": user.pk,
        "by_name": user.get_username(),
        "kept": keep.pk,
        "merged": other.pk,
        "kept_fields": {n: [kept_before[n], _dump(keep, n)] for n in taken},
        "merged_fields": given_up,
        "moved": [
            {"model": label, "field": field, "ids": ids}
            for label, (field, ids) in moved.items()
            if ids
        ],
        "pairs_moved": pairs_moved,
        "pairs_removed": pairs_removed,
    }
    pair = DuplicatePair.objects.get(pk=pair.pk)
    pair.state = DuplicatePair.State.MERGED
    pair.kept = keep
    pair.decided_by = user
    pair.decided_at = now
    pair.merges = [*pair.merges, entry]
    pair.save(update_fields=["state", "kept", "decided_by", "decided_at", "merges"])
    return MergeResult(
        kept=keep,
        merged=other,
        moved={label.split(".")[1]: len(ids) for label, (_f, ids) in moved.items()},
    )


def user_can_undo_merge(*, user) -> bool:
    """Provincial staff and administrators undo a merge (a district decides merges, the
    province corrects them)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(set(user_roles(user)) & {Role.ADMIN, Role.PROVINCIAL_STAFF}) and user.has_perm(
        "students.change_student"
    )


def merge_entry_open(pair: DuplicatePair) -> dict | None:
    """The pair's last merge, if it has not been undone."""
    if pair.state != DuplicatePair.State.MERGED or not pair.merges:
        return None
    entry = pair.merges[-1]
    return None if entry.get("undone_at") else entry


@transaction.atomic
def duplicate_merge_undo(*, user, pair: DuplicatePair) -> DuplicatePair:
    """Undo the pair's merge: the rows it moved go back to the record merged away, the
    fields it filled on the kept record are emptied again (unless changed since), the
    record merged away takes back its identifiers and returns to every list, and the
    pair waits for a decision again. Nothing is deleted from either history."""
    if not user_can_undo_merge(user=user):
        raise PermissionDenied
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    entry = merge_entry_open(pair)
    if entry is None:
        raise ValidationError(_("Cặp học sinh này không có lần gộp nào để hoàn tác."))
    students = {
        s.pk: s
        for s in Student.objects.for_user(user, "change", include_merged=True)
        .select_for_update()
        .filter(pk__in=[entry["kept"], entry["merged"]])
    }
    if len(students) != 2:
        raise PermissionDenied
    keep, other = students[entry["kept"]], students[entry["merged"]]
    if other.merged_into_id != keep.pk:
        raise ValidationError(
            _("Hồ sơ bị gộp không còn trỏ tới hồ sơ được giữ; không hoàn tác được.")
        )
    if keep.merged_into_id:
        raise ValidationError(
            _("Hồ sơ được giữ đã được gộp tiếp vào hồ sơ khác: hãy hoàn tác lần gộp đó trước.")
        )

    with history_source(
        source="merge_undo", user=user, pair=pair.pk, merged=other.pk, kept=keep.pk
    ):
        for group in entry["moved"]:
            model = apps.get_model(group["model"])
            model._base_manager.filter(pk__in=group["ids"], **{group["field"]: keep}).update(
                **{group["field"]: other}
            )
        restored = []
        for name, (before, after) in entry["kept_fields"].items():
            if _dump(keep, name) == after:
                _load(keep, name, before)
                restored.append(name)
        if restored:
            keep.save(update_fields=[*restored, "updated_at"])
        update = ["merged_into", "updated_at"]
        for name, value in entry["merged_fields"].items():
            if not Student.objects.filter(**{name: value}).exclude(pk=other.pk).exists():
                setattr(other, name, value)
                update.append(name)
        other.merged_into = None
        other.save(update_fields=update)

    need_scores_recompute(student_ids=[keep.pk, other.pk])
    for moved in entry["pairs_moved"]:
        if not DuplicatePair.objects.filter(
            student_a_id=moved["a"], student_b_id=moved["b"]
        ).exists():
            DuplicatePair.objects.filter(pk=moved["id"], state=DuplicatePair.State.PENDING).update(
                student_a_id=moved["a"], student_b_id=moved["b"]
            )
    DuplicatePair.objects.bulk_create(
        [
            DuplicatePair(
                pk=r["id"],
                student_a_id=r["student_a"],
                student_b_id=r["student_b"],
                score=r["score"],
                reasons=r["reasons"],
                detected_at=dt.datetime.fromisoformat(r["detected_at"]),
                missing_since=None,
            )
            for r in entry["pairs_removed"]
            if not DuplicatePair.objects.filter(
                Q(pk=r["id"]) | Q(student_a_id=r["student_a"], student_b_id=r["student_b"])
            ).exists()
        ]
    )
    entry |= {
        "undone_at": timezone.now().isoformat(),
        "undone_by": user.pk,
        "undone_by_name": user.get_username(),
    }
    pair.merges = [*pair.merges[:-1], entry]
    pair.state = DuplicatePair.State.PENDING
    pair.kept = None
    pair.decided_by = None
    pair.decided_at = None
    pair.save(update_fields=["merges", "state", "kept", "decided_by", "decided_at"])
    return pair


@transaction.atomic
def duplicate_mark_distinct(*, user, pair: DuplicatePair) -> DuplicatePair:
    """Record that the two students are different children: the pair never comes
    back in the review queue, whatever later detections find."""
    _pair_lock(user=user, pair=pair)
    pair.state = DuplicatePair.State.NOT_DUPLICATE
    pair.decided_by = user
    pair.decided_at = timezone.now()
    pair.save(update_fields=["state", "decided_by", "decided_at"])
    return pair
