"""Reads of the student record for pages: always scoped to the user, always a fixed
number of queries (aggregates and annotations, never one query per row)."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.expressions import RawSQL

from khuyenhoc.access import VIEW
from khuyenhoc.models import Area, School
from students.models import Circumstance, Gender, Guardian, Status, Student

KINDS = [kind for kind, _label in Circumstance.Kind.choices]


# The list's search picks its plan by how many rows a term matches, in students' own
# names, IDs and codes and in guardians' names and phones:
# - PostgreSQL's estimates first (one EXPLAIN, no row read; search_key keeps a
#   1,000-entry histogram, migration 0014): of the matches, of the students of the
#   user's (chosen) schools and of all students. From them, how many rows a walk along
#   the sort order's index would read before it has a page: a term matching 1.5% of a
#   province's students ("linh") finds a page within 3,500 rows, the same term in a
#   district (a tenth of them) only after 30,000.
# - A term that a walk serves within SEARCH_WALK_MAX rows, or that matches more than
#   SEARCH_IDS_MAX rows, is broad: tested row by row along the sort order, which
#   stops after one page, its guardians one student at a time and only for students
#   that passed every other filter (see students/filters.py); the page is not counted.
# - Otherwise the ids of the matching students are fetched, each column through its
#   own index, at most SEARCH_IDS_MAX of them (more: broad after all); the page and
#   its count are then look-ups of these ids.
SEARCH_IDS_MAX = 20_000
SEARCH_WALK_MAX = 10_000
# The list counts its rows up to LIST_COUNT_CAP. Past that, a selection PostgreSQL
# estimates at no more than LIST_COUNT_EXACT_MAX rows (a district's circumstance, a
# school, a grade) is counted exactly up to that many: "Hơn 2.000" for a district of
# 3,000 told staff nothing. Not more: counting 20,000 rows through a filter is not
# cheap (a district's poor households, by need, at 1,000,000 students: page p50 141 ms
# with 20,000, python -m bench list). A larger one says "more than" LIST_COUNT_CAP, as
# before; the exact number is one click away.
LIST_COUNT_CAP = 2000
LIST_COUNT_EXACT_MAX = 5000
# No list has this many pages; a larger page number (?page=99999999999999999999, past
# PostgreSQL's bigint as an OFFSET) is past the end like any old link.
LIST_PAGE_MAX = 10_000_000


def student_list_queryset(*, user) -> QuerySet[Student]:
    """The students this user may see, with what a list row shows (one query for the
    rows, one for their circumstances)."""
    return (
        Student.objects.for_user(user, VIEW)
        .select_related("school", "school__commune")
        .only(*LIST_FIELDS)
        .prefetch_related(Prefetch("circumstances", queryset=Circumstance.objects.order_by("kind")))
    )


LIST_FIELDS = (
    "full_name",
    "search_key",
    "birth_date",
    "birth_year",
    "gender",
    "status",
    "grade",
    "class_name",
    "need_score",
    "verified_at",
    "school",
    "school__name",
    "school__commune",
    "school__commune__name",
)


def _phone_forms(digits: str) -> list[str]:
    """A number as typed, and with the leading 0 a spreadsheet dropped."""
    return [digits] if digits.startswith("0") else [digits, f"0{digits}"]


def _search_digits(text: str) -> str | None:
    """ "0912 345 678", "0912.345.678", "+84 912 345 678" -> "0912345678"; None when the
    text is not a number."""
    compact = re.sub(r"[\s.\-()]", "", text)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    return compact if compact.isdigit() else None


class ExistsPerRow(Exists):
    """EXISTS that PostgreSQL keeps as a test of each row (OFFSET 0 stops it from
    hashing every matching row first, which for a broad term is most of a table)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


@dataclass(frozen=True)
class Search:
    """A search term as the list applies it: the condition on students (not scoped);
    whether it is broad (tested row by row; the page is not counted); whether it names
    its matches by id (at most SEARCH_IDS_MAX: the page's query counts them too)."""

    condition: Q
    broad: bool = False
    by_ids: bool = False
    key: str = ""  # the term as a search key (digits for a number)
    guardian_condition: Q = field(default_factory=Q)  # on guardians: a name or phone


def student_search(text: str, *, school_ids: list[int] | None) -> Search | None:
    """Diacritic-insensitive search: the student's name, personal ID or MOET code, and
    the name or phone number of a parent or guardian (numbers also without the 0 that
    spreadsheets drop). `school_ids`: the schools whose students the list shows (None:
    every school). None for an empty term. At most two queries: the planner's
    estimates and the ids of the matches."""
    from khuyenhoc.text import search_key

    key = search_key(text)
    if not key:
        return None
    digits = _search_digits(key)
    if digits is not None:
        student_q = Q(moet_code__startswith=digits)
        guardian_q = Q()
        for start in _phone_forms(digits):
            student_q |= Q(personal_id__startswith=start)
            guardian_q |= Q(phone__startswith=start)
    else:
        student_q = Q(search_key__contains=key) | Q(moet_code__in={key, key.upper()})
        guardian_q = Q(search_key__contains=key)
    students = Student.objects.filter(student_q).order_by().values_list("pk", flat=True)
    guardians = Guardian.objects.filter(guardian_q).order_by().values_list("student_id", flat=True)
    found = {"key": digits or key, "guardian_condition": guardian_q}
    if school_ids == []:
        return Search(student_q, **found)  # the user sees no student: nothing to plan
    if digits is not None or len(key) >= 3:
        shown = Student.objects.order_by().values_list("pk", flat=True)
        if school_ids is not None:
            shown = shown.filter(school_id__in=school_ids)
        own, by_guardian, seen, everyone = _estimates(students, guardians, shown)
        matches = own + by_guardian
        page = settings.STUDENT_PAGE_SIZE + 1
        walk = page * everyone * everyone / max(1, matches * seen)
        if matches <= SEARCH_IDS_MAX and walk > SEARCH_WALK_MAX:
            if school_ids is not None and seen < everyone * 0.9:
                # A district of a province: only its students' ids, which the students'
                # own matches tell for free and a guardian's through their student;
                # the page and its count then look up a tenth of the ids.
                students = students.filter(school_id__in=school_ids)
                guardians = guardians.filter(student__school_id__in=school_ids)
            ids = _search_ids(students, guardians)
            if ids is not None:
                # As a set PostgreSQL reads row by row (unnest of one array parameter),
                # not a literal list it would scan for every row of a sort index it walks.
                # The array goes as its text ('{1,2,3}'): psycopg's adaptation of a list
                # of 20,000 ints, twice a page, cost more than the look-ups.
                array = "{" + ",".join(map(str, ids)) + "}"
                return Search(
                    Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (array,))),
                    by_ids=True,
                    **found,
                )
    # Shorter than a trigram, or broad.
    per_student = ExistsPerRow(Guardian.objects.filter(guardian_q, student_id=OuterRef("pk")))
    return Search(student_q | Q(per_student), broad=True, **found)


def search_guardian_hints(*, rows: list[Student], search: Search | None) -> None:
    """On the rows of a searched page that the term did not find in the student's own
    name, the parent or guardian it found (`row.matched_guardian`: name, or name and
    phone for a number), so the list says why an "Hồ Thị A" answers "nguyen thi hoa".
    One query, for the page's rows only (already in the user's scope)."""
    for row in rows:
        row.matched_guardian = ""
    if search is None or not rows or not search.guardian_condition:
        return
    by_number = search.key.isdigit()
    wanted = [r.pk for r in rows if by_number or search.key not in r.search_key]
    if not wanted:
        return
    found: dict[int, str] = {}
    for student_id, name, phone in (
        Guardian.objects.filter(search.guardian_condition, student_id__in=wanted)
        .order_by("pk")
        .values_list("student_id", "full_name", "phone")
    ):
        found.setdefault(student_id, f"{name} ({phone})" if by_number else name)
    for row in rows:
        row.matched_guardian = found.get(row.pk, "")


def _plan(queryset: QuerySet) -> dict:
    """The top node of PostgreSQL's plan of a query (EXPLAIN: planned, not run)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]


def _estimates(*querysets: QuerySet) -> list[int]:
    """PostgreSQL's estimate of the number of rows of each query (one EXPLAIN of their
    UNION ALL), followed by the number of students."""
    top = _plan(querysets[0].union(*querysets[1:], Student.objects.values_list("pk"), all=True))
    rows = [int(branch["Plan Rows"]) for branch in top.get("Plans", [])]
    if len(rows) != len(querysets) + 1:
        # A branch PostgreSQL (or Django) dropped as empty: nothing to tell them apart;
        # as if few matched (the capped look-up of the ids decides).
        return [0] * len(querysets) + [max(1, int(top["Plan Rows"]))]
    return rows


def row_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the number of rows of a query (planned, not run)."""
    return int(_plan(queryset)["Plan Rows"])


# A thread per process that reads the guardians' matches on a connection of its own
# while the request's connection reads the students': for a common name ("nguyen thi
# hoa": 50 and 70 ms in their trigram indexes at 1,000,000 students) the two take as
# long as the longer one.
_beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="student-search")


def _ids_beside(queryset: QuerySet) -> list[int]:
    close_old_connections()  # the thread's own connection, kept between requests
    try:
        return list(queryset)
    except Exception:
        connection.close()  # a fresh one next time
        raise


def _search_ids(students: QuerySet, guardians: QuerySet) -> list[int] | None:
    """The ids of every student matching the search (students' or guardians' columns,
    each through its own index), or None when more than SEARCH_IDS_MAX rows match. The
    list's queryset, scoped, is then narrowed to them. Inside a transaction (which
    another connection would not see into) both are read here, in one query."""
    limit = SEARCH_IDS_MAX + 1
    if connection.in_atomic_block:
        rows = list(students[:limit].union(guardians[:limit], all=True)[:limit])
    else:
        theirs = _beside.submit(_ids_beside, guardians[:limit])
        rows = list(students[:limit])
        rows += theirs.result()
    return None if len(rows) > SEARCH_IDS_MAX else sorted(set(rows))


@dataclass
class ListPage:
    """One page of the list, with its count: exact up to LIST_COUNT_CAP, else a floor."""

    rows: list
    number: int
    size: int
    count: int
    count_is_exact: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        if not self.count_is_exact:
            return None
        return max(1, -(-self.count // self.size))

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0


def student_list_page(
    queryset: QuerySet[Student],
    *,
    number,
    size: int,
    count: bool = True,
    count_with_rows: bool = False,
) -> ListPage:
    """Page `number` of an ordered queryset: one query for the rows (one more than a
    page, to know whether another follows), one for their circumstances, and one
    count capped at LIST_COUNT_CAP, skipped when the page already shows the last row
    or when `count` is False (then the count is what is known: at least this far);
    past the cap, one EXPLAIN and, for a selection estimated small enough, a count up
    to LIST_COUNT_EXACT_MAX (see there);
    in one transaction that turns JIT compilation off (one more statement).
    `count_with_rows`: the selection is small (a search's matches, by id), and the
    rows' query counts it exactly as it sorts it, instead of a second query."""
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    if number > LIST_PAGE_MAX:
        number = 1  # past the end: the first page, as _page does for an old link
    with transaction.atomic():
        # No JIT compilation: PostgreSQL compiles the expressions of a query it plans as
        # expensive (a walk along the sort order with a test per row is, in total), but
        # these stop after one page, and compiling cost 20-30 ms of a 100 ms page.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return _page(
            queryset, number=number, size=size, count=count, count_with_rows=count_with_rows
        )


def _page(
    queryset: QuerySet[Student], *, number: int, size: int, count: bool, count_with_rows: bool
) -> ListPage:
    offset = (number - 1) * size
    if count_with_rows:
        queryset = queryset.annotate(list_total=Window(Count("pk")))
    rows = list(queryset[offset : offset + size + 1])
    if not rows and number > 1:
        # Past the end (an old link): the first page instead.
        return _page(queryset, number=1, size=size, count=count, count_with_rows=count_with_rows)
    has_next = len(rows) > size
    rows = rows[:size]
    _label(rows)
    if not has_next:
        return ListPage(rows, number, size, offset + len(rows), True, False)
    if count_with_rows:
        return ListPage(rows, number, size, rows[0].list_total, True, True)
    if not count:
        return ListPage(rows, number, size, offset + size, False, True)
    count, exact = _count_capped(queryset.order_by())
    return ListPage(rows, number, size, count, exact, has_next)


def list_scope_is_small(queryset: QuerySet[Student]) -> bool:
    """Whether PostgreSQL expects the unfiltered list (the user's scope) to hold no
    more than LIST_COUNT_EXACT_MAX rows: then even a broad search, tested row by row,
    is cheap to count (one EXPLAIN)."""
    return row_estimate(queryset.order_by().values("pk")) <= LIST_COUNT_EXACT_MAX


def _count_capped(queryset: QuerySet[Student]) -> tuple[int, bool]:
    """(count, exact): exact up to LIST_COUNT_CAP rows, and up to LIST_COUNT_EXACT_MAX
    when PostgreSQL expects no more; else (the cap reached, False)."""
    cap = LIST_COUNT_CAP
    counted = queryset[: cap + 1].count()
    if counted > cap and row_estimate(queryset.values("pk")) <= LIST_COUNT_EXACT_MAX:
        cap = LIST_COUNT_EXACT_MAX
        counted = queryset[: cap + 1].count()
    return (cap, False) if counted > cap else (counted, True)


def _label(rows: list[Student]) -> None:
    """The labels a list row shows, set on the rows (gender_label, status_label,
    kind_labels): get_FOO_display hashes lazily translated choices on every call, which
    for the 200 calls of a page cost more than its queries."""
    genders = {value: str(label) for value, label in Gender.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    kinds = {value: str(label) for value, label in Circumstance.Kind.choices}
    for row in rows:
        row.gender_label = genders.get(row.gender, row.gender)
        row.status_label = statuses.get(row.status, row.status)
        row.kind_labels = [kinds.get(c.kind, c.kind) for c in row.circumstances.all()]


def student_list_count(queryset: QuerySet[Student]) -> int:
    """The exact number of rows, asked for on demand."""
    return queryset.order_by().count()


def areas_for_filter(*, user) -> QuerySet[Area]:
    """The area tree in the user's scope (province, district, commune, in tree order),
    only where there are schools: the 2025 units and the provinces merged in have
    none yet.

    The areas with a school are the prefixes of the schools' commune paths, one hashed
    set of a few hundred rows (an EXISTS per area tested `path LIKE area.path || '%'`
    against every school: 20,000 comparisons on every page)."""
    with_schools = RawSQL(
        f"SELECT DISTINCT left(a.path, n) FROM {School._meta.db_table} s"
        f" JOIN {Area._meta.db_table} a ON a.id = s.commune_id,"
        " generate_series(%s, length(a.path), %s) AS n",
        (Area.steplen, Area.steplen),
    )
    return Area.objects.for_user(user, VIEW).filter(
        path__in=with_schools,
        kind__in=[Area.Kind.PROVINCE, Area.Kind.DISTRICT, Area.Kind.COMMUNE],
    )
