"""The registry's figures on each role's home page: counts by district, by school, by
grade and by circumstance, from scoped aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr

from khuyenhoc.access import VIEW
from khuyenhoc.models import Area, School
from students.list.selectors import KINDS
from students.models import Circumstance, Status, Student


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
