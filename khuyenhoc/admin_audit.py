"""The personal data access log in the Django admin: admins read it, nobody edits it."""

from __future__ import annotations

from django.contrib import admin

from khuyenhoc.admin_scoping import AdminOnlyMixin
from khuyenhoc.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(AdminOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "user", "action", "what", "rows", "ip_address")
    list_filter = ("action", "at")
    date_hierarchy = "at"
    search_fields = ("user__username", "user__first_name", "user__last_name", "what")
    list_select_related = ("user",)
    # The log only grows: no COUNT(*) over all of it on every page.
    show_full_result_count = False
    fields = (
        "at",
        "user",
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
