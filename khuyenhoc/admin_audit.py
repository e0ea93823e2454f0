"""The personal data access log in the Django admin: admins read it, nobody edits it."""

from __future__ import annotations

from django.contrib import admin

from khuyenhoc.admin_people import person_column
from khuyenhoc.admin_scoping import AdminOnlyMixin, BoundedDatesMixin, FoldedSearchMixin
from khuyenhoc.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(
    AdminOnlyMixin, BoundedDatesMixin, FoldedSearchMixin, admin.ModelAdmin
):
    list_display = ("at", "user_name", "action", "what", "rows", "ip_address")
    list_filter = ("action", "at")
    date_hierarchy = "at"
    search_fields = (
        "user__username",
        "user__last_name__unaccent__icontains",
        "user__first_name__unaccent__icontains",
        "what__unaccent__icontains",
    )
    list_select_related = ("user",)
    # The log only grows: no COUNT(*) over all of it on every page.
    show_full_result_count = False
    user_name = person_column(PersonalDataAccess, "user")
    fields = (
        "at",
        "user_name",
        "action",
        "what",
        "school",
        "area",
        "student_id",
        "rows",
        "ip_address",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
