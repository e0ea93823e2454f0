"""Reads of the student record for pages: always scoped to the user, always a fixed
number of queries (aggregates and annotations, never one query per row)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from khuyenhoc.access import CHANGE, VIEW, scope_for
from khuyenhoc.models import Area, School
from students.models import Circumstance, Guardian, Status, StatusChange, Student

KINDS = [kind for kind, _label in Circumstance.Kind.choices]


def student_list_queryset(*, user) -> QuerySet[Student]:
    """The students this user may see, with what a list row shows (one query for the
    rows, one for their circumstances)."""
    return (
        Student.objects.for_user(user, VIEW)
        .select_related("school", "school__commune")
        .prefetch_related(Prefetch("circumstances", queryset=Circumstance.objects.order_by("kind")))
    )


def student_search(queryset: QuerySet[Student], text: str) -> QuerySet[Student]:
    """Diacritic-insensitive search: the student's name, personal ID or MOET code, and
    the name or phone number of a parent or guardian."""
    from khuyenhoc.text import search_key

    key = search_key(text)
    if not key:
        return queryset
    if key.isdigit():
        # An ID or code prefix, or a guardian's phone (often typed without its 0).
        phones = [key, f"0{key}"] if len(key) == 9 else [key]
        guardians = Guardian.objects.filter(phone__in=phones).values("student_id")
        return queryset.filter(
            Q(personal_id__startswith=key) | Q(moet_code__startswith=key) | Q(pk__in=guardians)
        )
    if len(key) < 3:
        return queryset.search(text)
    # Student.objects.search()'s name and code test, plus a guardian's name. One
    # uncorrelated IN over guardians is much cheaper than an EXISTS per student.
    guardians = Guardian.objects.filter(search_key__contains=key).values("student_id")
    return queryset.filter(
        Q(search_key__contains=key) | Q(moet_code__iexact=key) | Q(pk__in=guardians)
    )


def student_detail_get(*, user, pk: int) -> Student:
    """One student record with everything the record page shows; 404 outside scope."""
    queryset = (
        Student.objects.for_user(user, VIEW)
        .select_related("school", "school__commune", "ethnicity", "commune", "verified_by")
        .prefetch_related(
            "guardians",
            Prefetch("circumstances", queryset=Circumstance.objects.order_by("kind", "pk")),
            "academic_results",
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.select_related(
                    "from_school", "to_school", "recorded_by"
                ),
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


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


def areas_for_filter(*, user) -> QuerySet[Area]:
    """Districts and communes in the user's scope, in tree order."""
    return Area.objects.for_user(user, VIEW).filter(
        kind__in=[Area.Kind.DISTRICT, Area.Kind.COMMUNE]
    )


def _student_counts() -> dict:
    from django.utils import timezone

    current = Q(circumstances__ended_on__isnull=True) | Q(
        circumstances__ended_on__gte=timezone.localdate()
    )
    counts = {
        "students": Count("id", distinct=True),
        "studying": Count("id", filter=Q(status=Status.STUDYING), distinct=True),
        "verified": Count("id", filter=Q(verified_at__isnull=False), distinct=True),
    }
    for kind in KINDS:
        counts[f"kind_{kind}"] = Count(
            "id", filter=Q(circumstances__kind=kind) & current, distinct=True
        )
    return counts


@dataclass
class CountRow:
    label: str
    students: int = 0
    studying: int = 0
    verified: int = 0
    kinds: list[int] = field(default_factory=list)
    area: Area | None = None

    @property
    def verified_share(self) -> float:
        return 100 * self.verified / self.students if self.students else 0.0

    @classmethod
    def from_counts(cls, label: str, counts: dict | None, area: Area | None = None) -> CountRow:
        counts = counts or {}
        return cls(
            label=label,
            students=counts.get("students", 0),
            studying=counts.get("studying", 0),
            verified=counts.get("verified", 0),
            kinds=[counts.get(f"kind_{k}", 0) for k in KINDS],
            area=area,
        )


def district_totals(*, user) -> tuple[list[CountRow], CountRow]:
    """One row per district in the user's scope (students, students by circumstance
    kind, verified) and the total over everything the user sees. One grouped query in
    practice, whatever the number of districts or students."""
    from django.utils.translation import gettext as _

    students = Student.objects.for_user(user, VIEW)
    districts = list(Area.objects.for_user(user, VIEW).filter(kind=Area.Kind.DISTRICT))
    lengths = sorted({len(d.path) for d in districts})
    by_path: dict[str, dict] = {}
    groups: list[dict] = []
    # Districts sit at one depth in practice; group by each path length present.
    for length in lengths:
        groups = list(
            students.annotate(district_path=Substr("school__commune__path", 1, length))
            .values("district_path")
            .annotate(**_student_counts())
            .order_by()
        )
        for row in groups:
            by_path.setdefault(row["district_path"], row)
    rows = [CountRow.from_counts(d.name, by_path.get(d.path), area=d) for d in districts]
    if len(lengths) == 1:
        # The groups partition the students (each is in exactly one), so they add up.
        keys = [k for k in groups[0] if k != "district_path"] if groups else []
        summed = {k: sum(g[k] for g in groups) for k in keys}
    else:
        summed = students.aggregate(**_student_counts())
    return rows, CountRow.from_counts(_("Tổng cộng"), summed)


@dataclass
class SchoolRow:
    school: School
    students: int
    verified: int

    @property
    def verified_share(self) -> float:
        return 100 * self.verified / self.students if self.students else 0.0


def school_totals(*, user) -> list[SchoolRow]:
    """Every school in the user's scope with its student and verified counts (one query)."""
    schools = (
        School.objects.for_user(user, VIEW)
        .select_related("commune")
        .annotate(
            n_students=Count("students", distinct=True),
            n_verified=Count(
                "students", filter=Q(students__verified_at__isnull=False), distinct=True
            ),
        )
        .order_by("name", "pk")
    )
    return [SchoolRow(s, s.n_students, s.n_verified) for s in schools]


def school_breakdown(*, user) -> dict:
    """Counts by grade and by circumstance kind over the students the user sees."""
    students = Student.objects.for_user(user, VIEW)
    by_grade = list(students.values("grade").annotate(n=Count("id")).order_by("grade"))
    kind_counts = dict(
        Circumstance.objects.for_user(user, VIEW)
        .values("kind")
        .annotate(n=Count("student", distinct=True))
        .values_list("kind", "n")
        .order_by()
    )
    labels = dict(Circumstance.Kind.choices)
    by_kind = [(labels[k], kind_counts.get(k, 0)) for k in KINDS]
    totals = students.aggregate(**_student_counts())
    return {"by_grade": by_grade, "by_kind": by_kind, "total": CountRow.from_counts("", totals)}
