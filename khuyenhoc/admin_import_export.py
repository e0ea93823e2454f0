"""Import and export buttons for the scoped model admins (django-import-export).

Goes after ScopedAdminMixin and before the ModelAdmin class in the bases, so the
permission checks below are the scoped ones. The resources get the person
(`user=request.user`) and scope every row themselves (khuyenhoc/resources.py); the
export starts from the admin's own, already scoped, changelist queryset.
Exports write formula-like text inert (khuyenhoc/spreadsheet.py); imports read it back
as it was (khuyenhoc/resources/base.py).
"""

from __future__ import annotations

from io import BytesIO

import tablib
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from import_export.results import RowResult
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from khuyenhoc.spreadsheet import csv_cell, xlsx_cell, xlsx_inert

# django-import-export has no Vietnamese translation: its templates are overridden in
# templates/admin/import_export/, and its form labels are set here.
_LABELS = {"resource": gettext_lazy("Loại dữ liệu"), "format": gettext_lazy("Định dạng tệp")}


class InertCSV(CSV):
    """CSV whose formula-like text carries an apostrophe in front."""

    def export_data(self, dataset, **kwargs):
        inert = tablib.Dataset(
            *(tuple(csv_cell(v) for v in row) for row in dataset),
            headers=[csv_cell(h) for h in dataset.headers or ()],
            title=dataset.title,
        )
        return super().export_data(inert, **kwargs)


class InertXLSX(XLSX):
    """.xlsx written here rather than by tablib, which lets openpyxl type any text
    beginning with "=" as a formula: formula-like text becomes an inert string cell."""

    def export_data(self, dataset, **kwargs):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet((dataset.title or "Sheet1")[:31])
        headers = list(dataset.headers or ())
        rows = [[_legal(v) for v in row] for row in dataset]
        for index, header in enumerate(headers, 1):
            longest = max((len(str(r[index - 1] or "")) for r in rows), default=0)
            width = min(max(len(str(header)), longest) + 2, 50)
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header_cells = []
        for header in headers:
            cell = xlsx_inert(WriteOnlyCell(ws, value=header))
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        for row in rows:
            ws.append([xlsx_cell(ws, v) for v in row])
        out = BytesIO()
        wb.save(out)
        return out.getvalue()


def _legal(value):
    # Control characters cannot be stored in .xlsx (django-import-export's own way out).
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    return value


class VietnameseExportForm(SelectableFieldsExportForm):
    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        for name, label in _LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
        for resource in resources:
            for field_name, field in resource.fields.items():
                key = self.create_boolean_field_name(resource, field_name)
                if key in self.fields:
                    self.fields[key].label = field.column_name


class ScopedImportExportMixin(ImportExportMixin):
    # Exports of personal data (students) go to the access log (khuyenhoc/audit.py).
    export_is_personal_data = False
    import_formats = [InertXLSX, InertCSV]
    export_formats = [InertXLSX, InertCSV]
    # Only the messages: a traceback or the raw row could show what is out of scope.
    import_error_display = ("message",)
    export_form_class = VietnameseExportForm

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

    def create_import_form(self, request):
        form = super().create_import_form(request)
        labels = {**_LABELS, "import_file": _("Tệp cần nhập (.xlsx hoặc .csv UTF-8)")}
        for name, label in labels.items():
            if name in form.fields:
                form.fields[name].label = label
        return form

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _("Đã nhập xong: %(new)s mới, %(updated)s cập nhật, %(skipped)s không đổi.")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "skipped": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )

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
