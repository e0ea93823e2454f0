"""Filters of the student list. The area and school choices come from the user's own
scope, so a select never offers (or accepts) a place the user may not see."""

from __future__ import annotations

import operator
from functools import reduce
from html import escape

import django_filters
from django import forms
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from khuyenhoc.access import VIEW, scope_for
from khuyenhoc.models import Area, School
from students.list.selectors import ExistsPerRow, areas_for_filter, row_estimate, student_search
from students.models import (
    AcademicResult,
    Circumstance,
    Ethnicity,
    Gender,
    Status,
    Student,
    Support,
)
from students.results.parse import RATINGS
from students.status.rollover import current_school_year

# Sort keys offered in the column headers -> order_by() (always ending in pk, so the
# pages are stable). Names sort the Vietnamese way: by the given name (the last word),
# then the whole name. The first direction a header uses is ascending, except the need
# score, which starts with the highest. Descending turns the column's own fields
# around and keeps names A to Z after them: "-diem" is exactly the order of the index
# student_list_need (migration 0009), "ten" and "-ten" of student_list_name, so a page
# of a million students is read from the index, not sorted.
NAME_ORDER = ("given_key", "search_key", "pk")
ORDERINGS = {
    "ten": (NAME_ORDER, ()),
    "lop": (("grade",), NAME_ORDER),
    "truong": (("school__name", "grade"), NAME_ORDER),
    "diem": (("need_score",), NAME_ORDER),
}
DEFAULT_ORDERING = "ten"
DESCENDING_FIRST = {"diem"}


def ordering_choices() -> list[tuple[str, str]]:
    choices = []
    for key in ORDERINGS:
        choices += [(key, key), (f"-{key}", f"-{key}")]
    return choices


class FastSelect(forms.Select):
    """A select rendered in Python straight from its choices. Django renders each
    option through a template and builds a dict of attributes for it, which for the
    area tree and a province's schools (600+ options) costs more than the page's
    queries."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = option_value in chosen
            if selected:
                chosen = set()  # one selected option, as Django's select
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{escape(str(label))}</option>"
            )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{"".join(options)}</select>')


class _ValuesChoiceIterator(ModelChoiceIterator):
    """The options of a model select from one values query, read at once: no model
    instance per option and no server-side cursor (three round trips) per select."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *values in self.queryset.values_list("pk", *self.field.label_fields):
            yield (pk, self.field.label_from_values(*values))


class ValuesChoiceField(forms.ModelChoiceField):
    """A model select whose labels come from a few columns (`label_fields`)."""

    iterator = _ValuesChoiceIterator
    label_fields = ("name",)

    def label_from_values(self, name) -> str:
        return name


class AreaChoiceField(ValuesChoiceField):
    """One select showing the tree: each level indented under its parent."""

    label_fields = ("depth", "name")

    def label_from_values(self, depth, name) -> str:
        indent = "\u00a0\u00a0\u00a0" * max(0, depth - 1)
        return f"{indent}{'— ' if depth > 1 else ''}{name}"


class SchoolChoiceField(ValuesChoiceField):
    pass


class ValuesFilter(django_filters.ModelChoiceFilter):
    field_class = ValuesChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)


class AreaFilter(ValuesFilter):
    field_class = AreaChoiceField


class SchoolFilter(ValuesFilter):
    field_class = SchoolChoiceField


def _in_force(**lookup):
    """The circumstances of this kind that have not ended (as the need score counts
    them), of any student: filter on `student=OuterRef("pk")` for the row's own."""
    today = timezone.localdate()
    return Circumstance.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), **lookup)


def result_year_choices() -> list[tuple[str, str]]:
    year = current_school_year()
    return [(str(y), f"{y}-{y + 1}") for y in range(year, year - 6, -1)]


YES_NO = [("co", _("Đã xác minh")), ("chua", _("Chưa xác minh"))]
# A selection of fewer than this share of all schools is a small part of the province
# (a district: 44 of 347 schools): see StudentFilter._apply_exists.
SMALL_PART = 0.5
SUPPORTED = [("co", _("Đã được hỗ trợ")), ("chua", _("Chưa được hỗ trợ"))]
# In a broad search, a filter that names at most this many students (PostgreSQL's
# estimate) is tested on each row the walk reads against the set of their ids, built
# once (a hashed subplan: "severe disability": 25,000 of 1,000,000, read from an index
# in 11 ms), rather than by a look-up per row (16,000 of them for a page: 72 -> 49 ms).
HASHED_IDS_MAX = 50_000


class StudentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Tên học sinh, phụ huynh, số định danh, mã HS"),
                "autocomplete": "off",
            }
        ),
    )
    area = AreaFilter(
        label=_("Địa bàn"),
        queryset=Area.objects.none(),
        method="filter_school_part",
        empty_label=_("Tất cả địa bàn"),
    )
    school = SchoolFilter(
        label=_("Trường"),
        queryset=School.objects.none(),
        method="filter_school_part",
        empty_label=_("Tất cả trường"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Hoàn cảnh"),
        choices=Circumstance.Kind.choices,
        method="filter_kind",
        widget=FastSelect,
        empty_label=_("Mọi hoàn cảnh"),
    )
    school_level = django_filters.ChoiceFilter(
        label=_("Cấp học"),
        choices=School.Level.choices,
        method="filter_school_part",
        widget=FastSelect,
        empty_label=_("Mọi cấp học"),
    )
    disability_level = django_filters.ChoiceFilter(
        label=_("Mức độ khuyết tật"),
        choices=Circumstance.DisabilityLevel.choices,
        method="filter_disability_level",
        widget=FastSelect,
        empty_label=_("Mọi mức độ"),
    )
    ethnicity = ValuesFilter(
        label=_("Dân tộc"),
        queryset=Ethnicity.objects.order_by("code"),
        widget=FastSelect,
        field_name="ethnicity",
        empty_label=_("Mọi dân tộc"),
    )
    academic_result = django_filters.ChoiceFilter(
        label=_("Học lực / kết quả học tập"),
        choices=[(label, label) for label in RATINGS],
        method="filter_academic_result",
        widget=FastSelect,
        empty_label=_("Mọi kết quả"),
    )
    result_year = django_filters.ChoiceFilter(
        label=_("Năm học của kết quả"),
        choices=result_year_choices,
        method="filter_noop",
        widget=FastSelect,
        empty_label=_("Mọi năm học"),
    )
    grade = django_filters.ChoiceFilter(
        label=_("Khối lớp"),
        choices=[(str(g), str(g)) for g in range(1, 13)],
        field_name="grade",
        widget=FastSelect,
        empty_label=_("Mọi khối"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=Status.choices,
        field_name="status",
        widget=FastSelect,
        empty_label=_("Mọi tình trạng"),
    )
    gender = django_filters.ChoiceFilter(
        label=_("Giới tính"),
        choices=Gender.choices,
        field_name="gender",
        widget=FastSelect,
        empty_label=_("Nam và nữ"),
    )
    verified = django_filters.ChoiceFilter(
        label=_("Xác minh"),
        choices=YES_NO,
        method="filter_verified",
        widget=FastSelect,
        empty_label=_("Tất cả"),
    )
    supported = django_filters.ChoiceFilter(
        label=_("Hỗ trợ năm học này"),
        choices=SUPPORTED,
        method="filter_supported",
        widget=FastSelect,
        empty_label=_("Tất cả"),
    )
    o = django_filters.ChoiceFilter(
        label=_("Sắp xếp"),
        choices=ordering_choices(),
        method="filter_ordering",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Student
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.search = None  # students.list.selectors.Search of the term, if any
        # In a broad search: the user's (chosen) schools and the EXISTS filters again, as
        # tests of each row that run before the search's (see _broad_search).
        self._school_ids = None
        self._row_tests = []
        self._exists_tests = []  # the EXISTS filters, applied together (_apply_exists)
        self._positive = False  # whether one of them asks for rows (not their absence)
        self._user_schools = None  # (pk, level, commune path) of the user's schools, once
        self._all_schools_count = None
        self.filters["area"].queryset = areas_for_filter(user=user)
        self.filters["school"].queryset = School.objects.for_user(user, "view").order_by(
            "name", "pk"
        )
        self.school_year = current_school_year()
        self.filters["supported"].label = _("Hỗ trợ năm học này (%(a)s-%(b)s)") % {
            "a": self.school_year,
            "b": self.school_year + 1,
        }

    @property
    def search_is_broad(self) -> bool:
        return self.search is not None and self.search.broad

    def filter_q(self, queryset, name, value):
        self.search = student_search(value, school_ids=self._chosen_schools())
        if self.search is None or self.search.broad:
            return queryset  # a broad term is applied last, by _broad_search
        return queryset.filter(self.search.condition)

    def filter_school_part(self, queryset, name, value):
        # Area, school and school level together make one list of schools: see
        # _schools_filter.
        return queryset

    def _chosen_schools(self) -> list[int] | None:
        """The user's schools that the area, school and level filters leave (all of
        them without such filters), read once: a few hundred rows at most. None for an
        administrator without such filters: every school, nothing to list. Taken from
        the user's own schools, so a school or area outside the scope given in the URL
        selects nothing."""
        data = self.form.cleaned_data
        area, school, level = data.get("area"), data.get("school"), data.get("school_level")
        if not (area or school or level) and scope_for(self.user, VIEW).everything:
            return None
        if self._user_schools is None:
            self._user_schools = list(
                School.objects.for_user(self.user, VIEW).values_list("pk", "level", "commune__path")
            )
        if not (area or school or level) and len(self._user_schools) == self._all_schools():
            # Provincial staff: every school too. (The list stays scoped by its own
            # queryset; a list of every id would only weigh down each query.)
            return None
        return [
            pk
            for pk, school_level, path in self._user_schools
            if (not area or path.startswith(area.path))
            and (not school or pk == school.pk)
            and (not level or school_level == level)
        ]

    def _schools_filter(self, queryset):
        """The schools the area, school and level filters leave, given to the student
        query as a list of ids: PostgreSQL then knows how many students they hold and
        picks the right plan (walking the sort order's index for a large selection,
        sorting a small one). A broad search keeps the list for its tests of each row
        (_broad_search)."""
        data = self.form.cleaned_data
        chosen_by_filters = bool(data.get("area") or data.get("school") or data.get("school_level"))
        if not chosen_by_filters and not self.search_is_broad:
            return queryset
        chosen = self._chosen_schools()
        if chosen is None:
            return queryset  # an administrator: every school, nothing to test
        self._school_ids = chosen
        if len(chosen) == len(self._user_schools):
            # All of the user's schools (a district officer choosing their district):
            # a second, redundant condition would only mislead the planner.
            return queryset
        return queryset.filter(school_id__in=chosen)

    def _scope_guard(self, queryset):
        """For a small part of the province (a district officer's own list), the user's
        schools tested on each row as a list of ids, inside CASE so that PostgreSQL
        does not count them twice in its estimates (the scope's join already does).
        Walking the sort order's index it rejects the other districts' students at
        once; the scope's join, which comes after, compared each of them with every
        school of the district (235,000 comparisons for a first page: 20 of its 27 ms)."""
        chosen = self._chosen_schools()
        if chosen is None or len(chosen) >= SMALL_PART * self._all_schools():
            return queryset
        guard = Case(When(school_id__in=chosen, then=True), default=False)
        return queryset.filter(ExpressionWrapper(guard, output_field=BooleanField()))

    def _exists(self, queryset, rows, *, negate: bool = False):
        """The students with (or without) `rows` (of any student; each row's own are
        those whose student_id is the row's): applied with the others by
        _apply_exists. In a broad search the same test is also made of each row before
        the search's (see _broad_search)."""
        if self.search_is_broad:
            self._row_tests.append((rows, negate))
        rows = rows.filter(student=OuterRef("pk"))
        exists = Exists(rows)
        self._exists_tests.append(~exists if negate else exists)
        self._positive = self._positive or not negate
        return queryset

    def _apply_exists(self, queryset):
        """The EXISTS filters (circumstances, results, support). With a broad search in
        a small part of the province (a district: fewer than SMALL_PART of the schools)
        they are tested on the ids of its students, read from an index alone
        (student_list_school: school and grade, with the id and the merge, migration
        0014), and the page reads only the students that passed, then tests the term
        on them. Otherwise PostgreSQL read every student the filter names (25,000 for
        a severe disability) only to learn their school, and tested the term on each.
        Without a broad term, or for a whole province, the filters are tested along the
        sort order, which stops after a page (and a count after 2,000)."""
        chosen = self._chosen_schools() if self.search_is_broad and self._positive else None
        if chosen is not None and len(chosen) < SMALL_PART * self._all_schools():
            ids = Student.objects.filter(school_id__in=chosen, merged_into__isnull=True)
            return queryset.filter(pk__in=ids.filter(*self._exists_tests).values("pk"))
        return queryset.filter(*self._exists_tests)

    def _all_schools(self) -> int:
        # How many schools there are at all (no school's data, so not scoped).
        if self._all_schools_count is None:
            self._all_schools_count = School.objects.count()
        return self._all_schools_count

    def _broad_search(self, queryset):
        """A broad term ("tran"), tested on each row PostgreSQL reads along the sort
        order (or from a selective filter's index) only once everything cheaper has
        passed: first the user's schools as a list of ids (the scope's own join comes
        after the row tests), then the EXISTS filters, then the name, and the guardians
        last, looked up for that one student. Without the guard PostgreSQL tested the
        search first and looked up the guardians of every student it read."""
        tests = [self._row_test(rows, negate) for rows, negate in self._row_tests]
        if self._school_ids is not None:
            tests.insert(0, Q(school_id__in=self._school_ids))
        if not tests:
            return queryset.filter(self.search.condition)
        guard = reduce(operator.and_, [t if isinstance(t, Q) else Q(t) for t in tests])
        search = ExpressionWrapper(self.search.condition, output_field=BooleanField())
        return queryset.filter(
            Case(When(guard, then=search), default=Value(False), output_field=BooleanField())
        )

    def _row_test(self, rows, negate: bool):
        """A broad search's test of one filter on each row: for a province (or a large
        part of it), against the set of the rows' student ids when they are few; else,
        and in a district, whose students _apply_exists has already narrowed to those
        that pass, by a look-up per row."""
        chosen = self._chosen_schools()
        if chosen is None or len(chosen) >= SMALL_PART * self._all_schools():
            ids = rows.order_by().values("student_id")
            if row_estimate(ids) <= HASHED_IDS_MAX:
                return ~Q(pk__in=ids) if negate else Q(pk__in=ids)
        test = ExistsPerRow(rows.filter(student=OuterRef("pk")))
        return ~test if negate else test

    def filter_kind(self, queryset, name, value):
        if value == Circumstance.Kind.DISABILITY and self.form.cleaned_data.get("disability_level"):
            return queryset  # the level's filter tests the same circumstance
        return self._exists(queryset, _in_force(kind=value))

    def filter_disability_level(self, queryset, name, value):
        return self._exists(queryset, _in_force(kind="disability", disability_level=value))

    def filter_academic_result(self, queryset, name, value):
        """Students rated `value` in the chosen school year (or in any year)."""
        results = AcademicResult.objects.filter(academic_result=value)
        year = self.form.cleaned_data.get("result_year")
        if year:
            results = results.filter(school_year=year)
        return self._exists(queryset, results)

    def filter_noop(self, queryset, name, value):
        # With a rating, read by filter_academic_result; alone: a result recorded that year.
        if self.form.cleaned_data.get("academic_result"):
            return queryset
        return self._exists(queryset, AcademicResult.objects.filter(school_year=value))

    def filter_supported(self, queryset, name, value):
        """Students who received (or not) any support in the current school year: an
        EXISTS per row on the index support_year_student (school_year, student_id),
        which PostgreSQL answers from the index alone while it walks the sort order,
        or as one semi-join over that year's rows."""
        supports = Support.objects.filter(school_year=self.school_year)
        return self._exists(queryset, supports, negate=value != "co")

    def filter_verified(self, queryset, name, value):
        return queryset.filter(verified_at__isnull=(value != "co"))

    def filter_ordering(self, queryset, name, value):
        own, names = ORDERINGS[value.lstrip("-")]
        if value.startswith("-"):
            own = tuple(f"-{f}" for f in own)
        fields = own + names
        # The same expression as the indexes' (split_part(search_key, ' ', -1)).
        given_key = Func(
            F("search_key"), Value(" "), Value(-1), function="split_part", output_field=CharField()
        )
        return queryset.annotate(given_key=given_key).order_by(*fields)

    def filter_queryset(self, queryset):
        queryset = self._schools_filter(super().filter_queryset(queryset))
        if self._exists_tests:
            queryset = self._apply_exists(queryset)
        if self.search_is_broad:
            queryset = self._broad_search(queryset)  # which tests the schools first
        elif self._school_ids is None:  # no area, school or level filter either
            queryset = self._scope_guard(queryset)
        if not self.ordering:
            queryset = self.filter_ordering(queryset, "o", DEFAULT_ORDERING)
        return queryset

    @property
    def ordering(self) -> str:
        if not self.is_bound:
            return ""
        self.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
        return self.form.cleaned_data.get("o") or ""
