"""The upload form of the results page: school (those the person may change), school
year and the file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from students.results.services import school_year_default, schools_for_results

UPLOAD_ACCEPT = ".xlsx,.xls,.ods,.csv"


class ResultsUploadForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("Trường"),
        queryset=None,
        error_messages={
            "required": _("Hãy chọn trường."),
            "invalid_choice": _("Hãy chọn một trường trong danh sách."),
        },
    )
    school_year = forms.IntegerField(
        label=_("Năm học (năm bắt đầu)"),
        min_value=2000,
        max_value=2100,
        help_text=_("Ví dụ 2024 cho năm học 2024-2025."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Hãy nhập năm học."),
            "invalid": _("Năm học là một số, ví dụ 2024."),
            "min_value": _("Năm học phải từ 2000 trở đi."),
            "max_value": _("Năm học không hợp lệ."),
        },
    )
    file = forms.FileField(
        label=_("Tệp kết quả học tập"),
        help_text=_(
            "Tệp xuất từ hệ thống của ngành giáo dục: Excel (.xlsx, .xls), LibreOffice (.ods) hoặc .csv, tối đa %(mb)s MB."
        )
        % {"mb": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)},
        error_messages={
            "required": _("Hãy chọn tệp để tải lên."),
            "empty": _("Tệp này trống."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = schools_for_results(user=user).order_by("name")
        self.fields["school"].queryset = schools
        self.fields["school_year"].initial = school_year_default()
        if len(schools[:2]) == 1:
            self.fields["school"].initial = schools[0].pk
