"""Import and export buttons for the scoped model admins (django-import-export).

Goes after ScopedAdminMixin and before the ModelAdmin class in the bases, so the
permission checks below are the scoped ones. The resources get the person
(`user=request.user`) and scope every row themselves (khuyenhoc/resources.py); the
export starts from the admin's own, already scoped, changelist queryset.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX


class ScopedImportExportMixin(ImportExportMixin):
    # Exports of personal data (students) go to the access log (khuyenhoc/audit.py).
    export_is_personal_data = False
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    # Only the messages: a traceback or the raw row could show what is out of scope.
    import_error_display = ("message",)

    def has_import_permission(self, request):
        """Importing adds and changes rows: it needs both permissions (a leader, who
        only reads, gets no import button)."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        if self.export_is_personal_data:
            from khuyenhoc.audit import Action, personal_data_access_log, students_what

            personal_data_access_log(
                user=request.user,
                action=Action.ADMIN_EXPORT,
                what=students_what(_("Trang quản trị"), len(dataset)),
                rows=len(dataset),
                request=request,
            )
        return dataset

    def get_resource_kwargs(self, request, *args, **kwargs):
        # django-import-export passes the form and other keys the resources do not take.
        return {}
