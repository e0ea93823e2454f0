from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.db.models.functions import Left, Length
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from khuyenhoc.access import CHANGE
from khuyenhoc.admin_import_export import ScopedImportExportMixin
from khuyenhoc.admin_people import person_column
from khuyenhoc.admin_scoping import (
    AdminOnlyMixin,
    FoldedSearchMixin,
    ScopedAdminMixin,
    is_admin,
)
from khuyenhoc.models import (
    Area,
    AreaGroupObjectPermission,
    AreaSuccession,
    AreaUserObjectPermission,
    Job,
    School,
    SchoolGroupObjectPermission,
    SchoolUserObjectPermission,
    person_name,
)
from khuyenhoc.resources import AreaResource, SchoolResource

_TREE_FIELDS = ("treebeard_position", "treebeard_ref_node")
# People's names have no search_key column: compared without diacritics by PostgreSQL.
_USER_NAME_SEARCH = (
    "user__last_name__unaccent__icontains",
    "user__first_name__unaccent__icontains",
)


@admin.register(Area)
class AreaAdmin(ScopedAdminMixin, ScopedImportExportMixin, TreeAdmin):
    form = movenodeform_factory(Area)
    resource_classes = [AreaResource]
    list_display = ("name", "code", "kind", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "code", "search_key")

    def get_queryset(self, request):
        """The scoped rows; when treebeard draws the tree, one level of them.

        Replaces TreeAdmin.get_queryset, which reads the whole tree: the top level
        here is the highest areas the person may see, not the roots.
        """
        rows = super().get_queryset(request)
        if not hasattr(request, "_treebeard_parent_id") or getattr(
            request, "_ignore_treebeard_filters", False
        ):
            return rows
        request._treebeard_parent = None
        if self.is_filtered(request):
            return rows
        parent_id = request._treebeard_parent_id
        if parent_id:
            if not str(parent_id).isdigit():
                raise Http404
            parent = get_object_or_404(rows, pk=parent_id)
            request._treebeard_parent = parent
            return rows.filter(path__startswith=parent.path, depth=parent.depth + 1)
        parent_path = Left("path", Length("path") - Area.steplen)
        visible_parent = rows.filter(path=OuterRef("parent_path"))
        return rows.annotate(parent_path=parent_path).exclude(Exists(visible_parent))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        allowed = Area.objects.for_user(request.user, CHANGE)

        class ScopedMoveNodeForm(form):
            def _set_ref_model_queryset(self, opts, instance):
                super()._set_ref_model_queryset(opts, instance)
                field = self.fields["treebeard_ref_node"]
                field.queryset = field.queryset.filter(pk__in=allowed.values("pk"))

        return ScopedMoveNodeForm

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        editable = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        return fields if editable else [f for f in fields if f not in _TREE_FIELDS]

    def move_node(self, request):
        changeable = Area.objects.for_user(request.user, CHANGE)
        for key in ("node", "target"):
            pk = request.POST.get(key, "")
            if not pk.isdigit() or not changeable.filter(pk=pk).exists():
                raise PermissionDenied
        return super().move_node(request)


@admin.register(AreaSuccession)
class AreaSuccessionAdmin(AdminOnlyMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("old_area", "new_area", "is_default", "effective_on")
    list_filter = ("is_default", "effective_on")
    list_select_related = ("old_area", "new_area")
    search_fields = ("old_area__search_key", "new_area__search_key", "old_area__code")
    autocomplete_fields = ("old_area", "new_area")


@admin.register(School)
class SchoolAdmin(ScopedAdminMixin, ScopedImportExportMixin, admin.ModelAdmin):
    resource_classes = [SchoolResource]
    list_display = ("name", "moet_code", "level", "grade_min", "grade_max", "commune", "is_active")
    list_filter = ("level", "is_active")
    list_select_related = ("commune",)
    search_fields = ("search_key", "moet_code")
    autocomplete_fields = ("commune",)


class _GrantAdmin(AdminOnlyMixin, FoldedSearchMixin, admin.ModelAdmin):
    """Who may see or change the records of which area or school."""

    target = Area
    who = "user"
    list_filter = (("permission", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("content_object__search_key", "content_object__code")

    # django-guardian's fields carry no verbose names: the admin names them.
    LABELS = {
        "user": _("người dùng"),
        "group": _("nhóm"),
        "permission": _("quyền"),
        "content_object": _("địa bàn hoặc trường"),
    }

    def get_list_display(self, request):
        return ("grantee", "grant", "target_object")

    @admin.display(description=_("người dùng hoặc nhóm"), ordering="pk")
    def grantee(self, obj):
        return getattr(obj, self.who)

    @admin.display(description=LABELS["permission"])
    def grant(self, obj):
        return obj.permission

    @admin.display(description=LABELS["content_object"])
    def target_object(self, obj):
        return obj.content_object

    def get_list_select_related(self, request):
        return (self.who, "permission__content_type", "content_object")

    def get_autocomplete_fields(self, request):
        return (self.who, "content_object")

    def get_search_fields(self, request):
        if self.who == "user":
            return (*self.search_fields, "user__username", *_USER_NAME_SEARCH)
        return (*self.search_fields, "group__name__unaccent__icontains")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("label", self.LABELS.get(db_field.name))
        if db_field.name == "permission":
            kwargs["queryset"] = Permission.objects.filter(
                content_type=ContentType.objects.get_for_model(self.target),
                codename__in=[codename for codename, _label in self.target._meta.permissions],
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AreaUserObjectPermission)
class AreaUserObjectPermissionAdmin(_GrantAdmin):
    pass


@admin.register(AreaGroupObjectPermission)
class AreaGroupObjectPermissionAdmin(_GrantAdmin):
    who = "group"


@admin.register(SchoolUserObjectPermission)
class SchoolUserObjectPermissionAdmin(_GrantAdmin):
    target = School
    search_fields = ("content_object__search_key", "content_object__moet_code")


@admin.register(SchoolGroupObjectPermission)
class SchoolGroupObjectPermissionAdmin(_GrantAdmin):
    target = School
    who = "group"
    search_fields = ("content_object__search_key", "content_object__moet_code")


# Django's own user and group admins, searched like the rest (diacritics ignored, a NUL
# in an autocomplete term no longer a 500) and showing names in Vietnamese order.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PersonAdmin(FoldedSearchMixin, UserAdmin):
    list_display = ("username", "full_name", "email", "is_staff", "is_active", "last_login")
    search_fields = (
        "username",
        "last_name__unaccent__icontains",
        "first_name__unaccent__icontains",
        "email",
    )
    ordering = ("username",)

    @admin.display(description=_("họ và tên"), ordering="last_name")
    def full_name(self, obj):
        return person_name(obj)


@admin.register(Group)
class RoleGroupAdmin(FoldedSearchMixin, GroupAdmin):
    search_fields = ("name__unaccent__icontains",)


# The kinds of job, in the words of the pages that start them.
JOB_KINDS = {
    "submission_stage": _("Đọc danh sách tải lên"),
    "submission_apply": _("Ghi danh sách vào hồ sơ"),
    "student_export": _("Xuất danh sách học sinh"),
    "rollover": _("Lên lớp đầu năm học"),
    "addresses_match": _("Khớp địa chỉ với xã, phường"),
    "results_preview": _("Đọc tệp kết quả học tập"),
    "results_apply": _("Ghi kết quả học tập vào hồ sơ"),
}


class JobKindFilter(admin.SimpleListFilter):
    title = _("loại việc")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(JOB_KINDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


def _labelled(field: str, label):
    # Some of Job's fields have no Vietnamese name of their own (no migration for labels).
    @admin.display(description=label, ordering=field)
    def show(self, obj):
        return getattr(obj, field)

    return show


@admin.register(Job)
class JobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Background jobs, read only (the worker writes them). Administrators see every
    job, to follow up a stuck import; other staff see the jobs they started, without a
    permission of their own (starting a job is what lets them follow it)."""

    list_display = ("kind_label", "owner_name", "state", "progress", "message", "created")
    list_filter = ("state", JobKindFilter)
    list_select_related = ("owner",)
    search_fields = (
        "message__unaccent__icontains",
        "kind",
        "owner__username",
        "owner__last_name__unaccent__icontains",
        "owner__first_name__unaccent__icontains",
    )
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = (
        "kind_label",
        "owner_name",
        "state",
        "progress",
        "message",
        "error",
        "result_data",
        "created",
        "started",
        "finished",
    )
    fields = readonly_fields
    owner_name = person_column(Job, "owner")
    created = _labelled("created_at", _("lúc yêu cầu"))
    started = _labelled("started_at", _("lúc bắt đầu"))
    finished = _labelled("finished_at", _("lúc xong"))
    result_data = _labelled("result", _("kết quả"))

    def get_queryset(self, request):
        if is_admin(request.user):
            return Job.objects.select_related("owner")
        return super().get_queryset(request)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or is_admin(request.user) or obj.owner_id == request.user.pk

    @admin.display(description=_("loại việc"), ordering="kind")
    def kind_label(self, obj):
        return JOB_KINDS.get(obj.kind, obj.kind)

    @admin.display(description=_("tiến độ"))
    def progress(self, obj):
        return f"{obj.percent}%"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from khuyenhoc import admin_audit  # noqa: E402, F401  (the personal data access log)
