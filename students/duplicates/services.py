"""Deciding a possible duplicate: merge the two records, or remember that they are two
children. Keyword-only, one transaction each; both records must be inside the user's
"change" scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from students.history import history_source
from students.models import (
    Circumstance,
    DuplicatePair,
    Guardian,
    Student,
    SubmissionRow,
    Support,
)

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


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _moved_relations():
    """Every one-to-many relation into Student except those in NOT_MOVED and the
    history event tables (pghistory), with the fields each relation's unique
    constraints add to the student."""
    from pghistory.models import Event

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


def _children_move(*, keep: Student, other: Student) -> dict[str, int]:
    """Move the other record's rows to the kept one, in one UPDATE per table. A row
    the kept record already has (same guardian name, same circumstance, a result for
    the same school year ...) stays with the record merged away, so nothing counts
    twice."""
    moved: dict[str, int] = {}
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
        moved[model._meta.model_name] = rows.update(**{field: keep})
    return moved


@dataclass
class MergeResult:
    kept: Student
    merged: Student
    moved: dict[str, int]  # model name -> rows moved to the kept record


@transaction.atomic
def duplicate_merge(*, user, pair: DuplicatePair, keep: Student) -> MergeResult:
    """Merge the pair into `keep` (one of its two students). Blank fields of the kept
    record take the other's values; guardians, circumstances, academic results,
    status changes and every other row of the other record move to the kept one.
    The other record stays, with its history, marked as merged (it leaves every
    list). History events name the source "merge" and the user."""
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
            if _blank(getattr(keep, name)) and not _blank(getattr(other, name))
        }
        if keep.birth_date is None and other.birth_date is not None:
            taken["birth_date"] = other.birth_date
            taken["birth_year"] = other.birth_date.year
        wishes = keep.wishes + [w for w in other.wishes if w not in keep.wishes]
        if wishes != keep.wishes:
            taken["wishes"] = wishes

        # The record merged away gives up its identifiers before the kept one takes
        # them (they are unique), then points at the kept record.
        other.merged_into = keep
        update = ["merged_into", "updated_at"]
        for name in UNIQUE_FIELDS:
            if name in taken:
                setattr(other, name, None)
                update.append(name)
        other.save(update_fields=update)

        for name, value in taken.items():
            setattr(keep, name, value)
        keep.full_clean()
        keep.save()
        moved = _children_move(keep=keep, other=other)

    from students.services import need_scores_recompute

    need_scores_recompute(student_ids=[keep.pk, other.pk])
    now = timezone.now()
    DuplicatePair.objects.filter(pk=pair.pk).update(
        state=DuplicatePair.State.MERGED, kept=keep, decided_by=user, decided_at=now
    )
    # Other open pairs of the record merged away are moot; the next detection compares
    # the kept record instead.
    DuplicatePair.objects.filter(state=DuplicatePair.State.PENDING).filter(
        models.Q(student_a=other) | models.Q(student_b=other)
    ).delete()
    return MergeResult(kept=keep, merged=other, moved=moved)


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
