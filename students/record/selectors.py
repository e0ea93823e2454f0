"""Reads for the student record page: the record with everything it shows, and its
change history as written by the database triggers (django-pghistory). Always scoped
to the user, always a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pghistory.models import Events

from khuyenhoc.access import CHANGE, VIEW, scope_for
from khuyenhoc.models import Area, School
from students.history_baseline import BASELINE
from students.models import (
    AcademicResult,
    Circumstance,
    DuplicatePair,
    Guardian,
    StatusChange,
    Student,
    Support,
)

# How many change events the record page shows, newest first.
HISTORY_LIMIT = 100
# From this age a child gives their own consent (Decree 13/2023/NĐ-CP art. 5 cl. 6).
CHILD_CONSENT_AGE = 7


def student_record_get(*, user, pk: int) -> Student:
    """One student with everything the record page shows; 404 outside the user's scope."""
    queryset = (
        # A duplicate merged into another record keeps its own page and history.
        Student.objects.for_user(user, VIEW, include_merged=True)
        # The merge that took a record merged away (its page links to it).
        .annotate(
            merge_pair_id=Subquery(
                DuplicatePair.objects.filter(
                    Q(student_a=OuterRef("pk")) | Q(student_b=OuterRef("pk")),
                    state=DuplicatePair.State.MERGED,
                    kept=OuterRef("merged_into"),
                ).values("pk")[:1]
            )
        )
        .select_related(
            "school", "school__commune", "ethnicity", "commune", "verified_by", "merged_into"
        )
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.order_by("pk")),
            Prefetch("circumstances", queryset=Circumstance.objects.order_by("kind", "pk")),
            "academic_results",
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related(
                    "from_school", "to_school", "recorded_by"
                ),
            ),
            Prefetch("supports", queryset=Support.objects.select_related("recorded_by")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass
class SupportYear:
    """The support a student received in one school year, with what it adds up to."""

    school_year: int
    rows: list[Support]
    total_vnd: int
    without_amount: int  # gifts in kind recorded without a value

    @property
    def display(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


def supports_by_year(student: Student) -> list[SupportYear]:
    """The student's (prefetched) support rows grouped by school year, newest first,
    each year's rows newest first."""
    years: dict[int, list[Support]] = defaultdict(list)
    for support in student.supports.all():
        years[support.school_year].append(support)
    result = []
    for year in sorted(years, reverse=True):
        rows = sorted(years[year], key=lambda s: (s.received_on, s.pk), reverse=True)
        amounts = [s.amount_vnd for s in rows if s.amount_vnd is not None]
        result.append(SupportYear(year, rows, sum(amounts), len(rows) - len(amounts)))
    return result


def districts_of(*areas: Area | None) -> list[Area | None]:
    """The district above each area (or the area itself when it is one), in one query."""
    prefixes = {
        a.path[: n * Area.steplen] for a in areas if a is not None for n in range(1, a.depth + 1)
    }
    found = (
        {d.path: d for d in Area.objects.filter(path__in=prefixes, kind=Area.Kind.DISTRICT)}
        if prefixes
        else {}
    )
    result = []
    for area in areas:
        district = None
        if area is not None:
            for n in range(area.depth, 0, -1):
                district = found.get(area.path[: n * Area.steplen])
                if district:
                    break
        result.append(district)
    return result


@dataclass
class Consent:
    guardian_missing: bool
    child_age: int | None
    child_needed: bool
    child_missing: bool


def consent_state(student: Student, today: dt.date | None = None) -> Consent:
    """Whether the guardian's and (from age 7) the child's consent are on record. A
    record merged into another is no longer processed: nothing is missing there."""
    today = today or timezone.localdate()
    if student.birth_date:
        born = student.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    else:
        # Only the year is known: the age they reach this year.
        age = today.year - student.birth_year
    needed = age >= CHILD_CONSENT_AGE
    if student.merged_into_id:
        return Consent(False, age, needed, False)
    return Consent(
        guardian_missing=student.guardian_consent_on is None,
        child_age=age,
        child_needed=needed,
        child_missing=needed and student.child_consent_on is None,
    )


# --- change history -------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryItem:
    """What one event did to one row: the student, a circumstance, a guardian, a
    result or a support row."""

    subject: str
    action: str
    is_new: bool = False
    changes: list[FieldChange] = field(default_factory=list)
    note: str = ""


@dataclass
class HistoryEntry:
    """Everything one action (a form sent, an import, a merge ...) did to the record."""

    at: dt.datetime
    who: str
    source: str
    source_url: str = ""
    items: list[HistoryItem] = field(default_factory=list)


# Tracked model -> (the word for a row of it, the fields left out of the history page).
_SUBJECTS = {
    Student: (gettext_lazy("Hồ sơ"), {"id"}),
    Circumstance: (gettext_lazy("Hoàn cảnh"), {"id", "student_id"}),
    Guardian: (gettext_lazy("Phụ huynh"), {"id", "student_id"}),
    AcademicResult: (gettext_lazy("Kết quả học tập"), {"id", "student_id"}),
    Support: (gettext_lazy("Hỗ trợ"), {"id", "student_id", "recorded_by_id"}),
}


def _source_label(metadata: dict) -> tuple[str, str]:
    """(label, link) of where a change came from, in the user's words."""
    source = metadata.get("source")
    if source == "import":
        number = metadata.get("submission")
        if number:
            url = reverse("collection:submission", args=[number])
            return _("Nhập danh sách số %(n)s") % {"n": number}, url
        return _("Nhập danh sách"), ""
    if source in ("merge", "merge_undo"):
        pair = metadata.get("pair")
        url = reverse("duplicates:detail", args=[pair]) if pair else ""
        if source == "merge_undo":
            return _("Hoàn tác gộp hồ sơ trùng"), url
        return _("Gộp hồ sơ trùng"), url
    if source == "command":
        command = metadata.get("command")
        if command:
            return _("Lệnh quản trị (%(c)s)") % {"c": command}, ""
        return _("Lệnh quản trị"), ""
    if source == "admin-import":
        return _("Nhập tệp ở trang quản trị"), ""
    if source == "rollover":
        year = metadata.get("school_year")
        if year:
            return _("Lên lớp đầu năm học %(a)s-%(b)s") % {"a": year, "b": int(year) + 1}, ""
        return _("Lên lớp đầu năm học"), ""
    if source == "form" or (source is None and metadata.get("url")):
        if str(metadata.get("url", "")).startswith("/quan-tri/"):
            return _("Trang quản trị"), ""
        return _("Biểu mẫu trên trang web"), ""
    if source:
        return str(source), ""
    return _("Không rõ nguồn"), ""


class _Names:
    """Names of the rows a history diff points at (schools, communes ...), fetched with
    one query per kind of row once every event is known."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[type[models.Model], dict] = {}

    def want(self, model, value) -> None:
        if value not in (None, ""):
            self.wanted[model].add(value)

    def fetch(self) -> None:
        from khuyenhoc.templatetags.people import person_name

        for model, ids in self.wanted.items():
            if model is get_user_model():
                rows = model.objects.filter(pk__in=ids)
                self.names[model] = {u.pk: person_name(u) for u in rows}
            else:
                self.names[model] = {o.pk: str(o) for o in model.objects.filter(pk__in=ids)}

    def get(self, model, value) -> str:
        name = self.names.get(model, {}).get(value)
        return name if name is not None else f"#{value}"


def _field_for(model, key: str):
    for f in model._meta.concrete_fields:
        if f.attname == key:
            return f
    return None


def _display(f, value, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return _("(trống)")
    if f.is_relation:
        return names.get(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f.model is Support and f.name == "amount_vnd":
        return vnd(value)
    if isinstance(f, models.BooleanField):
        return _("Có") if value else _("Không")
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is not None:
            return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    elif isinstance(f, models.DateField):
        day = parse_date(str(value)[:10])
        if day is not None:
            return day.strftime("%d/%m/%Y")
    if isinstance(value, list):
        base = getattr(f, "base_field", None)
        labels = dict(base.flatchoices) if base is not None and base.choices else {}
        return ", ".join(str(labels.get(v, v)) for v in value)
    return str(value)


def vnd(amount: int) -> str:
    """An amount of money as Vietnamese write it: 1.500.000 đ."""
    from django.contrib.humanize.templatetags.humanize import intcomma

    return f"{intcomma(int(amount))}\u00a0đ"


def _row_subject(model, data: dict) -> str:
    word = _SUBJECTS[model][0]
    if model is Circumstance:
        kinds = dict(Circumstance.Kind.choices)
        text = str(kinds.get(data.get("kind"), data.get("kind") or ""))
        if data.get("kind") in ("poor", "near_poor") and data.get("household_year"):
            text = f"{text} {data['household_year']}"
        return text or str(word)
    if model is Guardian:
        relations = dict(Guardian.Relation.choices)
        relation = relations.get(data.get("relation"), "")
        return f"{word}: {data.get('full_name', '')}" + (f" ({relation})" if relation else "")
    if model is AcademicResult and data.get("school_year"):
        year = int(data["school_year"])
        return f"{word} {year}-{year + 1}"
    if model is Support:
        kinds = dict(Support.Kind.choices)
        text = str(kinds.get(data.get("kind"), data.get("kind") or ""))
        if data.get("giver"):
            text = f"{text}, {data['giver']}"
        if data.get("school_year"):
            year = int(data["school_year"])
            return f"{word} {year}-{year + 1}: {text}"
        return f"{word}: {text}"
    return str(word)


def student_history(*, student: Student, limit: int = HISTORY_LIMIT) -> tuple[list, bool]:
    """The record's change history, newest first: (entries, whether older ones exist).

    One query for the events of the student and the rows that hang off them
    (circumstances, guardians, academic results, support received; with
    the differences worked out by PostgreSQL), then one per kind of row named in them
    (people, schools, communes, ethnic groups). Events are grouped by their context:
    one form sent, one import, one merge is one entry.
    """
    events = list(
        Events.objects.references(student)
        .filter(pgh_obj_model__in=[m._meta.label for m in _SUBJECTS])
        # A baseline (students/history_baseline.py) is what the next change is compared
        # with, not a change itself.
        .exclude(pgh_label=BASELINE)
        .order_by("-pgh_created_at", "-pgh_id")[: limit + 1]
    )
    more = len(events) > limit
    events = events[:limit]
    # A merge (or its undo) moves rows between two records; the events of the rows
    # that left this record name the other one. They are read like this record's own
    # (by reference, through the indexes), for the records it was merged with.
    models_by_label = {m._meta.label: m for m in _SUBJECTS}
    moves = {
        e.pgh_context_id
        for e in events
        if (e.pgh_context or {}).get("source") in ("merge", "merge_undo")
    }
    if moves:
        partners = {
            a if b == student.pk else b
            for a, b in DuplicatePair.objects.filter(Q(student_a=student) | Q(student_b=student))
            .exclude(merges=[])
            .values_list("student_a_id", "student_b_id")
        }
        seen = {e.pgh_slug for e in events}
        left = (
            [
                e
                for e in Events.objects.references(*[Student(pk=pk) for pk in partners])
                .filter(pgh_context_id__in=moves, pgh_obj_model__in=list(models_by_label))
                .exclude(pgh_label=BASELINE)
                if e.pgh_slug not in seen
                and any(
                    str(student.pk) in [str(v) for v in (e.pgh_diff or {}).get(key) or []]
                    for key in ("student_id", "merged_into_id")
                )
            ]
            if partners
            else []
        )
        events = sorted(events + left, key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    User = get_user_model()
    names = _Names()
    for event in events:
        context = event.pgh_context or {}
        if context.get("user") is not None:
            names.want(User, context["user"])
        model = models_by_label[event.pgh_obj_model]
        if model is Student and str(event.pgh_obj_id) != str(student.pk):
            names.want(Student, int(event.pgh_obj_id))
        for key, pair in (event.pgh_diff or {}).items():
            f = _field_for(model, key)
            if f is not None and f.is_relation:
                for value in pair:
                    names.want(f.related_model, value)
    names.fetch()

    entries: list[HistoryEntry] = []
    by_context: dict = {}
    for event in events:
        context = event.pgh_context or {}
        key = event.pgh_context_id or event.pgh_slug
        entry = by_context.get(key)
        if entry is None:
            label, url = _source_label(context)
            who = ""
            if context.get("user") is not None:
                who = names.get(User, context["user"])
            who = who or context.get("username") or _("Hệ thống")
            entry = HistoryEntry(at=event.pgh_created_at, who=who, source=label, source_url=url)
            by_context[key] = entry
            entries.append(entry)
        entry.items.append(
            _history_item(event, models_by_label[event.pgh_obj_model], names, student)
        )
    return entries, more


def _history_item(event, model, names: _Names, student: Student) -> HistoryItem:
    data = event.pgh_data or {}
    subject = _row_subject(model, data)
    skipped = _SUBJECTS[model][1]
    if model is Student and str(event.pgh_obj_id) != str(student.pk):
        # The other record of a merge, whose link to this one brought its event here:
        # its own fields are its own history, not this record's.
        other = _("Hồ sơ %(name)s (số %(pk)s)") % {
            "name": names.get(Student, int(event.pgh_obj_id)),
            "pk": event.pgh_obj_id,
        }
        merged = (event.pgh_diff or {}).get("merged_into_id")
        if merged and str(merged[1]) == str(student.pk):
            return HistoryItem(subject=other, action=_("Gộp vào hồ sơ này"))
        if merged and str(merged[0]) == str(student.pk):
            return HistoryItem(subject=other, action=_("Tách khỏi hồ sơ này"))
        return HistoryItem(subject=other, action=_("Sửa"))
    moved = (event.pgh_diff or {}).get("student_id")
    if moved and event.pgh_label != "insert":
        # A row moved by a merge or its undo.
        if str(moved[1]) == str(student.pk):
            action = _("Chuyển từ hồ sơ số %(pk)s về hồ sơ này") % {"pk": moved[0]}
        else:
            action = _("Chuyển sang hồ sơ số %(pk)s") % {"pk": moved[1]}
        return HistoryItem(subject=subject, action=action)
    if event.pgh_label == "insert":
        action = _("Tạo hồ sơ") if model is Student else _("Thêm")
        return HistoryItem(subject=subject, action=action, is_new=True)
    if event.pgh_label == "delete":
        return HistoryItem(subject=subject, action=_("Xoá"))
    diff = event.pgh_diff or {}
    changes = [
        FieldChange(
            label=str(f.verbose_name).capitalize(),
            old=_display(f, diff[f.attname][0], names),
            new=_display(f, diff[f.attname][1], names),
        )
        # In the order of the model (and of the forms), not of the alphabet.
        for f in model._meta.concrete_fields
        if f.attname in diff and f.attname not in skipped
    ]
    note = ""
    if event.pgh_diff is None:
        note = _(
            "Giá trị trước đó không có trong lịch sử (hồ sơ được nhập trước khi bắt đầu ghi lịch sử)."
        )
    return HistoryItem(subject=subject, action=_("Sửa"), changes=changes, note=note)


def student_for_change_get(*, user, pk: int) -> Student:
    return get_object_or_404(Student.objects.for_user(user, CHANGE).select_related("school"), pk=pk)


def schools_for_student_change(*, user) -> QuerySet[School]:
    """Schools whose students the user may change: the "change" scope for Student.

    Not School.objects.for_user(user, "change"): that asks for the right to change the
    school rows themselves, which district and school staff do not have."""
    scope = scope_for(user, CHANGE, Student)
    if scope.is_empty:
        return School.objects.none()
    return School.objects.filter(scope.school_q())


def user_can_change_students(*, user) -> bool:
    """Whether the user may change any student at all (for buttons and links)."""
    return not scope_for(user, CHANGE, Student).is_empty


def user_can_change_student(*, user, student: Student) -> bool:
    return Student.objects.for_user(user, CHANGE).filter(pk=student.pk).exists()
