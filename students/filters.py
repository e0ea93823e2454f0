"""Filters of the student list. The area and school choices come from the user's own
scope, so a select never offers (or accepts) a place the user may not see."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import CharField, Exists, F, Func, OuterRef, Value
from django.utils.translation import gettext_lazy as _

from khuyenhoc.models import Area, School
from students.models import AcademicResult, Circumstance, Ethnicity, Gender, Status, Student
from students.results.parse import RATINGS
from students.selectors import areas_for_filter, student_search

# Sort keys offered in the column headers -> order_by() (always ending in pk, so the
# pages are stable). Names sort the Vietnamese way: by the given name (the last word),
# then the whole name. The first direction a header uses is ascending, except the need
# score, which starts with the highest.
ORDERINGS = {
    "ten": ("given_key", "search_key", "pk"),
    "lop": ("grade", "given_key", "search_key", "pk"),
    "truong": ("school__name", "grade", "given_key", "search_key", "pk"),
    "diem": ("need_score", "given_key", "search_key", "pk"),
}
DEFAULT_ORDERING = "ten"
DESCENDING_FIRST = {"diem"}


def ordering_choices() -> list[tuple[str, str]]:
    choices = []
    for key in ORDERINGS:
        choices += [(key, key), (f"-{key}", f"-{key}")]
    return choices


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        if obj.kind == Area.Kind.COMMUNE:
            return f"\u00a0\u00a0\u2014 {obj.name}"
        return obj.name


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return obj.name


class AreaFilter(django_filters.ModelChoiceFilter):
    field_class = AreaChoiceField


class SchoolFilter(django_filters.ModelChoiceFilter):
    field_class = SchoolChoiceField


YES_NO = [("co", _("Đã xác minh")), ("chua", _("Chưa xác minh"))]


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
        method="filter_area",
        empty_label=_("Tất cả địa bàn"),
    )
    school = SchoolFilter(
        label=_("Trường"),
        queryset=School.objects.none(),
        field_name="school",
        empty_label=_("Tất cả trường"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Hoàn cảnh"),
        choices=Circumstance.Kind.choices,
        method="filter_kind",
        empty_label=_("Mọi hoàn cảnh"),
    )
    school_level = django_filters.ChoiceFilter(
        label=_("Cấp học"),
        choices=School.Level.choices,
        field_name="school__level",
        empty_label=_("Mọi cấp học"),
    )
    disability_level = django_filters.ChoiceFilter(
        label=_("Mức độ khuyết tật"),
        choices=Circumstance.DisabilityLevel.choices,
        method="filter_disability_level",
        empty_label=_("Mọi mức độ"),
    )
    ethnicity = django_filters.ModelChoiceFilter(
        label=_("Dân tộc"),
        queryset=Ethnicity.objects.order_by("code"),
        field_name="ethnicity",
        empty_label=_("Mọi dân tộc"),
    )
    academic_result = django_filters.ChoiceFilter(
        label=_("Học lực / kết quả học tập"),
        choices=[(label, label) for label in RATINGS],
        method="filter_academic_result",
        empty_label=_("Mọi kết quả"),
    )
    result_year = django_filters.NumberFilter(
        label=_("của năm học (năm bắt đầu)"),
        method="filter_noop",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 2000, "max": 2100}),
    )
    grade = django_filters.ChoiceFilter(
        label=_("Khối lớp"),
        choices=[(str(g), str(g)) for g in range(1, 13)],
        field_name="grade",
        empty_label=_("Mọi khối"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=Status.choices,
        field_name="status",
        empty_label=_("Mọi tình trạng"),
    )
    gender = django_filters.ChoiceFilter(
        label=_("Giới tính"),
        choices=Gender.choices,
        field_name="gender",
        empty_label=_("Nam và nữ"),
    )
    verified = django_filters.ChoiceFilter(
        label=_("Xác minh"),
        choices=YES_NO,
        method="filter_verified",
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
        self.filters["area"].queryset = areas_for_filter(user=user)
        self.filters["school"].queryset = School.objects.for_user(user, "view").order_by(
            "name", "pk"
        )

    def filter_q(self, queryset, name, value):
        return student_search(queryset, value)

    def filter_area(self, queryset, name, value: Area):
        return queryset.filter(school__commune__path__startswith=value.path)

    def filter_kind(self, queryset, name, value):
        return queryset.filter(
            Exists(Circumstance.objects.filter(student=OuterRef("pk"), kind=value))
        )

    def filter_disability_level(self, queryset, name, value):
        current = Circumstance.objects.filter(
            student=OuterRef("pk"), kind="disability", disability_level=value, ended_on__isnull=True
        )
        return queryset.filter(Exists(current))

    def filter_academic_result(self, queryset, name, value):
        """Students rated `value` in the chosen school year (or in any year)."""
        results = AcademicResult.objects.filter(student=OuterRef("pk"), academic_result=value)
        year = self.form.cleaned_data.get("result_year")
        if year:
            results = results.filter(school_year=year)
        return queryset.filter(Exists(results))

    def filter_noop(self, queryset, name, value):
        # Read by filter_academic_result.
        return queryset

    def filter_verified(self, queryset, name, value):
        return queryset.filter(verified_at__isnull=(value != "co"))

    def filter_ordering(self, queryset, name, value):
        key = value.lstrip("-")
        fields = ORDERINGS[key]
        if value.startswith("-"):
            fields = tuple(f"-{f}" for f in fields)
        given_key = Func(
            F("search_key"), Value(" "), Value(-1), function="split_part", output_field=CharField()
        )
        return queryset.annotate(given_key=given_key).order_by(*fields)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.ordering:
            queryset = self.filter_ordering(queryset, "o", DEFAULT_ORDERING)
        return queryset

    @property
    def ordering(self) -> str:
        if not self.is_bound:
            return ""
        self.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
        return self.form.cleaned_data.get("o") or ""
