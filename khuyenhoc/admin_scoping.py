"""The Django admin on the one access-scoping path.

Lists, single objects, permission checks, foreign-key choices and autocomplete results
all go through `Model.objects.for_user(user, action)`, so the admin shows a person
exactly the rows the rest of the site shows them. Superusers and the admin role get
everything from `for_user` itself.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q

from khuyenhoc.access import CHANGE, VIEW, scope_for
from khuyenhoc.roles import Role
from khuyenhoc.text import search_key


def is_admin(user) -> bool:
    """Superuser or in the admin role: the people who manage grants and reference data."""
    if not (user.is_authenticated and user.is_active):
        return False
    # Asked once per admin model on every page; request.user may be a lazy proxy, so
    # the answer is kept on the user through plain attribute access.
    answer = getattr(user, "_khuyenhoc_is_admin", None)
    if answer is None:
        answer = user.is_superuser or any(g.name == Role.ADMIN for g in user.groups.all())
        user._khuyenhoc_is_admin = answer
    return answer


def _scoped_choice_models() -> tuple:
    return (
        apps.get_model("khuyenhoc", "Area"),
        apps.get_model("khuyenhoc", "School"),
        apps.get_model("students", "Student"),
    )


def choices_for(user, model, *, record_model):
    """Rows of `model` (Area, School or Student) that a `record_model` row edited by
    `user` may point at: those under the user's grants to change `record_model`.

    Not `model.objects.for_user(user, "change")`: that also asks for the permission
    to change the school or area itself, which district and school staff do not have
    although they add students to their schools.
    """
    Area, School, Student = _scoped_choice_models()
    rows = model.objects.for_user(user, VIEW)
    scope = scope_for(user, CHANGE, record_model)
    if scope.everything:
        return rows
    if scope.is_empty:
        return rows.none()
    if model is School:
        return rows.filter(scope.school_q())
    if model is Student:
        return rows.filter(school_id__in=scope.school_ids_subquery())
    if model is Area:
        q = Q(pk__in=School.objects.filter(scope.school_q()).values("commune_id"))
        for path in scope.area_paths:
            q |= Q(path__startswith=path)
        return rows.filter(q)
    raise ValueError(f"{model} has no scoped choices")


def _can(request, obj, action: str) -> bool:
    # The admin asks the same question several times per page; ask the database once.
    cache = request.__dict__.setdefault("_khuyenhoc_admin_can", {})
    key = (obj._meta.label, obj.pk, action)
    if key not in cache:
        rows = type(obj).objects.for_user(request.user, action)
        cache[key] = obj.pk is not None and rows.filter(pk=obj.pk).exists()
    return cache[key]


def _autocomplete_source_model(request):
    """The model whose form asked for autocomplete results, or None for other requests."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None
    try:
        return apps.get_model(request.GET["app_label"], request.GET["model_name"])
    except (KeyError, LookupError):
        return None


class FoldedSearchMixin:
    """Admin search as the app searches: the term goes through `search_key` (no
    diacritics, lower case, no NUL or other control characters, which PostgreSQL
    refuses in text). Fields with a `search_key` column compare with it; plain text
    fields are listed as "name__unaccent__icontains" so "vo thi" finds "Võ Thị"."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_key(search_term))


class BoundedDatesMixin:
    """A date hierarchy given a year no date can have (?received_on__year=999...9)
    answers the admin's "wrong filter" page, not a 500: Django turns ValueError into
    IncorrectLookupParameters but not OverflowError."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class _ScopedMixin:
    """What model admins and inlines share: rows, foreign-key choices, and the
    object-level checks. For an inline, `obj` is the parent object: it decides."""

    def get_queryset(self, request):
        rows = self.model.objects.for_user(request.user, VIEW)
        ordering = self.get_ordering(request)
        return rows.order_by(*ordering) if ordering else rows

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or _can(request, obj, VIEW)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or _can(request, obj, CHANGE)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or _can(request, obj, CHANGE)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _limit_choices(self, db_field, request, kwargs: dict) -> None:
        related = db_field.remote_field.model
        if "queryset" not in kwargs and related in _scoped_choice_models():
            kwargs["queryset"] = choices_for(request.user, related, record_model=self.model)


class ScopedAdminMixin(BoundedDatesMixin, FoldedSearchMixin, _ScopedMixin):
    """For a ModelAdmin whose model has `objects.for_user`. Put it first in the bases."""

    def delete_queryset(self, request, queryset):
        changeable = self.model.objects.for_user(request.user, CHANGE)
        super().delete_queryset(request, queryset.filter(pk__in=changeable.values("pk")))

    def get_search_results(self, request, queryset, search_term):
        source = _autocomplete_source_model(request)
        if source is not None and self.model in _scoped_choice_models():
            allowed = choices_for(request.user, self.model, record_model=source)
            queryset = queryset.filter(pk__in=allowed.values("pk"))
        return super().get_search_results(request, queryset, search_term)


class ScopedInlineMixin(_ScopedMixin):
    """For an inline of rows that belong to a parent object."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (
            obj is None or _can(request, obj, CHANGE)
        )


class AdminOnlyMixin:
    """Grants and reference tables: only superusers and the admin role see them."""

    def has_module_permission(self, request):
        return is_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_delete_permission(request, obj)
