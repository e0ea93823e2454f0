from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyenhoc.admin_import_export import ScopedImportExportMixin
from khuyenhoc.admin_people import person_column
from khuyenhoc.admin_scoping import (
    AdminOnlyMixin,
    FoldedSearchMixin,
    ScopedAdminMixin,
    ScopedInlineMixin,
    is_admin,
)
from khuyenhoc.text import clean_text, search_key
from students.models import (
    AcademicResult,
    Circumstance,
    CollectionRound,
    DuplicatePair,
    Ethnicity,
    Guardian,
    LevelLeaver,
    Rollover,
    StatusChange,
    Student,
    Submission,
    SubmissionRow,
    Support,
    Wish,
)
from students.record.services import (
    need_scores_recompute,
    student_need_score_refresh,
    student_update,
)
from students.resources import StudentResource
from students.support.services import SUPPORT_FIELDS


@admin.register(Ethnicity)
class EthnicityAdmin(FoldedSearchMixin, admin.ModelAdmin):
    """The official list: everyone reads it, only administrators correct it."""

    list_display = ("code", "name", "aliases")
    search_fields = ("code", "name__unaccent__icontains", "aliases__unaccent__icontains")

    def has_add_permission(self, request):
        return is_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_delete_permission(request, obj)


class GuardianInline(ScopedInlineMixin, admin.TabularInline):
    model = Guardian
    extra = 0
    fields = ("full_name", "relation", "occupation", "phone")


class CircumstanceInline(ScopedInlineMixin, admin.StackedInline):
    model = Circumstance
    extra = 0
    fields = (
        ("kind", "confirmed"),
        ("disability_type", "disability_level"),
        ("orphan_label", "orphan_legal"),
        "household_year",
        "description",
        ("certificate_number", "certificate_date", "certificate_issuer"),
        ("started_on", "ended_on"),
    )


class AcademicResultInline(ScopedInlineMixin, admin.TabularInline):
    model = AcademicResult
    extra = 0
    fields = ("school_year", "grade", "academic_result", "conduct", "title", "note")


class StatusChangeInline(ScopedInlineMixin, admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ("status", "changed_on", "reason", "from_school", "to_school", "recorded_by_name")
    readonly_fields = ("recorded_by_name",)
    autocomplete_fields = ("from_school", "to_school")
    recorded_by_name = person_column(StatusChange, "recorded_by", _("người ghi"))


class SupportInline(ScopedInlineMixin, admin.TabularInline):
    model = Support
    extra = 0
    fields = (*SUPPORT_FIELDS, "recorded_by_name")
    readonly_fields = ("recorded_by_name",)
    recorded_by_name = person_column(Support, "recorded_by")


@admin.register(Student)
class StudentAdmin(ScopedAdminMixin, ScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [StudentResource]
    export_is_personal_data = True
    list_display = ("full_name", "birth", "school", "grade", "status", "need_score", "verified")
    list_filter = ("status", "grade", "gender")
    search_fields = ("search_key", "personal_id", "moet_code")
    list_select_related = ("school",)
    list_per_page = 50
    autocomplete_fields = ("school", "commune")
    readonly_fields = ("need_score", "verified_by_name", "created_at", "updated_at")
    inlines = (
        GuardianInline,
        CircumstanceInline,
        AcademicResultInline,
        SupportInline,
        StatusChangeInline,
    )
    fieldsets = (
        (
            _("Thông tin cá nhân"),
            {
                "fields": (
                    "full_name",
                    ("birth_date", "birth_year"),
                    ("gender", "ethnicity"),
                    ("personal_id", "moet_code"),
                )
            },
        ),
        (_("Trường, lớp"), {"fields": ("school", ("grade", "class_name"))}),
        (_("Nơi cư trú"), {"fields": ("commune", "village", "address_text")}),
        (
            _("Hoàn cảnh và nguyện vọng"),
            {"fields": ("specific_situation", "need_score", "wishes", "wishes_note")},
        ),
        (_("Tình trạng"), {"fields": (("status", "status_changed_on"),)}),
        (
            _("Sự đồng ý"),
            {"fields": (("guardian_consent_on", "guardian_consent_by"), "child_consent_on")},
        ),
        (
            _("Xác minh và ghi chú"),
            {
                "fields": (
                    ("verified_at", "verified_by_name"),
                    "note",
                    ("created_at", "updated_at"),
                )
            },
        ),
    )

    verified_by_name = person_column(Student, "verified_by")

    @admin.display(description=_("ngày sinh"), ordering="birth_date")
    def birth(self, obj):
        return obj.birth_display

    @admin.display(description=_("đã xác minh"), boolean=True, ordering="verified_at")
    def verified(self, obj):
        return obj.verified_at is not None

    @admin.display(description=_("nguyện vọng"))
    def wishes_text(self, obj):
        labels = dict(Wish.choices)
        return ", ".join(str(labels.get(wish, wish)) for wish in obj.wishes)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read only: the wishes by their names rather than their stored codes.
        return [
            (
                name,
                {
                    **opts,
                    "fields": tuple("wishes_text" if f == "wishes" else f for f in opts["fields"]),
                },
            )
            for name, opts in fieldsets
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "wishes":
            return forms.MultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=Wish.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if "verified_at" in form.changed_data:
            obj.verified_by = request.user if obj.verified_at else None
        if change:
            # The service dates a new status in the history, as the pages do.
            student_update(user=request.user, student=obj, data=form.cleaned_data)
            return
        obj.full_name = clean_text(obj.full_name)
        obj.search_key = search_key(obj.full_name)
        obj.status_changed_on = obj.status_changed_on or timezone.localdate()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model in (StatusChange, Support):
            for row in formset.forms:
                if row.instance.pk is None:
                    row.instance.recorded_by = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        student_need_score_refresh(student=form.instance)


class _StudentPartAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows that belong to one student: listed with the student and their school."""

    list_select_related = ("student", "student__school")
    search_fields = ("student__search_key", "student__moet_code")
    autocomplete_fields = ("student",)

    @admin.display(description=_("trường"), ordering="student__school__name")
    def school(self, obj):
        return obj.student.school


@admin.register(Circumstance)
class CircumstanceAdmin(_StudentPartAdmin):
    list_display = ("__str__", "student", "school", "kind", "confirmed", "started_on", "ended_on")
    list_filter = ("kind", "confirmed", "disability_level")
    fields = ("student", *CircumstanceInline.fields)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        student_need_score_refresh(student=obj.student)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        student_need_score_refresh(student=obj.student)

    def delete_queryset(self, request, queryset):
        school_ids = sorted(set(queryset.values_list("student__school_id", flat=True)))
        super().delete_queryset(request, queryset)
        need_scores_recompute(school_ids=school_ids)


@admin.register(Guardian)
class GuardianAdmin(_StudentPartAdmin):
    list_display = ("full_name", "relation", "student", "school", "phone")
    list_filter = ("relation",)
    search_fields = ("search_key", "phone", *_StudentPartAdmin.search_fields)
    fields = ("student", "full_name", "relation", "occupation", "phone")


@admin.register(AcademicResult)
class AcademicResultAdmin(_StudentPartAdmin):
    list_display = (
        "student",
        "school",
        "school_year_display",
        "grade",
        "academic_result",
        "conduct",
        "title",
    )
    list_filter = ("school_year", "grade")
    fields = ("student", *AcademicResultInline.fields)

    @admin.display(description=_("năm học"), ordering="school_year")
    def school_year_display(self, obj):
        return obj.school_year_display


@admin.register(StatusChange)
class StatusChangeAdmin(_StudentPartAdmin):
    list_display = ("student", "status", "changed_on", "reason", "from_school", "to_school")
    list_filter = ("status",)
    list_select_related = (*_StudentPartAdmin.list_select_related, "from_school", "to_school")
    autocomplete_fields = ("student", "from_school", "to_school")
    fields = ("student", *StatusChangeInline.fields)
    readonly_fields = ("recorded_by_name",)
    recorded_by_name = StatusChangeInline.recorded_by_name

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Support)
class SupportAdmin(_StudentPartAdmin):
    list_display = (
        "student",
        "school",
        "school_year_display",
        "received_on",
        "giver",
        "kind",
        "amount",
    )
    list_filter = ("school_year", "kind")
    search_fields = ("giver__unaccent__icontains", *_StudentPartAdmin.search_fields)
    date_hierarchy = "received_on"
    fields = ("student", *SupportInline.fields, "recorded_at")
    readonly_fields = ("recorded_by_name", "recorded_at")
    recorded_by_name = SupportInline.recorded_by_name

    @admin.display(description=_("năm học"), ordering="school_year")
    def school_year_display(self, obj):
        return obj.school_year_display

    @admin.display(description=_("số tiền"), ordering="amount_vnd")
    def amount(self, obj):
        from students.record.selectors import vnd

        return "" if obj.amount_vnd is None else vnd(obj.amount_vnd)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CollectionRound)
class CollectionRoundAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "school_year", "area", "opens_on", "deadline", "closed_at")
    list_filter = ("school_year",)
    search_fields = ("name__unaccent__icontains",)
    autocomplete_fields = ("area",)
    exclude = ("created_by",)
    readonly_fields = ("created_by_name", "created_at")
    created_by_name = person_column(CollectionRound, "created_by", _("người tạo"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Submission)
class SubmissionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Submissions are made and decided in the collection pages; the admin shows them
    for corrections of the review fields only."""

    list_display = (
        "original_name",
        "school",
        "round",
        "state",
        "rows_total",
        "rows_error",
        "created_at",
    )
    list_filter = ("state", "round")
    list_select_related = ("school", "round")
    search_fields = (
        "original_name__unaccent__icontains",
        "school__search_key",
        "school__moet_code",
    )
    exclude = ("uploaded_by", "confirmed_by", "reviewed_by")
    readonly_fields = (
        "round",
        "school",
        "uploaded_by_name",
        "file",
        "original_name",
        "file_sha256",
        "file_size",
        "state",
        "job",
        "sheet_name",
        "file_errors",
        "unknown_columns",
        "rows_total",
        "rows_valid",
        "rows_error",
        "rows_warning",
        "new_count",
        "changed_count",
        "unchanged_count",
        "missing_count",
        "created_count",
        "updated_count",
        "created_at",
        "confirmed_at",
        "confirmed_by_name",
        "reviewed_at",
        "reviewed_by_name",
    )
    uploaded_by_name = person_column(Submission, "uploaded_by")
    confirmed_by_name = person_column(Submission, "confirmed_by", _("người xác nhận"))
    reviewed_by_name = person_column(Submission, "reviewed_by", _("người duyệt"))

    def has_add_permission(self, request):
        return False


@admin.register(SubmissionRow)
class SubmissionRowAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("submission", "row_number", "action", "student")
    list_filter = ("action",)
    list_select_related = ("submission", "student")
    readonly_fields = (
        "submission",
        "row_number",
        "data",
        "errors",
        "warnings",
        "action",
        "student",
        "changes",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Decisions on duplicates, roll-overs and level leavers are made on their own pages
# (merge keeps both histories, a roll-over runs once per year): the admin only reads.
class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuplicatePair)
class DuplicatePairAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("student_a", "student_b", "score", "state", "decided_by_name", "decided_at")
    list_filter = ("state",)
    list_select_related = ("student_a", "student_b", "decided_by")
    raw_id_fields = ("student_a", "student_b", "kept")
    decided_by_name = person_column(DuplicatePair, "decided_by")


@admin.register(Rollover)
class RolloverAdmin(_ReadOnly, AdminOnlyMixin, admin.ModelAdmin):
    list_display = (
        "school_year",
        "ran_at",
        "started_by_name",
        "source",
        "promoted",
        "graduated",
        "leavers",
    )
    list_select_related = ("started_by",)
    started_by_name = person_column(Rollover, "started_by")


@admin.register(LevelLeaver)
class LevelLeaverAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("student", "school", "grade_before", "grade_after", "reason", "resolved_at")
    list_filter = ("reason",)
    list_select_related = ("student", "school")
    raw_id_fields = ("student",)
