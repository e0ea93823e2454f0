"""Filling students' communes from their written addresses, and the staff's choice
for the addresses the matcher could not settle. Reads here are scoped like every
other: `Student.objects.for_user`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Substr
from django.http import Http404

from khuyenhoc.access import CHANGE
from khuyenhoc.models import Area, AreaSuccession
from students.addresses.lookup import AMBIGUOUS, MATCHED, UNMATCHED, address_lookup
from students.history import history_source
from students.models import Student

_CHUNK = 5000
_STEP = Area.steplen


@dataclass
class FillResult:
    total: int = 0
    matched: int = 0
    ambiguous: int = 0
    unmatched: int = 0
    empty: int = 0


def region_roots(paths: Iterable[str]) -> set[str]:
    """The top-level areas related to `paths` through the 2025 successions: an old
    province, the new province that took it over, and the other old provinces merged
    into it (Quảng Bình with Quảng Trị). Two small queries."""
    roots = {p[:_STEP] for p in paths if p}
    for _hop in range(2):
        if not roots:
            break
        q = Q(pk__in=[])
        for root in roots:
            q |= Q(old_area__path__startswith=root) | Q(new_area__path__startswith=root)
        pairs = (
            AreaSuccession.objects.filter(q)
            .annotate(o=Substr("old_area__path", 1, _STEP), n=Substr("new_area__path", 1, _STEP))
            .values_list("o", "n")
            .distinct()
        )
        found = {root for pair in pairs for root in pair}
        if found <= roots:
            break
        roots |= found
    return roots


def unresolved_students(*, user):
    """Students in the person's scope with an address but no commune yet."""
    return (
        Student.objects.for_user(user)
        .filter(commune__isnull=True)
        .exclude(address_text="")
        .select_related("school__commune")
        .order_by("school__name", "search_key", "pk")
    )


_UPDATE = """
UPDATE students_student s
SET commune_id = v.c,
    village = CASE WHEN s.village = '' THEN v.v ELSE s.village END,
    updated_at = now()
FROM unnest(%s::int[], %s::int[], %s::text[]) AS v(id, c, v)
WHERE s.id = v.id AND s.commune_id IS NULL
"""


def student_communes_fill(
    *,
    user=None,
    school_ids: list[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    source: str = "address_match",
) -> FillResult:
    """Give every student without a commune the commune their address names, where it
    names exactly one. With `user`, only students they may change. The lookup is built
    once; each chunk of students is one read and one UPDATE."""
    base = Student.objects if user is None else Student.objects.for_user(user, CHANGE)
    qs = base.filter(commune__isnull=True).exclude(address_text="")
    if school_ids is not None:
        qs = qs.filter(school_id__in=school_ids)
    total = qs.count()
    result = FillResult(total=total)
    if not total:
        return result
    paths = set(qs.order_by().values_list("school__commune__path", flat=True).distinct())
    lookup = address_lookup(roots=region_roots(paths))
    last, done = 0, 0
    while True:
        rows = list(
            qs.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "address_text", "school__commune_id")[:_CHUNK]
        )
        if not rows:
            break
        last = rows[-1][0]
        done += len(rows)
        ids, communes, villages = [], [], []
        for pk, address, near in rows:
            found = lookup.match(address, near=near)
            if found.status == MATCHED:
                result.matched += 1
                ids.append(pk)
                communes.append(found.commune_id)
                villages.append(found.village)
            elif found.status == AMBIGUOUS:
                result.ambiguous += 1
            elif found.status == UNMATCHED:
                result.unmatched += 1
            else:
                result.empty += 1
        if ids:
            with (
                transaction.atomic(),
                history_source(source=source, user=user),
                connection.cursor() as cursor,
            ):
                cursor.execute(_UPDATE, [ids, communes, villages])
        if progress is not None:
            progress(done, total)
    return result


def commune_choices(*, student: Student) -> list[tuple[str, list[tuple[int, str]]]]:
    """The communes a student may be given, grouped for a select: those of the
    province of the student's school, old and 2025 units alike."""
    roots = region_roots([student.school.commune.path])
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root)
    areas = list(
        Area.objects.filter(q)
        .exclude(kind=Area.Kind.COMMUNE, numchild__gt=0)
        .order_by("path")
        .values_list("pk", "path", "kind", "name")
    )
    names = {path: name for _pk, path, _kind, name in areas}
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, path, kind, name in areas:
        if kind != Area.Kind.COMMUNE:
            continue
        parent = names.get(path[:-_STEP], "")
        groups.setdefault(parent, []).append((pk, name))
    return list(groups.items())


@transaction.atomic
def student_commune_set(
    *, user, student_pk: int, commune_pk: int, village: str | None = None
) -> Student:
    """Staff settle a student's commune by hand. The commune must be one of the
    choices for the student's school; the student must be theirs to change."""
    student = (
        Student.objects.for_user(user, CHANGE)
        .select_related("school__commune")
        .filter(pk=student_pk)
        .first()
    )
    if student is None:
        raise Http404
    allowed = {pk for _group, options in commune_choices(student=student) for pk, _name in options}
    if commune_pk not in allowed:
        raise ValueError("commune")
    fields = ["commune", "updated_at"]
    student.commune_id = commune_pk
    if village is not None:
        student.village = village.strip()[:100]
        fields.append("village")
    with history_source(source="form", user=user):
        student.save(update_fields=fields)
    return student
